using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Tests.Oci;

public class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("ubuntu", "docker.io", "library/ubuntu", "latest", null)]
    [InlineData("ubuntu:24.04", "docker.io", "library/ubuntu", "24.04", null)]
    [InlineData("docker.io/ubuntu", "docker.io", "library/ubuntu", "latest", null)]
    [InlineData("index.docker.io/library/ubuntu:22.04", "docker.io", "library/ubuntu", "22.04", null)]
    [InlineData("bitnami/nginx:1.25", "docker.io", "bitnami/nginx", "1.25", null)]
    [InlineData("mcr.microsoft.com/dotnet/aspnet:10.0", "mcr.microsoft.com", "dotnet/aspnet", "10.0", null)]
    [InlineData("localhost:5000/x/aspnet:10.0", "localhost:5000", "x/aspnet", "10.0", null)]
    [InlineData("localhost/app", "localhost", "app", "latest", null)]
    [InlineData("127.0.0.1:5000/app:v1", "127.0.0.1:5000", "app", "v1", null)]
    [InlineData("[::1]:5000/app:v1", "[::1]:5000", "app", "v1", null)]
    [InlineData("registry.test:5000/a/b/c:tag@sha256:" + Hex, "registry.test:5000", "a/b/c", "tag", "sha256:" + Hex)]
    [InlineData("ghcr.io/o/r@sha256:" + Hex, "ghcr.io", "o/r", null, "sha256:" + Hex)]
    [InlineData("Registry.Test/a_b__c-d.e:T_1", "Registry.Test", "a_b__c-d.e", "T_1", null)]
    public void ParseNormalisesLikeDocker(string input, string registry, string repository, string? tag, string? digest)
    {
        ImageReference r = ImageReference.Parse(input);
        Assert.Equal(registry, r.Registry);
        Assert.Equal(repository, r.Repository);
        Assert.Equal(tag, r.Tag);
        Assert.Equal(digest, r.Digest?.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Ubuntu")]
    [InlineData("docker.io/Library/ubuntu")]
    [InlineData("registry.test/app:")]
    [InlineData("registry.test/app:-bad")]
    [InlineData("registry.test/app@sha256:abc")]
    [InlineData("registry.test/app@md5:" + Hex)]
    [InlineData("registry.test/app@sha256:" + Hex + "\n")]
    [InlineData("registry.test//app")]
    [InlineData("registry.test/app/")]
    [InlineData("registry.test/-app")]
    [InlineData("registry.test/app name")]
    [InlineData("re_gistry.test/app")]
    [InlineData("registry.test:port/app")]
    [InlineData(":tag")]
    public void ParseRejectsInvalidReferencesWithSC3001(string input)
    {
        SecureContainerException ex = Assert.Throws<SecureContainerException>(() => ImageReference.Parse(input));
        Assert.Equal("SC3001", ex.Diagnostic.Code);
    }

    [Fact]
    public void UppercaseRepositoryErrorSaysLowercase()
    {
        SecureContainerException ex = Assert.Throws<SecureContainerException>(() => ImageReference.Parse("registry.test/MyApp:1"));
        Assert.Contains("lowercase", ex.Message);
    }

    [Fact]
    public void TooLongNameIsRejected()
    {
        string longRepo = string.Join('/', Enumerable.Repeat("abcdefghij", 30));
        Assert.Equal("SC3001", Assert.Throws<SecureContainerException>(() => ImageReference.Parse("registry.test/" + longRepo)).Diagnostic.Code);
    }

    [Fact]
    public void ToStringIsCanonicalAndRoundTrips()
    {
        ImageReference r = ImageReference.Parse("ubuntu:24.04@sha256:" + Hex);
        Assert.Equal("docker.io/library/ubuntu:24.04@sha256:" + Hex, r.ToString());
        Assert.Equal(r, ImageReference.Parse(r.ToString()));
    }

    [Fact]
    public void ReferenceForApiPrefersTheDigest()
    {
        Assert.Equal("sha256:" + Hex, ImageReference.Parse("r.test/a:1@sha256:" + Hex).ReferenceForApi);
        Assert.Equal("1", ImageReference.Parse("r.test/a:1").ReferenceForApi);
        Assert.Equal("latest", ImageReference.Parse("r.test/a").ReferenceForApi);
    }

    [Fact]
    public void FromPartsTakesTheSdkItems()
    {
        ImageReference r = ImageReference.FromParts("mcr.microsoft.com", "dotnet/runtime", "10.0", null);
        Assert.Equal("mcr.microsoft.com/dotnet/runtime:10.0", r.ToString());

        ImageReference pinned = ImageReference.FromParts("docker.io", "alpine", null, "sha256:" + Hex);
        Assert.Equal("docker.io/library/alpine@sha256:" + Hex, pinned.ToString());
        Assert.Null(pinned.Tag);

        Assert.Equal("latest", ImageReference.FromParts("localhost:5000", "app", "", "").Tag);
    }

    [Theory]
    [InlineData("r.test", "App", "1", null)]
    [InlineData("r.test", "app:1", "2", null)]
    [InlineData("r.test", "", "1", null)]
    [InlineData("r.test", "app", "1", "sha256:nothex")]
    [InlineData("bad host", "app", "1", null)]
    public void FromPartsRejectsBadParts(string registry, string repository, string? tag, string? digest)
    {
        Assert.Equal("SC3001", Assert.Throws<SecureContainerException>(() => ImageReference.FromParts(registry, repository, tag, digest)).Diagnostic.Code);
    }
}

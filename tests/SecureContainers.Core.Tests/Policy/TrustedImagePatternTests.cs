using SecureContainers.Core.Oci;
using SecureContainers.Core.Policy;

namespace SecureContainers.Core.Tests.Policy;

public class TrustedImagePatternTests
{
    private static bool Trusts(string pattern, string image) =>
        TrustedImagePattern.Parse(pattern)!.Matches(ImageReference.Parse(image));

    [Theory]
    [InlineData("mcr.microsoft.com/dotnet/aspnet", "mcr.microsoft.com/dotnet/aspnet:10.0")]
    [InlineData("mcr.microsoft.com/dotnet/aspnet", "mcr.microsoft.com/dotnet/aspnet@sha256:" + "ab" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd")]
    [InlineData("mcr.microsoft.com/dotnet/*", "mcr.microsoft.com/dotnet/runtime-deps:10.0")]
    [InlineData("mcr.microsoft.com/dotnet/*", "mcr.microsoft.com/dotnet/nightly/aspnet:11.0")]
    [InlineData("localhost:5000/base/*", "localhost:5000/base/aspnet:10.0")]
    [InlineData("myregistry.azurecr.io/dotnet/", "myregistry.azurecr.io/dotnet/aspnet:10.0")]
    [InlineData("myregistry.azurecr.io/dotnet/", "myregistry.azurecr.io/dotnet/nightly/aspnet:11.0")]
    [InlineData("ubuntu", "docker.io/library/ubuntu:24.04")]
    [InlineData("docker.io/library/ubuntu", "ubuntu")]
    [InlineData("ghcr.io/acme-*/base", "ghcr.io/acme-web/base:1")]
    [InlineData("mcr.microsoft.com/dotnet/aspnet:10.0", "mcr.microsoft.com/dotnet/aspnet:10.0")]
    public void TrustedImagesMatch(string pattern, string image) => Assert.True(Trusts(pattern, image));

    [Theory]
    [InlineData("mcr.microsoft.com/dotnet/aspnet", "mcr.microsoft.com/dotnet/aspnet-evil:10.0")]
    [InlineData("mcr.microsoft.com/dotnet/aspnet", "evil.io/mcr.microsoft.com/dotnet/aspnet:10.0")]
    [InlineData("mcr.microsoft.com/dotnet/*", "mcr.microsoft.com/dotnetevil/aspnet:10.0")]
    [InlineData("mcr.microsoft.com/dotnet/*", "mcr.microsoft.com/dotnet")]
    [InlineData("myregistry.azurecr.io/dotnet/", "myregistry.azurecr.io/dotnet")]
    [InlineData("myregistry.azurecr.io/dotnet/", "myregistry.azurecr.io/dotnetevil/aspnet:10.0")]
    [InlineData("localhost:5000/base/*", "localhost:5001/base/aspnet:10.0")]
    [InlineData("ghcr.io/acme-*/base", "ghcr.io/acme-x/evil/base:1")]
    [InlineData("ubuntu", "docker.io/someone/ubuntu")]
    [InlineData("mcr.microsoft.com/dotnet/aspnet:10.0", "mcr.microsoft.com/dotnet/aspnet:9.0")]
    public void OtherImagesDoNotMatch(string pattern, string image) => Assert.False(Trusts(pattern, image));

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("registry.example.com//base")]
    [InlineData("registry.example.com/base@sha256:nothex")]
    [InlineData("registry.example.com/base:tag with space")]
    public void MalformedPatternsAreRejected(string pattern) => Assert.Null(TrustedImagePattern.Parse(pattern));
}

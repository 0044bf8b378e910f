using SecureContainers.Core.Oci;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Core.Tests.Sbom;

public class PackageUrlTests
{
    private static readonly Digest ImageDigest = Digest.Parse("sha256:" + new string('a', 64));

    [Theory]
    [InlineData("Microsoft.Extensions.Hosting", "10.0.14", "pkg:nuget/Microsoft.Extensions.Hosting@10.0.14")]
    [InlineData("Polly", "8.5.2", "pkg:nuget/Polly@8.5.2")]
    [InlineData("My_Lib-x", "1.0.0-beta.1+sha.5114f85", "pkg:nuget/My_Lib-x@1.0.0-beta.1%2Bsha.5114f85")]
    [InlineData("Odd", "1.0.0 rc", "pkg:nuget/Odd@1.0.0%20rc")]
    public void NuGetPurlKeepsIdCaseAndDotsAndEncodesTheRest(string id, string version, string expected)
    {
        Assert.Equal(expected, PackageUrl.NuGet(id, version));
    }

    [Fact]
    public void NonAsciiIsPercentEncodedAsUtf8()
    {
        Assert.Equal("pkg:nuget/Caf%C3%A9@1.0.0", PackageUrl.NuGet("Café", "1.0.0"));
    }

    [Fact]
    public void OciPurlUsesTheLastRepositorySegmentAndEncodedDigest()
    {
        string purl = PackageUrl.Oci("localhost:5000/Team/My.App", ImageDigest, "1.2.3");

        Assert.Equal($"pkg:oci/my.app@sha256%3A{new string('a', 64)}?repository_url=localhost:5000/team/my.app&tag=1.2.3", purl);
    }

    [Fact]
    public void OciPurlWithoutTagHasOnlyTheRepositoryQualifier()
    {
        string purl = PackageUrl.Oci("mcr.microsoft.com/dotnet/aspnet", ImageDigest, tag: null);

        Assert.Equal($"pkg:oci/aspnet@sha256%3A{new string('a', 64)}?repository_url=mcr.microsoft.com/dotnet/aspnet", purl);
    }
}

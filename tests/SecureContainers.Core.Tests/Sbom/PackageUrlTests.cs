using SecureContainers.Core.Packages;
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

    [Theory]
    [InlineData("deb", "debian", "zlib1g", "1:1.2.13.dfsg-1", "amd64", "debian-12", "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12")]
    [InlineData("deb", "debian", "libc6", "2.36-9+deb12u10", "amd64", "debian-12", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=debian-12")]
    [InlineData("deb", "debian", "libssl3", "3.0.15-1~deb12u1", "arm64", "debian-12", "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=arm64&distro=debian-12")]
    [InlineData("deb", "Ubuntu", "libstdc++6", "14.2.0-4ubuntu2~24.04", "amd64", "ubuntu-24.04", "pkg:deb/ubuntu/libstdc%2B%2B6@14.2.0-4ubuntu2~24.04?arch=amd64&distro=ubuntu-24.04")]
    [InlineData("deb", "debian", "tzdata", "2025b-0+deb12u1", null, null, "pkg:deb/debian/tzdata@2025b-0%2Bdeb12u1")]
    [InlineData("deb", "debian", "base-files", "12.4", null, "debian-12", "pkg:deb/debian/base-files@12.4?distro=debian-12")]
    [InlineData("apk", "alpine", "musl", "1.2.5-r0", "x86_64", "alpine-3.20.3", "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3")]
    [InlineData("apk", "alpine", "Py3-Foo", "1.0_rc1-r0", "aarch64", null, "pkg:apk/alpine/py3-foo@1.0_rc1-r0?arch=aarch64")]
    public void OsPackagePurlLowercasesVendorAndNameEncodesEpochAndPlusAndSortsQualifiers(string type, string vendor, string name, string version, string? arch, string? distro, string expected)
    {
        Assert.Equal(expected, PackageUrl.OsPackage(type, vendor, name, version, arch, distro));
    }

    [Fact]
    public void OsPackagePurlRefusesOtherTypes()
    {
        Assert.Throws<ArgumentException>(() => PackageUrl.OsPackage("pacman", "arch", "glibc", "2.39", "x86_64", null));
        Assert.Throws<ArgumentException>(() => PackageUrl.OsPackage("deb", "debian", "zlib1g", "1.2.13", "amd64", null, epoch: 1));
    }

    [Theory]
    [InlineData("fedora", "curl", "7.50.3-1.fc25", "i386", "fedora-25", null, "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25")]
    [InlineData("AzureLinux", "NetworkManager", "1.46.0-1.azl3", "x86_64", "azurelinux-3.0", 1, "pkg:rpm/azurelinux/NetworkManager@1.46.0-1.azl3?arch=x86_64&distro=azurelinux-3.0&epoch=1")]
    [InlineData("azurelinux", "sc-tools", "0.9~beta2-3.azl3", null, null, 0, "pkg:rpm/azurelinux/sc-tools@0.9~beta2-3.azl3?epoch=0")]
    public void RpmPurlKeepsTheNameCaseAndPutsTheEpochInItsQualifier(string vendor, string name, string version, string? arch, string? distro, int? epoch, string expected)
    {
        // The first case is the rpm purl type definition's own example.
        Assert.Equal(expected, PackageUrl.OsPackage("rpm", vendor, name, version, arch, distro, epoch));
    }
}

using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Tests.Oci;

public class PlatformTests
{
    [Theory]
    [InlineData("linux-x64", "linux/amd64")]
    [InlineData("linux-musl-x64", "linux/amd64")]
    [InlineData("linux-arm64", "linux/arm64")]
    [InlineData("linux-musl-arm64", "linux/arm64")]
    [InlineData("linux-arm", "linux/arm/v7")]
    [InlineData("win-x64", "windows/amd64")]
    [InlineData("win-arm64", "windows/arm64")]
    public void RuntimeIdentifiersMapToImagePlatforms(string rid, string expected)
    {
        Assert.Equal(expected, Platform.FromRuntimeIdentifier(rid).ToString());
    }

    [Theory]
    [InlineData("osx-arm64")]
    [InlineData("linux")]
    [InlineData("")]
    [InlineData("any")]
    public void UnknownRuntimeIdentifierIsSC3002(string rid)
    {
        Assert.Equal("SC3002", Assert.Throws<SecureContainerException>(() => Platform.FromRuntimeIdentifier(rid)).Diagnostic.Code);
    }

    [Theory]
    [InlineData("linux", "arm64", null, "linux", "arm64", "v8", true)]
    [InlineData("linux", "arm64", null, "linux", "arm64", null, true)]
    [InlineData("linux", "arm64", "v8", "linux", "arm64", null, true)]
    [InlineData("linux", "arm", "v7", "linux", "arm", null, true)]
    [InlineData("linux", "arm", "v7", "linux", "arm", "v6", false)]
    [InlineData("linux", "amd64", null, "linux", "amd64", "v1", true)]
    [InlineData("linux", "amd64", null, "linux", "amd64", "v3", false)]
    [InlineData("linux", "amd64", null, "windows", "amd64", null, false)]
    [InlineData("linux", "amd64", null, "linux", "arm64", null, false)]
    [InlineData("linux", "amd64", null, "unknown", "unknown", null, false)]
    [InlineData("Linux", "AMD64", null, "linux", "amd64", null, true)]
    public void MatchesAppliesVariantNormalisation(string os, string arch, string? variant, string cos, string carch, string? cvariant, bool expected)
    {
        Assert.Equal(expected, new Platform(os, arch, variant).Matches(new Platform(cos, carch, cvariant)));
    }
}

using SecureContainers.Core.Packages.Versions;

namespace SecureContainers.Core.Tests.Packages.Versions;

public sealed class OsPackageVersionTests
{
    [Theory]
    // The same two strings order differently in each ecosystem: the ecosystem must pick the ordering.
    [InlineData(OsPackageEcosystem.Deb, "1.0", "1.0-0", 0)]
    [InlineData(OsPackageEcosystem.Rpm, "1.0", "1.0-0", -1)]
    [InlineData(OsPackageEcosystem.Deb, "1.0a", "1.0+", -1)]
    [InlineData(OsPackageEcosystem.Rpm, "1.0a", "1.0+", 1)]
    [InlineData(OsPackageEcosystem.Apk, "1.0_rc1", "1.0", -1)]
    [InlineData(OsPackageEcosystem.Apk, "1.0_p1", "1.0", 1)]
    public void EachEcosystemUsesItsOwnOrdering(OsPackageEcosystem ecosystem, string left, string right, int expected)
    {
        Assert.Equal(expected, OsPackageVersion.Compare(ecosystem, left, right));
        Assert.True(OsPackageVersion.TryCompare(ecosystem, right, left, out int reversed));
        Assert.Equal(-expected, reversed);
    }

    [Theory]
    [InlineData(OsPackageEcosystem.Deb, "1:")]
    [InlineData(OsPackageEcosystem.Rpm, "")]
    [InlineData(OsPackageEcosystem.Apk, "1.0-1")]
    public void AnInvalidVersionIsReportedNotOrdered(OsPackageEcosystem ecosystem, string invalid)
    {
        Assert.False(OsPackageVersion.IsValid(ecosystem, invalid));
        Assert.False(OsPackageVersion.TryCompare(ecosystem, invalid, "1.0", out _));
        Assert.Throws<FormatException>(() => OsPackageVersion.Compare(ecosystem, "1.0", invalid));
    }

    [Theory]
    [InlineData("deb", OsPackageEcosystem.Deb)]
    [InlineData("rpm", OsPackageEcosystem.Rpm)]
    [InlineData("apk", OsPackageEcosystem.Apk)]
    public void PurlTypesNameTheEcosystems(string purlType, OsPackageEcosystem ecosystem)
    {
        Assert.True(OsPackageVersion.TryGetEcosystem(purlType, out OsPackageEcosystem found));
        Assert.Equal(ecosystem, found);
    }

    [Fact]
    public void OtherPurlTypesAreNotOsEcosystems()
    {
        Assert.False(OsPackageVersion.TryGetEcosystem("nuget", out _));
        Assert.False(OsPackageVersion.TryGetEcosystem("DEB", out _));
        Assert.False(OsPackageVersion.TryGetEcosystem(null, out _));
    }
}

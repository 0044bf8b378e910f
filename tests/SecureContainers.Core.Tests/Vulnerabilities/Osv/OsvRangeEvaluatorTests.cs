using SecureContainers.Core.Vulnerabilities.Osv;

namespace SecureContainers.Core.Tests.Vulnerabilities.Osv;

/// <summary>The schema's evaluation rules, on ranges written here to isolate each event kind.</summary>
public class OsvRangeEvaluatorTests
{
    private static OsvAffected Affected(OsvRangeType type, params OsvEvent[] events) => new("Debian:12", "p", [new OsvRange(type, events)], []);

    private static OsvEvent Introduced(string v) => new(OsvEventKind.Introduced, v);

    private static OsvEvent Fixed(string v) => new(OsvEventKind.Fixed, v);

    [Theory]
    [InlineData("1.0-1", false)]
    [InlineData("1.2-1", true)]
    [InlineData("1.4-1", true)] // last_affected is inclusive
    [InlineData("1.4-2", false)]
    [InlineData("2.0-1", true)] // a second introduced reopens
    [InlineData("2.5-1", false)]
    public void LastAffectedIsInclusiveAndEventsMayReopen(string version, bool expected)
    {
        OsvAffected affected = Affected(OsvRangeType.Ecosystem, Introduced("2.0-1"), Fixed("2.5-1"), Introduced("1.2-1"), new OsvEvent(OsvEventKind.LastAffected, "1.4-1"));

        Assert.Equal(expected, OsvRangeEvaluator.Evaluate(affected, OsvVersionScheme.Deb, version).Affected);
    }

    [Theory]
    [InlineData("1.5.0", true, "1.9.0")]
    [InlineData("2.0.0", false, null)] // limit bounds the range
    [InlineData("1.9.0-rc.1", true, "1.9.0")] // a pre-release is below its release
    [InlineData("1.9.0", false, null)]
    public void SemverRangesUseSemverPrecedenceAndLimit(string version, bool expected, string? fix)
    {
        OsvAffected affected = Affected(OsvRangeType.Semver, Introduced("0"), Fixed("1.9.0"), Introduced("1.9.5"), new OsvEvent(OsvEventKind.Limit, "2.0.0"));

        OsvRangeResult result = OsvRangeEvaluator.Evaluate(affected, OsvVersionScheme.Deb, version);

        Assert.Equal((expected, fix), (result.Affected, result.FixedVersion));
    }

    [Fact]
    public void ARangeWithAVersionTheSchemeCannotOrderIsFlaggedNotGuessed()
    {
        OsvAffected affected = Affected(OsvRangeType.Ecosystem, Introduced("0"), Fixed("not a version!"));

        OsvRangeResult result = OsvRangeEvaluator.Evaluate(affected, OsvVersionScheme.Deb, "1.0-1");

        Assert.Equal((false, true), (result.Affected, result.Uncomparable));
    }
}

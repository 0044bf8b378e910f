using FsCheck;
using FsCheck.Fluent;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Core.Tests.Vulnerabilities;

public class NuGetVersionRangeTests
{
    private static bool Satisfies(string range, string version) =>
        NuGetVersionRange.Parse(range).Satisfies(NuGetPackageVersion.Parse(version));

    [Theory]
    // GHSA-5crp-9r3c-p9vr: every Newtonsoft.Json before 13.0.1.
    [InlineData("(, 13.0.1)", "12.0.3", true)]
    [InlineData("(, 13.0.1)", "13.0.1", false)]
    [InlineData("(, 13.0.1)", "13.0.1-beta1", true)]
    [InlineData("(, 13.0.1)", "13.0.0.1", true)]
    // GHSA-ghhp-997w-qr28's first range, as the test feed carries it, and the inclusive spelling of the same versions.
    [InlineData("[4.0.0, 4.5.1)", "4.5.0", true)]
    [InlineData("[4.0.0, 4.5.1)", "4.5.1", false)]
    [InlineData("[4.0.0, 4.5.1)", "3.9.9", false)]
    [InlineData("[4.0.0, 4.5.0]", "4.5.0", true)]
    [InlineData("[4.0.0, 4.5.0]", "4.5.0.1", false)]
    [InlineData("[4.0.0, 4.5.0]", "4.0.0-preview1", false)]
    [InlineData("[1.0.0, 2.0.0)", "1.0.0", true)]
    [InlineData("[1.0.0, 2.0.0)", "2.0.0-rc.1", true)]
    [InlineData("[1.0.0, 2.0.0)", "2.0.0", false)]
    [InlineData("(1.0.0, )", "1.0.0", false)]
    [InlineData("(1.0.0, )", "1.0.0.1", true)]
    [InlineData("[1.0]", "1.0.0", true)]
    [InlineData("[1.0]", "1.0.0+meta", true)]
    [InlineData("[1.0]", "1.0.1", false)]
    [InlineData("1.0", "1.0.0", true)]
    [InlineData("1.0", "0.9", false)]
    [InlineData("1.0", "99.0", true)]
    public void RangesMatchLikeNuGet(string range, string version, bool expected) => Assert.Equal(expected, Satisfies(range, version));

    [Theory]
    [InlineData("(1.0)")]
    [InlineData("[1.0)")]
    [InlineData("(1.0]")]
    [InlineData("[2.0, 1.0]")]
    [InlineData("[1.0, 1.0)")]
    [InlineData("(1.0, 1.0]")]
    [InlineData("(,)")]
    [InlineData("[1.0, 2.0, 3.0]")]
    [InlineData("[1.*, 2.0)")]
    [InlineData("[1.0, 2.0")]
    [InlineData("")]
    [InlineData("[]")]
    public void MalformedRangesAreRefused(string range) => Assert.False(NuGetVersionRange.TryParse(range, out _));

    [Theory]
    [InlineData("(,13.0.1)", "(, 13.0.1)")]
    [InlineData("[4.0,4.5]", "[4.0.0, 4.5.0]")]
    [InlineData("[1.0]", "[1.0.0, 1.0.0]")]
    [InlineData("[1.0, 1.0]", "[1.0.0, 1.0.0]")]
    [InlineData("1.0", "[1.0.0, )")]
    [InlineData("(1.0.0.0, 2.0.0.1]", "(1.0.0, 2.0.0.1]")]
    public void NormalizedFormIsNuGets(string range, string normalized) => Assert.Equal(normalized, NuGetVersionRange.Parse(range).ToNormalizedString());

    [Fact]
    public void BoundsAndInclusivityDecideMembership()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(Arb.From(NuGetVersionGenerators.Triples), ((string A, string B, string V) t) =>
        {
            NuGetPackageVersion a = NuGetPackageVersion.Parse(t.A), b = NuGetPackageVersion.Parse(t.B), v = NuGetPackageVersion.Parse(t.V);
            (NuGetPackageVersion lo, NuGetPackageVersion hi) = a <= b ? (a, b) : (b, a);
            string l = lo.ToNormalizedString(), h = hi.ToNormalizedString();

            Assert.Equal(lo <= v && v <= hi, NuGetVersionRange.Parse($"[{l}, {h}]").Satisfies(v));
            Assert.Equal(v < hi, NuGetVersionRange.Parse($"(, {h})").Satisfies(v));
            Assert.Equal(v >= lo, NuGetVersionRange.Parse($"[{l}, )").Satisfies(v));
            if (lo < hi)
            {
                Assert.Equal(lo < v && v < hi, NuGetVersionRange.Parse($"({l}, {h})").Satisfies(v));
                Assert.Equal(lo <= v && v < hi, NuGetVersionRange.Parse($"[{l}, {h})").Satisfies(v));
            }
            else
            {
                // NuGet accepts the empty "(1.0, 1.0)" but not the half-open "[1.0, 1.0)".
                Assert.False(NuGetVersionRange.Parse($"({l}, {h})").Satisfies(v));
                Assert.False(NuGetVersionRange.TryParse($"[{l}, {h})", out _));
            }

            // The normalized form is itself a range with the same members.
            NuGetVersionRange closed = NuGetVersionRange.Parse($"[{l}, {h})" is var s && lo < hi ? s : $"[{l}]");
            Assert.Equal(closed.Satisfies(v), NuGetVersionRange.Parse(closed.ToNormalizedString()).Satisfies(v));
        }));
    }
}

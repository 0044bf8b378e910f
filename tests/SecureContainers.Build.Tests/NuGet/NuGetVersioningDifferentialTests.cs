using FsCheck;
using FsCheck.Fluent;
using NuGet.Versioning;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Build.Tests.NuGetAudit;

/// <summary>
/// The core's NuGet version and range semantics (written without NuGet's assemblies) against NuGet.Versioning itself,
/// the SDK's copy: same order, same membership, same normalized ranges, for generated versions that often tie.
/// </summary>
public class NuGetVersioningDifferentialTests
{
    [Fact]
    public void VersionOrderIsNuGets()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000), Prop.ForAll(Arb.From(NuGetVersionGenerators.Triples), ((string A, string B, string C) t) =>
        {
            Assert.Equal(
                Math.Sign(NuGetVersion.Parse(t.A).CompareTo(NuGetVersion.Parse(t.B))),
                Math.Sign(NuGetPackageVersion.Parse(t.A).CompareTo(NuGetPackageVersion.Parse(t.B))));
            Assert.Equal(NuGetVersion.Parse(t.C).ToNormalizedString(), NuGetPackageVersion.Parse(t.C).ToNormalizedString());
        }));
    }

    [Fact]
    public void RangeMembershipAndNormalizationAreNuGets()
    {
        string[] shapes = ["[{0}, {1}]", "({0}, {1})", "[{0}, {1})", "({0}, {1}]", "(, {1})", "(, {1}]", "[{0}, )", "({0}, )", "[{0}]", "{0}"];
        Gen<(string, string, string, string)> cases =
            from t in NuGetVersionGenerators.Triples
            from shape in Gen.Elements(shapes)
            select (t.Item1, t.Item2, t.Item3, shape);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000), Prop.ForAll(Arb.From(cases), ((string A, string B, string V, string Shape) c) =>
        {
            string range = string.Format(System.Globalization.CultureInfo.InvariantCulture, c.Shape, c.A, c.B);
            bool nugetParsed = VersionRange.TryParse(range, out VersionRange? theirs);
            bool oursParsed = NuGetVersionRange.TryParse(range, out NuGetVersionRange? ours);

            Assert.True(nugetParsed == oursParsed, $"'{range}': NuGet parses {nugetParsed}, ours {oursParsed}");
            if (ours is not null && theirs is not null)
            {
                Assert.Equal(theirs.Satisfies(NuGetVersion.Parse(c.V)), ours.Satisfies(NuGetPackageVersion.Parse(c.V)));
                Assert.Equal(theirs.ToNormalizedString(), ours.ToNormalizedString());
            }
        }));
    }
}

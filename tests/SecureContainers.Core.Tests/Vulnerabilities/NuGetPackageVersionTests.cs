using FsCheck;
using FsCheck.Fluent;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Core.Tests.Vulnerabilities;

public class NuGetPackageVersionTests
{
    private static NuGetPackageVersion V(string s) => NuGetPackageVersion.Parse(s);

    [Fact]
    public void SemVer2PrecedenceWithFourPartVersionsMatchesNuGet()
    {
        // SemVer 2's example order, plus NuGet's fourth part, which sorts after the patch.
        string[] ordered =
        [
            "0.9.9", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0-rc.1", "1.0.0", "1.0.0.1", "1.0.1-0", "1.0.1", "1.0.10", "1.1", "2",
        ];

        for (int i = 0; i + 1 < ordered.Length; i++)
        {
            Assert.True(V(ordered[i]) < V(ordered[i + 1]), $"{ordered[i]} < {ordered[i + 1]}");
        }
    }

    [Theory]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1", "1.0.0.0")]
    [InlineData("1.0.0-BETA", "1.0.0-beta")]
    [InlineData("1.0.0+build.1", "1.0.0+other")]
    [InlineData("01.002.0", "1.2.0")]
    public void EquivalentSpellingsAreEqual(string left, string right)
    {
        Assert.Equal(V(left), V(right));
        Assert.Equal(V(left).GetHashCode(), V(right).GetHashCode());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1..2")]
    [InlineData("v1.0")]
    [InlineData("1.0-")]
    [InlineData("1.0-beta..1")]
    [InlineData("1.0.0-beta.01")]
    [InlineData("1.0.0-00")]
    [InlineData("1.0+")]
    [InlineData("1.0-be_ta")]
    [InlineData("1.*")]
    [InlineData("99999999999.0")]
    public void NonVersionsAreRefused(string value) => Assert.False(NuGetPackageVersion.TryParse(value, out _));

    [Theory]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1.2.3.4-RC.1+meta", "1.2.3.4-RC.1")]
    [InlineData("1.2.3.0", "1.2.3")]
    public void NormalizedFormIsNuGets(string value, string normalized) => Assert.Equal(normalized, V(value).ToNormalizedString());

    [Fact]
    public void ComparisonIsATotalOrderConsistentWithEquality()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(Arb.From(NuGetVersionGenerators.Triples), ((string A, string B, string C) t) =>
        {
            NuGetPackageVersion a = V(t.A), b = V(t.B), c = V(t.C);
            Assert.Equal(Math.Sign(a.CompareTo(b)), -Math.Sign(b.CompareTo(a)));
            Assert.Equal(a.CompareTo(b) == 0, a.Equals(b));
            if (a.Equals(b))
            {
                Assert.Equal(a.GetHashCode(), b.GetHashCode());
            }

            if (a <= b && b <= c)
            {
                Assert.True(a <= c, $"{t.A} <= {t.B} <= {t.C}");
            }
        }));
    }

    [Fact]
    public void NormalizedFormParsesBackToAnEqualVersionAndMetadataNeverMatters()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1000), Prop.ForAll(Arb.From(NuGetVersionGenerators.Version), (string s) =>
        {
            NuGetPackageVersion v = V(s);
            Assert.Equal(v, V(v.ToNormalizedString()));
            string withoutMetadata = s.Split('+')[0];
            Assert.Equal(v, V(withoutMetadata + "+other.meta"));
            Assert.Equal(v.IsPrerelease, s.Split('+')[0].Contains('-'));
            if (v.IsPrerelease)
            {
                Assert.True(v < V(withoutMetadata.Split('-')[0]), $"{s} sorts before its release");
            }
        }));
    }
}

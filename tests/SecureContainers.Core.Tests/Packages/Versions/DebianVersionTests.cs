using SecureContainers.Core.Packages.Versions;

namespace SecureContainers.Core.Tests.Packages.Versions;

public sealed class DebianVersionTests
{
    // Generated versions starting with '-' would reach dpkg's option parser, not its version parser.
    private static bool DpkgCanBeAsked(string version) => !version.StartsWith('-');

    [Theory]
    // deb-version(7): the tilde sorts before anything, even the end of the part: ~~ < ~~a < ~ < (end) < a.
    [InlineData("1.0~rc1", "1.0")]
    [InlineData("1~~", "1~~a")]
    [InlineData("1~~a", "1~")]
    [InlineData("1~", "1")]
    [InlineData("1", "1a")]
    // The epoch decides first, as a number.
    [InlineData("2.0", "1:0.1")]
    [InlineData("9:1", "10:0")]
    // Binary NMUs and security uploads come after the revision they rebuild.
    [InlineData("1.0-1", "1.0-1+b1")]
    [InlineData("1.0-1", "1.0-1+deb12u1")]
    [InlineData("2.36-9+deb12u4", "2.36-9+deb12u13")]
    // Letters sort before every other non-digit.
    [InlineData("1.0a", "1.0+")]
    [InlineData("1.0a", "1.0.")]
    [InlineData("1.0Z", "1.0a")]
    // Digit runs compare as numbers of any length.
    [InlineData("1.2.3", "1.2.10")]
    [InlineData("1.99999999999999999999", "1.100000000000000000000")]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1.0+dfsg-1", "1.0.1-1")]
    [InlineData("7.6-0", "7.6p2-4")]
    [InlineData("1.0-2-3", "1.0-10-1")]
    public void OlderSortsBeforeNewer(string older, string newer)
    {
        DebianVersion a = DebianVersion.Parse(older), b = DebianVersion.Parse(newer);
        Assert.True(a < b, $"{older} < {newer}");
        Assert.True(b > a);
        Assert.Equal(-1, a.CompareTo(b));
        Assert.Equal(1, b.CompareTo(a));
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("1.0", "1.0-0")]
    [InlineData("1.0", "0:1.0")]
    [InlineData("1.0", "1.00")]
    [InlineData("1.01", "1.1")]
    [InlineData("1.", "1.0")]
    [InlineData("1.0-1", "00:1.0-01")]
    public void VersionsThatDifferOnlyInZerosAreEqualWithEqualHashes(string left, string right)
    {
        DebianVersion a = DebianVersion.Parse(left), b = DebianVersion.Parse(right);
        Assert.Equal(0, a.CompareTo(b));
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData("1:2.30-4-5", 1, "2.30-4", "5", true)]
    [InlineData("2.30", 0, "2.30", "", true)]
    [InlineData(" \t1.0-1 ", 0, "1.0", "1", true)]
    [InlineData("1:2:3", 1, "2:3", "", true)]
    [InlineData("+1:2", 1, "2", "", true)]
    [InlineData("-0:2", 0, "2", "", true)]
    // dpkg warns and goes on: we accept, and say the version is not well formed.
    [InlineData("a1", 0, "a1", "", false)]
    [InlineData("1:b", 1, "b", "", false)]
    [InlineData("1.0_1", 0, "1.0_1", "", false)]
    [InlineData("1.0-1_1", 0, "1.0", "1_1", false)]
    [InlineData("1é", 0, "1é", "", false)]
    public void PartsAreSplitAsDpkgSplitsThem(string text, int epoch, string upstream, string revision, bool wellFormed)
    {
        DebianVersion version = DebianVersion.Parse(text);
        Assert.Equal(epoch, version.Epoch);
        Assert.Equal(upstream, version.Upstream);
        Assert.Equal(revision, version.Revision);
        Assert.Equal(wellFormed, version.IsWellFormed);
        Assert.Equal(text.Trim(' ', '\t'), version.ToString());
    }

    [Theory]
    [InlineData("", "version string is empty")]
    [InlineData(" ", "version string is empty")]
    [InlineData("1 2", "version string has embedded spaces")]
    [InlineData(":1", "epoch in version is empty")]
    [InlineData("a:1", "epoch in version is empty")]
    [InlineData("1a:1", "epoch in version is not number")]
    [InlineData("-1:1", "epoch in version is negative")]
    [InlineData("2147483648:1", "epoch in version is too big")]
    [InlineData("1:", "nothing after colon in version number")]
    [InlineData("1-", "revision number is empty")]
    [InlineData("-1", "version number is empty")]
    [InlineData("1:-1", "version number is empty")]
    public void WhatDpkgRefusesIsRefusedWithDpkgsReason(string text, string reason)
    {
        Assert.False(DebianVersion.TryParse(text, out _, out string? error));
        Assert.Equal(reason, error);
        Assert.Contains(reason, Assert.Throws<FormatException>(() => DebianVersion.Parse(text)).Message);
    }

    [Fact]
    public void OrderIsAntisymmetricAndHashesAgreeWithEquality()
    {
        int equal = 0;
        foreach ((string left, string right) in VersionStrings.Pairs(seed: 7, count: 20_000))
        {
            if (!DebianVersion.TryParse(left, out DebianVersion? a) || !DebianVersion.TryParse(right, out DebianVersion? b))
            {
                continue;
            }

            Assert.Equal(a.CompareTo(b), -b.CompareTo(a));
            if (a.Equals(b))
            {
                equal++;
                Assert.Equal(a.GetHashCode(), b.GetHashCode());
            }
        }

        Assert.True(equal > 100, $"only {equal} equal pairs were generated");
    }

    /// <summary>
    /// For each random pair we ask dpkg the one question our answer implies (<c>lt</c>, <c>eq</c> or <c>gt</c>); it must
    /// say yes. Where we refuse a version, dpkg must refuse it too (exit 2), and the other way round.
    /// </summary>
    [ToolFact("dpkg")]
    public void RandomPairsOrderAsDpkgOrdersThem()
    {
        List<(string Left, string Right)> pairs = VersionStrings.Pairs(seed: 2024, count: 2_000, DpkgCanBeAsked);
        var checks = pairs.Select(p => (p.Left, Op: Claim(p.Left, p.Right), p.Right)).ToList();
        IReadOnlyList<int> exits = ReferenceTools.Dpkg(checks);

        var disagreements = new List<string>();
        for (int i = 0; i < checks.Count; i++)
        {
            bool weRefuse = checks[i].Op == "refused";
            int expected = weRefuse ? 2 : 0;
            if (exits[i] != expected)
            {
                disagreements.Add($"'{checks[i].Left}' vs '{checks[i].Right}': we say {checks[i].Op}, dpkg exits {exits[i]}");
            }
        }

        Assert.True(disagreements.Count == 0, $"{disagreements.Count} of {checks.Count} pairs disagree with dpkg:\n" + string.Join('\n', disagreements.Take(25)));
        Assert.True(checks.Count(c => c.Op != "refused") > 1_500, "too few pairs were valid versions to test the ordering");
    }

    /// <summary>
    /// Sorts random versions by our order and has dpkg confirm each neighbour relation (<c>lt</c> or <c>eq</c>). dpkg's
    /// order is transitive and ours is checked to agree with the sorted positions on every pair, so the confirmed
    /// chain proves that dpkg agrees with us on all n(n-1)/2 pairs, at the cost of n-1 dpkg calls.
    /// </summary>
    [ToolFact("dpkg")]
    public void SortedRandomVersionsAreInDpkgOrder()
    {
        var random = new Random(99);
        var versions = new List<DebianVersion>();
        while (versions.Count < 600)
        {
            string text = random.Next(2) == 0 || versions.Count == 0
                ? VersionStrings.Next(random)
                : VersionStrings.Mutate(random, versions[random.Next(versions.Count)].OriginalString);
            if (DpkgCanBeAsked(text) && DebianVersion.TryParse(text, out DebianVersion? version))
            {
                versions.Add(version);
            }
        }

        versions.Sort();
        for (int i = 0; i < versions.Count; i++)
        {
            for (int j = i + 1; j < versions.Count; j++)
            {
                // Sorted, so i and j are equal exactly when i equals j-1 and j-1 equals j: the chain decides every pair.
                Assert.True(versions[i] <= versions[j], $"not transitive: {versions[i]} > {versions[j]}");
                Assert.Equal(versions[i] == versions[j], versions[i] == versions[j - 1] && versions[j - 1] == versions[j]);
            }
        }

        var checks = versions.Zip(versions.Skip(1), (a, b) => (a.OriginalString, a == b ? "eq" : "lt", b.OriginalString)).ToList();
        IReadOnlyList<int> exits = ReferenceTools.Dpkg(checks);
        var disagreements = checks.Where((c, i) => exits[i] != 0).Select(c => $"we say '{c.Item1}' {c.Item2} '{c.Item3}', dpkg does not").ToList();
        Assert.True(disagreements.Count == 0, string.Join('\n', disagreements.Take(25)));
    }

    private static string Claim(string left, string right) =>
        DebianVersion.TryParse(left, out DebianVersion? a) && DebianVersion.TryParse(right, out DebianVersion? b)
            ? a.CompareTo(b) switch { < 0 => "lt", 0 => "eq", _ => "gt" }
            : "refused";
}

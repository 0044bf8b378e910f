using System.Runtime.CompilerServices;
using SecureContainers.Core.Packages.Versions;

namespace SecureContainers.Core.Tests.Packages.Versions;

public sealed class RpmVersionTests
{
    /// <summary>rpm 4.18's own vectors (tests/rpmvercmp.at; see TestData/README.md).</summary>
    public static TheoryData<string, string, int> RpmOwnVectors()
    {
        var data = new TheoryData<string, string, int>();
        foreach (string line in File.ReadAllLines(TestDataPath("rpm-vercmp.data")))
        {
            string[] parts = line.Split(' ');
            data.Add(parts[0], parts[1], int.Parse(parts[2]));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RpmOwnVectors))]
    public void RpmsOwnVectorsHold(string left, string right, int expected)
    {
        Assert.Equal(expected, RpmVersion.CompareSegments(left, right));
        Assert.Equal(expected, RpmVersion.Compare(left, right));
    }

    [Theory]
    [InlineData("2.0", "1:0.1", -1)]
    [InlineData("0:1.0", "1.0", 0)]
    [InlineData(":1.0", "1.0", 0)]
    [InlineData("007:1", "7:1", 0)]
    // A release beats no release, whatever it holds.
    [InlineData("1.0", "1.0-1", -1)]
    [InlineData("1.0", "1.0-", -1)]
    [InlineData("1.0-", "1.0-0", -1)]
    [InlineData("1.2.3-4.el9", "1.2.3-4.el9_2", -1)]
    [InlineData("3.0.7-20.azl3", "3.0.7-3.azl3", 1)]
    [InlineData("1.0-1~beta", "1.0-1", -1)]
    public void EvrsCompareEpochThenVersionThenRelease(string left, string right, int expected)
    {
        Assert.Equal(expected, RpmVersion.Compare(left, right));
        Assert.Equal(-expected, RpmVersion.Compare(right, left));
    }

    [Theory]
    [InlineData("2:1.0-3.el9", "2", "1.0", "3.el9")]
    [InlineData("1.0", null, "1.0", null)]
    [InlineData(":1", "0", "1", null)]
    [InlineData("a:1", null, "a:1", null)]
    [InlineData("1:", "1", "", null)]
    [InlineData("1.0-2-3", null, "1.0-2", "3")]
    public void PartsAreSplitAsRpmSplitsThem(string text, string? epoch, string version, string? release)
    {
        RpmVersion evr = RpmVersion.Parse(text);
        Assert.Equal(epoch, evr.Epoch);
        Assert.Equal(version, evr.Version);
        Assert.Equal(release, evr.Release);
    }

    [Fact]
    public void OnlyTheEmptyStringIsRefused()
    {
        Assert.False(RpmVersion.TryParse("", out _));
        Assert.False(RpmVersion.TryParse(null, out _));
        Assert.Throws<FormatException>(() => RpmVersion.Parse(""));
        Assert.True(RpmVersion.TryParse("~", out _));
    }

    [Fact]
    public void OrderIsAntisymmetricAndHashesAgreeWithEquality()
    {
        int equal = 0;
        foreach ((string left, string right) in VersionStrings.Pairs(seed: 11, count: 20_000))
        {
            RpmVersion a = RpmVersion.Parse(left), b = RpmVersion.Parse(right);
            Assert.Equal(a.CompareTo(b), -b.CompareTo(a));
            if (a == b)
            {
                equal++;
                Assert.Equal(a.GetHashCode(), b.GetHashCode());
            }
        }

        Assert.True(equal > 100, $"only {equal} equal pairs were generated");
    }

    /// <summary>Every random pair through rpm's Lua <c>rpm.vercmp</c> (rpmverParse + rpmverCmp) in one rpm process.</summary>
    [ToolFact("rpm")]
    public void RandomPairsOrderAsRpmOrdersThem()
    {
        List<(string Left, string Right)> pairs = VersionStrings.Pairs(seed: 4_18, count: 5_000);
        pairs.Add(("", "1"));
        IReadOnlyList<int?> expected = ReferenceTools.Rpm(pairs);

        var disagreements = new List<string>();
        for (int i = 0; i < pairs.Count; i++)
        {
            int? ours = RpmVersion.TryParse(pairs[i].Left, out RpmVersion? a) && RpmVersion.TryParse(pairs[i].Right, out RpmVersion? b)
                ? a.CompareTo(b)
                : null;
            if (ours != expected[i])
            {
                disagreements.Add($"'{pairs[i].Left}' vs '{pairs[i].Right}': we say {ours?.ToString() ?? "error"}, rpm says {expected[i]?.ToString() ?? "error"}");
            }
        }

        Assert.True(disagreements.Count == 0, $"{disagreements.Count} of {pairs.Count} pairs disagree with rpm:\n" + string.Join('\n', disagreements.Take(25)));
        Assert.Null(expected[^1]);
    }

    internal static string TestDataPath(string fileName, [CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "TestData", fileName);
}

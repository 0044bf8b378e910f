using SecureContainers.Core.Packages.Versions;

namespace SecureContainers.Core.Tests.Packages.Versions;

/// <summary>
/// There is no apk binary to compare against here, so apk-tools' own vectors (test/unit/version.data, see
/// TestData/README.md) are the reference, read as apk-tools' version_test.c reads them.
/// </summary>
public sealed class ApkVersionTests
{
    public static TheoryData<int, string> ApkOwnVectors()
    {
        var data = new TheoryData<int, string>();
        string[] lines = File.ReadAllLines(RpmVersionTests.TestDataPath("apk-version.data"));
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Split('#')[0].Trim();
            if (line.Length > 0)
            {
                data.Add(i + 1, line);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ApkOwnVectors))]
    public void ApkToolsOwnVectorsHold(int lineNumber, string line)
    {
        string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 1)
        {
            bool valid = !parts[0].StartsWith('!');
            string version = valid ? parts[0] : parts[0][1..];
            Assert.True(valid == ApkVersion.IsValid(version), $"line {lineNumber}: '{version}' should be {(valid ? "valid" : "invalid")}");
            Assert.Equal(valid, ApkVersion.TryParse(version, out _));
            return;
        }

        (string left, string op, string right) = (parts[0], parts[1], parts[2]);
        if (op.Contains('~', StringComparison.Ordinal))
        {
            // Fuzzy matching serves dependency constraints (pkg~1.2), not ordering; it is not implemented.
            return;
        }

        int expected = op switch { "<" => -1, "=" => 0, ">" => 1, _ => throw new InvalidDataException($"line {lineNumber}: operator {op}") };
        Assert.True(expected == ApkVersion.Compare(left, right), $"line {lineNumber}: {line}");
        Assert.True(-expected == ApkVersion.Compare(right, left), $"line {lineNumber}, reversed: {line}");
    }

    [Fact]
    public void TheVectorFileIsReadWhole()
    {
        // 788 lines at the pinned commit: if a copy loses lines, the theory above would quietly test fewer.
        Assert.Equal(788, File.ReadAllLines(RpmVersionTests.TestDataPath("apk-version.data")).Length);
        Assert.True(ApkOwnVectors().Count() > 700);
    }

    [Theory]
    [InlineData("1.0_alpha", "1.0_beta")]
    [InlineData("1.0_beta", "1.0_pre")]
    [InlineData("1.0_pre", "1.0_rc")]
    [InlineData("1.0_rc", "1.0")]
    [InlineData("1.0", "1.0_cvs")]
    [InlineData("1.0_cvs", "1.0_svn")]
    [InlineData("1.0_svn", "1.0_git")]
    [InlineData("1.0_git", "1.0_hg")]
    [InlineData("1.0_hg", "1.0_p")]
    [InlineData("1.0_rc1", "1.0_rc2")]
    [InlineData("1.0-r0", "1.0-r1")]
    [InlineData("1.0-r9", "1.0-r10")]
    [InlineData("1.0", "1.0a")]
    [InlineData("1.0a", "1.0b")]
    [InlineData("1.0b", "1.0.1")]
    [InlineData("3.0.15-r0", "3.0.15-r1")]
    [InlineData("1.36.1-r29", "1.37.0-r0")]
    // A dotted number with a leading zero compares as text (Gentoo's rule), so .01 < .010 < .1.
    [InlineData("1.01", "1.010")]
    [InlineData("1.010", "1.1")]
    [InlineData("1.0_pre2~1234abcd", "1.0_pre2~1234abce")]
    public void OlderSortsBeforeNewer(string older, string newer)
    {
        ApkVersion a = ApkVersion.Parse(older), b = ApkVersion.Parse(newer);
        Assert.True(a < b, $"{older} < {newer}");
        Assert.Equal(1, b.CompareTo(a));
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("01.0", "1.0")]
    [InlineData("1.0-r01", "1.0-r1")]
    [InlineData("1.0_p01", "1.0_p1")]
    public void NumbersOutsideDottedPartsIgnoreLeadingZeros(string left, string right)
    {
        ApkVersion a = ApkVersion.Parse(left), b = ApkVersion.Parse(right);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void InvalidVersionsAreRefusedByParseButCompareAsApkDoes()
    {
        Assert.False(ApkVersion.TryParse("1.0bc", out _));
        Assert.Throws<FormatException>(() => ApkVersion.Parse("1.0-1"));
        Assert.Equal(-1, ApkVersion.Compare("1.0", "1.0bc"));
        // apk stops at the first token it cannot read: what follows does not count.
        Assert.Equal(0, ApkVersion.Compare("1ab", "1ac"));
    }

    [Fact]
    public void OrderIsAntisymmetricAndHashesAgreeWithEquality()
    {
        var random = new Random(5);
        string[] atoms = ["0", "1", "2", "01", "10", ".", ".", "a", "z", "_alpha", "_rc", "_p", "_git", "~ab12", "-r", "-r0", "-r1"];
        int valid = 0, equal = 0;
        for (int n = 0; n < 50_000; n++)
        {
            string left = NextVersion(), right = random.Next(2) == 0 ? NextVersion() : left + atoms[random.Next(atoms.Length)];
            Assert.Equal(ApkVersion.Compare(left, right), -ApkVersion.Compare(right, left));
            if (ApkVersion.TryParse(left, out ApkVersion? a) && ApkVersion.TryParse(right, out ApkVersion? b))
            {
                valid++;
                if (a == b)
                {
                    equal++;
                    Assert.Equal(a.GetHashCode(), b.GetHashCode());
                }
            }
        }

        Assert.True(valid > 1_000 && equal > 100, $"{valid} valid pairs, {equal} equal");

        string NextVersion() => string.Concat(Enumerable.Range(0, 1 + random.Next(6)).Select(i => i == 0 ? atoms[random.Next(5)] : atoms[random.Next(atoms.Length)]));
    }
}

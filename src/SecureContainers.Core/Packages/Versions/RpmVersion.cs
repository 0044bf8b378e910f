using System.Diagnostics.CodeAnalysis;

namespace SecureContainers.Core.Packages.Versions;

/// <summary>
/// An rpm EVR, <c>[epoch:]version[-release]</c>, ordered as rpm 4.18 orders it: <c>rpmverParse</c> and
/// <c>rpmverCmp</c> (rpmio/rpmver.c) around <c>rpmvercmp</c> (rpmio/rpmvercmp.c), which is what rpm's Lua
/// <c>rpm.vercmp</c> runs. Epochs compare first (a missing epoch is 0), then versions, then releases, where a
/// release sorts after no release. See <see cref="CompareSegments"/> for the comparison of each part.
/// </summary>
/// <remarks>
/// rpm accepts any non-empty EVR: the epoch is the leading digits when a colon follows them (<c>:1</c> has epoch 0),
/// and the release starts after the last hyphen. Parsing here refuses only what rpm refuses (an empty string) and
/// what no C string can hold (a NUL character).
/// </remarks>
public sealed class RpmVersion : IComparable<RpmVersion>, IComparable, IEquatable<RpmVersion>
{
    private RpmVersion(string? epoch, string version, string? release, string original)
    {
        Epoch = epoch;
        Version = version;
        Release = release;
        OriginalString = original;
    }

    /// <summary>The epoch's digits as written; null when the EVR has none (it then compares as 0).</summary>
    public string? Epoch { get; }

    public string Version { get; }

    /// <summary>The release after the last hyphen; null when there is no hyphen (which sorts before any release).</summary>
    public string? Release { get; }

    public string OriginalString { get; }

    public override string ToString() => OriginalString;

    public static RpmVersion Parse(string value) =>
        TryParse(value, out RpmVersion? version)
            ? version
            : throw new FormatException($"'{value}' is not an rpm EVR: it is empty or holds a NUL character.");

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out RpmVersion? version)
    {
        version = null;
        if (string.IsNullOrEmpty(value) || value.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        // rpmverParse: the epoch ends where the leading digits do, if a colon is there; the release after the last hyphen.
        int digits = 0;
        while (digits < value.Length && char.IsAsciiDigit(value[digits]))
        {
            digits++;
        }

        string? epoch = null;
        string rest = value;
        if (digits < value.Length && value[digits] == ':')
        {
            epoch = digits == 0 ? "0" : value[..digits];
            rest = value[(digits + 1)..];
        }

        string? release = null;
        int hyphen = rest.LastIndexOf('-');
        if (hyphen >= 0)
        {
            release = rest[(hyphen + 1)..];
            rest = rest[..hyphen];
        }

        version = new RpmVersion(epoch, rest, release, value);
        return true;
    }

    /// <summary>Compares two EVRs as text, as <c>rpm.vercmp</c> does; throws when either is not an EVR.</summary>
    public static int Compare(string left, string right) => Parse(left).CompareTo(Parse(right));

    public int CompareTo(RpmVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        int result = CompareSegments(Epoch ?? "0", other.Epoch ?? "0");
        if (result == 0)
        {
            result = CompareSegments(Version, other.Version);
        }

        if (result == 0)
        {
            result = (Release, other.Release) switch
            {
                (null, null) => 0,
                (null, _) => -1,
                (_, null) => 1,
                _ => CompareSegments(Release, other.Release),
            };
        }

        return result;
    }

    int IComparable.CompareTo(object? obj) => obj switch
    {
        null => 1,
        RpmVersion other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be an {nameof(RpmVersion)}.", nameof(obj)),
    };

    /// <summary>
    /// rpm's <c>rpmvercmp</c> on one version or release; returns -1, 0 or 1. Both strings are cut into runs of ASCII
    /// digits and runs of ASCII letters; every other character separates runs and is otherwise ignored. <c>~</c> sorts
    /// before anything, even the end (<c>1.0~rc1</c> &lt; <c>1.0</c>); <c>^</c> sorts after the end but before anything
    /// else (<c>1.0</c> &lt; <c>1.0^git1</c> &lt; <c>1.0.1</c>). Digit runs compare as numbers of any length, letter
    /// runs by ordinal, and a digit run is newer than a letter run. When one string runs out, the other is newer.
    /// </summary>
    public static int CompareSegments(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return 0;
        }

        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && IsSeparator(a[i]))
            {
                i++;
            }

            while (j < b.Length && IsSeparator(b[j]))
            {
                j++;
            }

            bool aEnd = i >= a.Length, bEnd = j >= b.Length;
            char ac = aEnd ? '\0' : a[i], bc = bEnd ? '\0' : b[j];
            if (ac == '~' || bc == '~')
            {
                if (ac != '~')
                {
                    return 1;
                }

                if (bc != '~')
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            // A caret is like a tilde, except that against the end of the other string (the base version) it is newer.
            if (ac == '^' || bc == '^')
            {
                if (aEnd)
                {
                    return -1;
                }

                if (bEnd)
                {
                    return 1;
                }

                if (ac != '^')
                {
                    return 1;
                }

                if (bc != '^')
                {
                    return -1;
                }

                i++;
                j++;
                continue;
            }

            if (aEnd || bEnd)
            {
                break;
            }

            bool numeric = char.IsAsciiDigit(ac);
            int aStart = i, bStart = j;
            if (numeric)
            {
                while (i < a.Length && char.IsAsciiDigit(a[i]))
                {
                    i++;
                }

                while (j < b.Length && char.IsAsciiDigit(b[j]))
                {
                    j++;
                }
            }
            else
            {
                while (i < a.Length && char.IsAsciiLetter(a[i]))
                {
                    i++;
                }

                while (j < b.Length && char.IsAsciiLetter(b[j]))
                {
                    j++;
                }
            }

            // The other string has a run of the other kind here: numbers are newer than letters.
            if (j == bStart)
            {
                return numeric ? 1 : -1;
            }

            ReadOnlySpan<char> aRun = a.AsSpan(aStart, i - aStart), bRun = b.AsSpan(bStart, j - bStart);
            if (numeric)
            {
                aRun = aRun.TrimStart('0');
                bRun = bRun.TrimStart('0');
                if (aRun.Length != bRun.Length)
                {
                    return aRun.Length > bRun.Length ? 1 : -1;
                }
            }

            int result = aRun.SequenceCompareTo(bRun);
            if (result != 0)
            {
                return Math.Sign(result);
            }
        }

        // Every run compared equal; only separators may differ, or one string has runs left.
        bool aDone = i >= a.Length, bDone = j >= b.Length;
        return aDone && bDone ? 0 : aDone ? -1 : 1;
    }

    private static bool IsSeparator(char c) => !char.IsAsciiLetterOrDigit(c) && c != '~' && c != '^';

    public bool Equals(RpmVersion? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is RpmVersion other && Equals(other);

    /// <summary>Versions that compare equal differ only in separators and leading zeros: hash without them.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        AddSegments(ref hash, Epoch ?? "0");
        hash.Add(-1);
        AddSegments(ref hash, Version);
        hash.Add(-2);
        if (Release is not null)
        {
            AddSegments(ref hash, Release);
        }

        return hash.ToHashCode();
    }

    private static void AddSegments(ref HashCode hash, string text)
    {
        bool atRunStart = true;
        foreach (char c in text)
        {
            if (IsSeparator(c))
            {
                atRunStart = true;
                continue;
            }

            if (!(atRunStart && c == '0'))
            {
                hash.Add(c);
            }

            atRunStart = !char.IsAsciiDigit(c) || (atRunStart && c == '0');
        }
    }

    public static bool operator ==(RpmVersion? left, RpmVersion? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(RpmVersion? left, RpmVersion? right) => !(left == right);

    public static bool operator <(RpmVersion? left, RpmVersion? right) => Comparer<RpmVersion>.Default.Compare(left, right) < 0;

    public static bool operator <=(RpmVersion? left, RpmVersion? right) => Comparer<RpmVersion>.Default.Compare(left, right) <= 0;

    public static bool operator >(RpmVersion? left, RpmVersion? right) => Comparer<RpmVersion>.Default.Compare(left, right) > 0;

    public static bool operator >=(RpmVersion? left, RpmVersion? right) => Comparer<RpmVersion>.Default.Compare(left, right) >= 0;
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace SecureContainers.Core.Packages.Versions;

/// <summary>
/// A Debian package version, <c>[epoch:]upstream[-revision]</c> (deb-version(7)), ordered exactly as dpkg orders it
/// (<c>dpkg_version_compare</c> and <c>verrevcmp</c> in dpkg's lib/dpkg/version.c): epochs as numbers, then upstream,
/// then revision, each compared as alternating non-digit and digit parts. In non-digit parts <c>~</c> sorts before
/// everything, even the end of the part, letters sort before every other character, and digit parts compare as
/// numbers of any length. A missing revision equals <c>0</c>, so <c>1.0</c> equals <c>1.0-0</c>.
/// </summary>
/// <remarks>
/// Parsing accepts what <c>dpkg --compare-versions</c> accepts, which is more than deb-version(7) allows: an upstream
/// that does not start with a digit, or characters outside <c>[A-Za-z0-9.+~-:]</c>, make dpkg print a warning and go on
/// comparing. Vulnerability matching compares versions that dpkg already installed, so refusing them would leave
/// installed packages unmatched; <see cref="IsWellFormed"/> says whether dpkg would have warned. What dpkg refuses
/// (an empty version or revision, embedded blanks, an epoch that is not a number in <c>0..int.MaxValue</c>, nothing
/// after the colon) is refused here too. dpkg compares bytes, so the parts are kept as UTF-8.
/// </remarks>
public sealed class DebianVersion : IComparable<DebianVersion>, IComparable, IEquatable<DebianVersion>
{
    private readonly byte[] _upstream;
    private readonly byte[] _revision;

    private DebianVersion(int epoch, string upstream, string revision, bool isWellFormed, string original)
    {
        Epoch = epoch;
        Upstream = upstream;
        Revision = revision;
        IsWellFormed = isWellFormed;
        OriginalString = original;
        _upstream = Encoding.UTF8.GetBytes(upstream);
        _revision = Encoding.UTF8.GetBytes(revision);
    }

    /// <summary>The epoch; 0 when the version has none.</summary>
    public int Epoch { get; }

    /// <summary>The upstream version: everything after the first colon and before the last hyphen.</summary>
    public string Upstream { get; }

    /// <summary>The Debian revision after the last hyphen; empty when there is none (which compares as <c>0</c>).</summary>
    public string Revision { get; }

    /// <summary>False when dpkg accepts the version with a warning (see the remarks on <see cref="DebianVersion"/>).</summary>
    public bool IsWellFormed { get; }

    /// <summary>The version as given, without surrounding blanks.</summary>
    public string OriginalString { get; }

    public override string ToString() => OriginalString;

    public static DebianVersion Parse(string value) =>
        TryParse(value, out DebianVersion? version, out string? error)
            ? version
            : throw new FormatException($"'{value}' is not a Debian version: {error}.");

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out DebianVersion? version) =>
        TryParse(value, out version, out _);

    /// <param name="error">Why dpkg would refuse the version, in dpkg's words; null when it parses.</param>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out DebianVersion? version, [NotNullWhen(false)] out string? error)
    {
        version = null;
        if (value is null)
        {
            error = "version string is empty";
            return false;
        }

        // dpkg trims blanks (space and tab only) and refuses blanks inside.
        string text = value.Trim(' ', '\t');
        if (text.Length == 0)
        {
            error = "version string is empty";
            return false;
        }

        if (text.AsSpan().IndexOfAny(' ', '\t') >= 0)
        {
            error = "version string has embedded spaces";
            return false;
        }

        // A C string ends at NUL; dpkg never sees one, so there is no ordering to follow.
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            error = "version string has a NUL character";
            return false;
        }

        int epoch = 0;
        string rest = text;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!TryParseEpoch(text.AsSpan(0, colon), out epoch, out error))
            {
                return false;
            }

            rest = text[(colon + 1)..];
            if (rest.Length == 0)
            {
                error = "nothing after colon in version number";
                return false;
            }
        }

        string upstream = rest;
        string revision = string.Empty;
        int hyphen = rest.LastIndexOf('-');
        if (hyphen >= 0)
        {
            upstream = rest[..hyphen];
            revision = rest[(hyphen + 1)..];
            if (revision.Length == 0)
            {
                error = "revision number is empty";
                return false;
            }
        }

        if (upstream.Length == 0)
        {
            error = "version number is empty";
            return false;
        }

        bool wellFormed = char.IsAsciiDigit(upstream[0])
            && upstream.All(c => char.IsAsciiLetterOrDigit(c) || ".-+~:".Contains(c, StringComparison.Ordinal))
            && revision.All(c => char.IsAsciiLetterOrDigit(c) || ".+~".Contains(c, StringComparison.Ordinal));
        version = new DebianVersion(epoch, upstream, revision, wellFormed, text);
        error = null;
        return true;
    }

    /// <summary>
    /// dpkg reads the epoch with <c>strtol</c>: white space (blanks are already trimmed), an optional sign, then digits,
    /// and nothing else before the colon.
    /// </summary>
    private static bool TryParseEpoch(ReadOnlySpan<char> text, out int epoch, [NotNullWhen(false)] out string? error)
    {
        epoch = 0;
        text = text.TrimStart("\n\v\f\r");
        ReadOnlySpan<char> digits = text.Length > 0 && text[0] is '+' or '-' ? text[1..] : text;
        int length = 0;
        while (length < digits.Length && char.IsAsciiDigit(digits[length]))
        {
            length++;
        }

        if (length == 0)
        {
            error = "epoch in version is empty";
            return false;
        }

        if (length != digits.Length)
        {
            error = "epoch in version is not number";
            return false;
        }

        ReadOnlySpan<char> magnitude = digits.TrimStart('0');
        bool negative = text[0] == '-' && magnitude.Length > 0;
        if (negative)
        {
            error = "epoch in version is negative";
            return false;
        }

        if (magnitude.Length > 10 || !int.TryParse(magnitude.IsEmpty ? "0" : magnitude, NumberStyles.None, CultureInfo.InvariantCulture, out epoch))
        {
            error = "epoch in version is too big";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Compares two versions as text, as <c>dpkg --compare-versions</c> does; throws when either is not a version.</summary>
    public static int Compare(string left, string right) => Parse(left).CompareTo(Parse(right));

    public int CompareTo(DebianVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (Epoch != other.Epoch)
        {
            return Epoch < other.Epoch ? -1 : 1;
        }

        int result = CompareFragment(_upstream, other._upstream);
        return result != 0 ? result : CompareFragment(_revision, other._revision);
    }

    int IComparable.CompareTo(object? obj) => obj switch
    {
        null => 1,
        DebianVersion other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be a {nameof(DebianVersion)}.", nameof(obj)),
    };

    /// <summary>dpkg's <c>verrevcmp</c> on one upstream version or revision; returns -1, 0 or 1.</summary>
    internal static int CompareFragment(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while ((i < a.Length && !IsDigit(a[i])) || (j < b.Length && !IsDigit(b[j])))
            {
                int ac = Order(a, i);
                int bc = Order(b, j);
                if (ac != bc)
                {
                    return ac < bc ? -1 : 1;
                }

                i++;
                j++;
            }

            while (i < a.Length && a[i] == '0')
            {
                i++;
            }

            while (j < b.Length && b[j] == '0')
            {
                j++;
            }

            // Equal-length digit runs are decided by their first differing digit; a longer run is the larger number.
            int firstDifference = 0;
            while (i < a.Length && IsDigit(a[i]) && j < b.Length && IsDigit(b[j]))
            {
                if (firstDifference == 0)
                {
                    firstDifference = a[i] - b[j];
                }

                i++;
                j++;
            }

            if (i < a.Length && IsDigit(a[i]))
            {
                return 1;
            }

            if (j < b.Length && IsDigit(b[j]))
            {
                return -1;
            }

            if (firstDifference != 0)
            {
                return Math.Sign(firstDifference);
            }
        }

        return 0;
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    /// <summary>
    /// dpkg's <c>order</c>: the end of the part and digits 0, <c>~</c> -1, letters their code, anything else its code
    /// plus 256. dpkg reads a signed <c>char</c>, so a byte above 127 is negative there and, plus 256, becomes the byte
    /// value itself: above the letters, below the other ASCII characters.
    /// </summary>
    private static int Order(ReadOnlySpan<byte> s, int index)
    {
        if (index >= s.Length)
        {
            return 0;
        }

        byte c = s[index];
        return c switch
        {
            >= (byte)'0' and <= (byte)'9' => 0,
            >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' => c,
            (byte)'~' => -1,
            >= 128 => c,
            _ => c + 256,
        };
    }

    public bool Equals(DebianVersion? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is DebianVersion other && Equals(other);

    /// <summary>Versions that compare equal differ only in leading zeros of digit runs (and a revision of zeros): hash without them.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Epoch);
        AddWithoutLeadingZeros(ref hash, _upstream);
        hash.Add(-1);
        AddWithoutLeadingZeros(ref hash, _revision);
        return hash.ToHashCode();
    }

    private static void AddWithoutLeadingZeros(ref HashCode hash, ReadOnlySpan<byte> fragment)
    {
        bool atRunStart = true;
        foreach (byte c in fragment)
        {
            if (!(atRunStart && c == '0'))
            {
                hash.Add(c);
            }

            atRunStart = !IsDigit(c) || (atRunStart && c == '0');
        }
    }

    public static bool operator ==(DebianVersion? left, DebianVersion? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(DebianVersion? left, DebianVersion? right) => !(left == right);

    public static bool operator <(DebianVersion? left, DebianVersion? right) => Comparer<DebianVersion>.Default.Compare(left, right) < 0;

    public static bool operator <=(DebianVersion? left, DebianVersion? right) => Comparer<DebianVersion>.Default.Compare(left, right) <= 0;

    public static bool operator >(DebianVersion? left, DebianVersion? right) => Comparer<DebianVersion>.Default.Compare(left, right) > 0;

    public static bool operator >=(DebianVersion? left, DebianVersion? right) => Comparer<DebianVersion>.Default.Compare(left, right) >= 0;
}

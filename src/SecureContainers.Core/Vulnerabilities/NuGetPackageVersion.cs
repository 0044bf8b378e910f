using System.Globalization;

namespace SecureContainers.Core.Vulnerabilities;

/// <summary>
/// A NuGet package version as NuGet orders them (NuGet.Versioning's <c>VersionComparer.Default</c>): up to four numeric
/// parts (missing parts are 0, so <c>1.0</c> equals <c>1.0.0.0</c>), an optional SemVer 2 pre-release label that
/// sorts before the release and is compared part by part (numeric parts as numbers, others case-insensitively,
/// numeric before alphanumeric, a shorter label before a longer one it prefixes), and build metadata after <c>+</c>
/// that never affects order or equality. Written here because the core cannot reference NuGet's assemblies.
/// </summary>
public sealed class NuGetPackageVersion : IComparable<NuGetPackageVersion>, IEquatable<NuGetPackageVersion>
{
    private readonly string[] _releaseLabels;

    private NuGetPackageVersion(int major, int minor, int patch, int revision, string[] releaseLabels, string? metadata, string original)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        Revision = revision;
        _releaseLabels = releaseLabels;
        Metadata = metadata;
        OriginalString = original;
    }

    public int Major { get; }

    public int Minor { get; }

    public int Patch { get; }

    /// <summary>The fourth part (legacy NuGet versions such as <c>4.0.0.1</c>); 0 when absent.</summary>
    public int Revision { get; }

    public IReadOnlyList<string> ReleaseLabels => _releaseLabels;

    public bool IsPrerelease => _releaseLabels.Length > 0;

    public string? Metadata { get; }

    public string OriginalString { get; }

    /// <summary>The version as NuGet normalizes it: three parts (four when the revision is not 0) and the label, no metadata.</summary>
    public string ToNormalizedString()
    {
        string core = Revision != 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}.{Revision}")
            : string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");
        return IsPrerelease ? core + "-" + string.Join('.', _releaseLabels) : core;
    }

    /// <summary>The normalized version with its build metadata (NuGet's <c>ToFullString</c>).</summary>
    public string ToFullString() => Metadata is null ? ToNormalizedString() : ToNormalizedString() + "+" + Metadata;

    public override string ToString() => ToFullString();

    public static NuGetPackageVersion Parse(string value) =>
        TryParse(value, out NuGetPackageVersion? version)
            ? version
            : throw new FormatException($"'{value}' is not a NuGet version.");

    /// <summary>Accepts what NuGet accepts for a package version: <c>1</c> to <c>1.2.3.4</c>, then <c>-label</c> and <c>+metadata</c>.</summary>
    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NuGetPackageVersion? version)
    {
        version = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        string text = value.Trim();
        string? metadata = null;
        int plus = text.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            metadata = text[(plus + 1)..];
            text = text[..plus];
            if (!AreValidIdentifiers(metadata.Split('.')))
            {
                return false;
            }
        }

        string[] labels = [];
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            labels = text[(dash + 1)..].Split('.');
            text = text[..dash];

            // SemVer 2 (and NuGet) refuse numeric pre-release parts with leading zeros: "beta.01" is not a version.
            if (!AreValidIdentifiers(labels) || labels.Any(l => l.Length > 1 && l[0] == '0' && l.All(char.IsAsciiDigit)))
            {
                return false;
            }
        }

        string[] parts = text.Split('.');
        if (parts.Length is < 1 or > 4)
        {
            return false;
        }

        int[] numbers = new int[4];
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length == 0 || !parts[i].All(char.IsAsciiDigit) ||
                !int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return false;
            }
        }

        version = new NuGetPackageVersion(numbers[0], numbers[1], numbers[2], numbers[3], labels, metadata, value.Trim());
        return true;
    }

    private static bool AreValidIdentifiers(string[] identifiers) =>
        identifiers.All(id => id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));

    public int CompareTo(NuGetPackageVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        int result = Major.CompareTo(other.Major);
        if (result == 0) { result = Minor.CompareTo(other.Minor); }
        if (result == 0) { result = Patch.CompareTo(other.Patch); }
        if (result == 0) { result = Revision.CompareTo(other.Revision); }
        if (result != 0)
        {
            return result;
        }

        // A release sorts after every pre-release of the same numbers.
        if (IsPrerelease != other.IsPrerelease)
        {
            return IsPrerelease ? -1 : 1;
        }

        return CompareReleaseLabels(_releaseLabels, other._releaseLabels);
    }

    private static int CompareReleaseLabels(string[] left, string[] right)
    {
        int count = Math.Min(left.Length, right.Length);
        for (int i = 0; i < count; i++)
        {
            int result = CompareLabel(left[i], right[i]);
            if (result != 0)
            {
                return result;
            }
        }

        return left.Length.CompareTo(right.Length);
    }

    private static int CompareLabel(string left, string right)
    {
        bool leftNumeric = IsNumeric(left, out long leftNumber);
        bool rightNumeric = IsNumeric(right, out long rightNumber);
        return (leftNumeric, rightNumeric) switch
        {
            (true, true) => leftNumber.CompareTo(rightNumber),
            (true, false) => -1,
            (false, true) => 1,
            _ => Math.Sign(string.Compare(left, right, StringComparison.OrdinalIgnoreCase)),
        };
    }

    // All-digit labels compare as numbers (parsing refuses leading zeros, so equal numbers are equal strings).
    private static bool IsNumeric(string label, out long number) =>
        long.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out number);

    public bool Equals(NuGetPackageVersion? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is NuGetPackageVersion other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Major);
        hash.Add(Minor);
        hash.Add(Patch);
        hash.Add(Revision);
        foreach (string label in _releaseLabels)
        {
            hash.Add(IsNumeric(label, out long n) ? n.ToString(CultureInfo.InvariantCulture) : label, StringComparer.OrdinalIgnoreCase);
        }

        return hash.ToHashCode();
    }

    public static bool operator ==(NuGetPackageVersion? left, NuGetPackageVersion? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(NuGetPackageVersion? left, NuGetPackageVersion? right) => !(left == right);

    public static bool operator <(NuGetPackageVersion left, NuGetPackageVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(NuGetPackageVersion left, NuGetPackageVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(NuGetPackageVersion left, NuGetPackageVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(NuGetPackageVersion left, NuGetPackageVersion right) => left.CompareTo(right) >= 0;
}

using System.Diagnostics.CodeAnalysis;

namespace SecureContainers.Core.Vulnerabilities;

/// <summary>
/// A NuGet version range as advisories write it (<a href="https://learn.microsoft.com/nuget/concepts/package-versioning#version-ranges">NuGet
/// version ranges</a>): <c>[1.0.0, 2.0.0)</c>, <c>(, 13.0.1)</c>, <c>[4.0.0, 4.5.0]</c>, the exact <c>[1.0]</c>, and a
/// bare <c>1.0</c> meaning "1.0 or higher". Floating versions (<c>1.*</c>) are not advisory syntax and are refused.
/// <see cref="Satisfies"/> includes pre-releases that fall inside the bounds, as NuGet's audit does.
/// </summary>
public sealed class NuGetVersionRange
{
    private NuGetVersionRange(NuGetPackageVersion? minimum, bool isMinInclusive, NuGetPackageVersion? maximum, bool isMaxInclusive)
    {
        Minimum = minimum;
        IsMinInclusive = minimum is not null && isMinInclusive;
        Maximum = maximum;
        IsMaxInclusive = maximum is not null && isMaxInclusive;
    }

    /// <summary>The lower bound; <c>null</c> for none.</summary>
    public NuGetPackageVersion? Minimum { get; }

    public bool IsMinInclusive { get; }

    /// <summary>The upper bound; <c>null</c> for none.</summary>
    public NuGetPackageVersion? Maximum { get; }

    public bool IsMaxInclusive { get; }

    public bool Satisfies(NuGetPackageVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (Minimum is not null)
        {
            int c = version.CompareTo(Minimum);
            if (c < 0 || (c == 0 && !IsMinInclusive))
            {
                return false;
            }
        }

        if (Maximum is not null)
        {
            int c = version.CompareTo(Maximum);
            if (c > 0 || (c == 0 && !IsMaxInclusive))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>NuGet's normalized form: <c>[1.0.0, 2.0.0)</c>, <c>(, 13.0.1)</c>, <c>[1.0.0, )</c>; an exact <c>[1.0]</c> is <c>[1.0.0, 1.0.0]</c>.</summary>
    public string ToNormalizedString()
    {
        return (IsMinInclusive ? "[" : "(") +
               (Minimum?.ToNormalizedString() ?? string.Empty) + ", " +
               (Maximum?.ToNormalizedString() ?? string.Empty) +
               (IsMaxInclusive ? "]" : ")");
    }

    public override string ToString() => ToNormalizedString();

    public static NuGetVersionRange Parse(string value) =>
        TryParse(value, out NuGetVersionRange? range)
            ? range
            : throw new FormatException($"'{value}' is not a NuGet version range.");

    public static bool TryParse(string? value, [NotNullWhen(true)] out NuGetVersionRange? range)
    {
        range = null;
        string text = value?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return false;
        }

        // A bare version is a minimum: "1.0" means 1.0 <= x.
        if (text[0] is not ('[' or '('))
        {
            if (!NuGetPackageVersion.TryParse(text, out NuGetPackageVersion? minimum))
            {
                return false;
            }

            range = new NuGetVersionRange(minimum, true, null, false);
            return true;
        }

        char last = text[^1];
        if (text.Length < 3 || last is not (']' or ')'))
        {
            return false;
        }

        bool minInclusive = text[0] == '[';
        bool maxInclusive = last == ']';
        string inner = text[1..^1];
        string[] parts = inner.Split(',');
        if (parts.Length > 2)
        {
            return false;
        }

        if (parts.Length == 1)
        {
            // "[1.0]" is exactly 1.0; "(1.0)", "[1.0)" and "(1.0]" mean nothing.
            if (!minInclusive || !maxInclusive || !NuGetPackageVersion.TryParse(parts[0], out NuGetPackageVersion? exact))
            {
                return false;
            }

            range = new NuGetVersionRange(exact, true, exact, true);
            return true;
        }

        NuGetPackageVersion? min = null;
        NuGetPackageVersion? max = null;
        if (!string.IsNullOrWhiteSpace(parts[0]) && !NuGetPackageVersion.TryParse(parts[0], out min))
        {
            return false;
        }

        if (!string.IsNullOrWhiteSpace(parts[1]) && !NuGetPackageVersion.TryParse(parts[1], out max))
        {
            return false;
        }

        if (min is null && max is null)
        {
            // "(,)" is not a range NuGet accepts.
            return false;
        }

        if (min is not null && max is not null)
        {
            // NuGet refuses min > max and the half-open "[1.0, 1.0)"/"(1.0, 1.0]", but accepts "(1.0, 1.0)" (empty).
            int c = min.CompareTo(max);
            if (c > 0 || (c == 0 && minInclusive != maxInclusive))
            {
                return false;
            }
        }

        range = new NuGetVersionRange(min, minInclusive, max, maxInclusive);
        return true;
    }
}

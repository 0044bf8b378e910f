using SecureContainers.Core.Packages.Versions;

namespace SecureContainers.Core.Vulnerabilities.Osv;

/// <summary>The version orderings OSV ecosystems follow here.</summary>
public enum OsvVersionScheme
{
    Deb,
    Apk,
    Rpm,
    NuGet,
}

/// <summary>
/// OSV ecosystem names (https://ossf.github.io/osv-schema/#affectedpackage-field) for the images this project builds:
/// <c>Debian:12</c>, <c>Ubuntu:22.04[:LTS]</c>, <c>Alpine:v3.19</c>, <c>Azure Linux:3</c> and <c>NuGet</c>. Each maps to
/// an index key (Ubuntu's <c>:LTS</c> dropped, so an image's <c>22.04</c> finds records written either way) and to the
/// version ordering of its package manager.
/// </summary>
public static class OsvEcosystem
{
    public const string NuGet = "NuGet";

    /// <summary>The key records are indexed by, and the ordering of its versions; false for an ecosystem not matched here.</summary>
    public static bool TryNormalize(string ecosystem, out string key, out OsvVersionScheme scheme)
    {
        key = ecosystem;
        scheme = default;
        int colon = ecosystem.IndexOf(':');
        string family = colon < 0 ? ecosystem : ecosystem[..colon];
        string release = colon < 0 ? string.Empty : ecosystem[(colon + 1)..];
        switch (family)
        {
            case "NuGet" when release.Length == 0:
                scheme = OsvVersionScheme.NuGet;
                return true;
            case "Debian" when release.Length > 0:
                scheme = OsvVersionScheme.Deb;
                return true;
            case "Ubuntu" when release.Length > 0:
                // "Ubuntu:Pro:…" is Canonical's paid stream: another package set, kept apart by its key.
                key = release.EndsWith(":LTS", StringComparison.Ordinal) ? "Ubuntu:" + release[..^4] : ecosystem;
                scheme = OsvVersionScheme.Deb;
                return true;
            case "Alpine" when release.StartsWith('v'):
                scheme = OsvVersionScheme.Apk;
                return true;
            case "Azure Linux" when release.Length > 0:
                scheme = OsvVersionScheme.Rpm;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The ecosystem of an image's OS packages from its os-release: Debian by major release (<c>12</c>), Ubuntu by
    /// <c>VERSION_ID</c>, Alpine by its minor branch (<c>3.19.1</c> → <c>v3.19</c>), Azure Linux by major release.
    /// Null for any other OS: its packages are then reported as not checked.
    /// </summary>
    public static string? ForOperatingSystem(string? id, string? versionId)
    {
        if (id is null || string.IsNullOrWhiteSpace(versionId))
        {
            return null;
        }

        string[] parts = versionId.Trim().Split('.');
        return id.ToLowerInvariant() switch
        {
            "debian" => "Debian:" + parts[0],
            "ubuntu" => "Ubuntu:" + versionId.Trim(),
            "alpine" when parts.Length >= 2 => $"Alpine:v{parts[0]}.{parts[1]}",
            "azurelinux" => "Azure Linux:" + parts[0],
            _ => null,
        };
    }

    /// <summary>Compares two versions of the scheme; false when either does not parse.</summary>
    public static bool TryCompare(OsvVersionScheme scheme, string left, string right, out int result)
    {
        switch (scheme)
        {
            case OsvVersionScheme.NuGet:
                result = 0;
                if (!NuGetPackageVersion.TryParse(left, out NuGetPackageVersion? a) || !NuGetPackageVersion.TryParse(right, out NuGetPackageVersion? b))
                {
                    return false;
                }

                result = Math.Sign(a.CompareTo(b));
                return true;
            default:
                OsPackageEcosystem os = scheme switch
                {
                    OsvVersionScheme.Deb => OsPackageEcosystem.Deb,
                    OsvVersionScheme.Apk => OsPackageEcosystem.Apk,
                    _ => OsPackageEcosystem.Rpm,
                };
                return OsPackageVersion.TryCompare(os, left, right, out result);
        }
    }
}

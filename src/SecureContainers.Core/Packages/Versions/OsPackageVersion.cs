using System.Diagnostics.CodeAnalysis;

namespace SecureContainers.Core.Packages.Versions;

/// <summary>The package managers whose version orderings OS vulnerability matching follows; named as their purl types.</summary>
public enum OsPackageEcosystem
{
    /// <summary>dpkg: Debian, Ubuntu, distroless and chiseled images (<see cref="DebianVersion"/>).</summary>
    Deb,

    /// <summary>rpm: Azure Linux, Fedora, RHEL and UBI images (<see cref="RpmVersion"/>).</summary>
    Rpm,

    /// <summary>apk: Alpine images (<see cref="ApkVersion"/>).</summary>
    Apk,
}

/// <summary>Compares two version strings by the ordering of their ecosystem, so callers need not switch on it.</summary>
public static class OsPackageVersion
{
    /// <summary>The ecosystem of a purl type (<c>deb</c>, <c>rpm</c>, <c>apk</c>, as lowercase as purl requires).</summary>
    public static bool TryGetEcosystem(string? purlType, out OsPackageEcosystem ecosystem)
    {
        (bool known, ecosystem) = purlType switch
        {
            "deb" => (true, OsPackageEcosystem.Deb),
            "rpm" => (true, OsPackageEcosystem.Rpm),
            "apk" => (true, OsPackageEcosystem.Apk),
            _ => (false, default),
        };
        return known;
    }

    /// <summary>Whether the ecosystem's parser accepts <paramref name="version"/>.</summary>
    public static bool IsValid(OsPackageEcosystem ecosystem, [NotNullWhen(true)] string? version) => ecosystem switch
    {
        OsPackageEcosystem.Deb => DebianVersion.TryParse(version, out _),
        OsPackageEcosystem.Rpm => RpmVersion.TryParse(version, out _),
        OsPackageEcosystem.Apk => ApkVersion.TryParse(version, out _),
        _ => throw new ArgumentOutOfRangeException(nameof(ecosystem), ecosystem, null),
    };

    /// <summary>-1, 0 or 1 as <paramref name="left"/> is older than, equal to or newer than <paramref name="right"/>.</summary>
    /// <exception cref="FormatException">Either string is not a version of the ecosystem.</exception>
    public static int Compare(OsPackageEcosystem ecosystem, string left, string right) =>
        TryCompare(ecosystem, left, right, out int result)
            ? result
            : throw new FormatException($"'{left}' or '{right}' is not a valid {ecosystem.ToString().ToLowerInvariant()} version.");

    /// <summary>Like <see cref="Compare"/>, but false instead of an exception when either string is not a version.</summary>
    public static bool TryCompare(OsPackageEcosystem ecosystem, string? left, string? right, out int result)
    {
        result = 0;
        switch (ecosystem)
        {
            case OsPackageEcosystem.Deb when DebianVersion.TryParse(left, out DebianVersion? a) && DebianVersion.TryParse(right, out DebianVersion? b):
                result = a.CompareTo(b);
                return true;
            case OsPackageEcosystem.Rpm when RpmVersion.TryParse(left, out RpmVersion? a) && RpmVersion.TryParse(right, out RpmVersion? b):
                result = a.CompareTo(b);
                return true;
            case OsPackageEcosystem.Apk when ApkVersion.TryParse(left, out ApkVersion? a) && ApkVersion.TryParse(right, out ApkVersion? b):
                result = a.CompareTo(b);
                return true;
            case OsPackageEcosystem.Deb or OsPackageEcosystem.Rpm or OsPackageEcosystem.Apk:
                return false;
            default:
                throw new ArgumentOutOfRangeException(nameof(ecosystem), ecosystem, null);
        }
    }
}

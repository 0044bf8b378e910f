namespace SecureContainers.Core.Packages;

/// <summary>
/// Maps the license short names of Debian's machine-readable copyright format 1.0 (§7.1, "Short name") to SPDX
/// license ids. Only what the spec defines is mapped, plus names that are a listed SPDX id; anything
/// else (arbitrary per-file names such as <c>permissive-fsf</c>, <c>public-domain</c>, which names no license, and
/// terms carrying <c>with … exception</c>) stays a license name, as written: no guessing.
/// </summary>
public static class DebianLicenseNames
{
    /// <summary>
    /// The spec's standard short names with the versions its table lists (and, for families whose later versions exist
    /// in SPDX, those too), as "Debian name → SPDX id". Keys are in normal form (see <see cref="Normalize"/>): the spec
    /// makes trailing <c>.0</c>s insignificant ("2.0" = "2"), and a name without version means the family's lowest
    /// version (so <c>GPL</c> is GPL-1, <c>LGPL</c> is LGPL-2). A trailing <c>+</c> (any later version) has an SPDX
    /// id only for the GNU families, listed here; elsewhere it stays a name. Families absent here on purpose:
    /// <c>public-domain</c> (no license), <c>Perl</c> (the spec says write <c>GPL-1+ or Artistic-1</c>),
    /// <c>GFDL</c>/<c>GFDL-1</c> and <c>Zope</c>/<c>Zope-1</c> (no SPDX id for version 1.0).
    /// </summary>
    private const string Table = """
        Apache Apache-1.0
        Apache-1 Apache-1.0
        Apache-1.1 Apache-1.1
        Apache-2 Apache-2.0
        Artistic Artistic-1.0
        Artistic-1 Artistic-1.0
        Artistic-2 Artistic-2.0
        BSD-2-clause BSD-2-Clause
        BSD-3-clause BSD-3-Clause
        BSD-4-clause BSD-4-Clause
        ISC ISC
        CC-BY CC-BY-1.0
        CC-BY-1 CC-BY-1.0
        CC-BY-2 CC-BY-2.0
        CC-BY-2.5 CC-BY-2.5
        CC-BY-3 CC-BY-3.0
        CC-BY-4 CC-BY-4.0
        CC-BY-SA CC-BY-SA-1.0
        CC-BY-SA-1 CC-BY-SA-1.0
        CC-BY-SA-2 CC-BY-SA-2.0
        CC-BY-SA-2.5 CC-BY-SA-2.5
        CC-BY-SA-3 CC-BY-SA-3.0
        CC-BY-SA-4 CC-BY-SA-4.0
        CC-BY-ND CC-BY-ND-1.0
        CC-BY-ND-1 CC-BY-ND-1.0
        CC-BY-ND-2 CC-BY-ND-2.0
        CC-BY-ND-2.5 CC-BY-ND-2.5
        CC-BY-ND-3 CC-BY-ND-3.0
        CC-BY-ND-4 CC-BY-ND-4.0
        CC-BY-NC CC-BY-NC-1.0
        CC-BY-NC-1 CC-BY-NC-1.0
        CC-BY-NC-2 CC-BY-NC-2.0
        CC-BY-NC-2.5 CC-BY-NC-2.5
        CC-BY-NC-3 CC-BY-NC-3.0
        CC-BY-NC-4 CC-BY-NC-4.0
        CC-BY-NC-SA CC-BY-NC-SA-1.0
        CC-BY-NC-SA-1 CC-BY-NC-SA-1.0
        CC-BY-NC-SA-2 CC-BY-NC-SA-2.0
        CC-BY-NC-SA-2.5 CC-BY-NC-SA-2.5
        CC-BY-NC-SA-3 CC-BY-NC-SA-3.0
        CC-BY-NC-SA-4 CC-BY-NC-SA-4.0
        CC-BY-NC-ND CC-BY-NC-ND-1.0
        CC-BY-NC-ND-1 CC-BY-NC-ND-1.0
        CC-BY-NC-ND-2 CC-BY-NC-ND-2.0
        CC-BY-NC-ND-2.5 CC-BY-NC-ND-2.5
        CC-BY-NC-ND-3 CC-BY-NC-ND-3.0
        CC-BY-NC-ND-4 CC-BY-NC-ND-4.0
        CC0 CC0-1.0
        CC0-1 CC0-1.0
        CDDL CDDL-1.0
        CDDL-1 CDDL-1.0
        CDDL-1.1 CDDL-1.1
        CPL CPL-1.0
        CPL-1 CPL-1.0
        EFL EFL-1.0
        EFL-1 EFL-1.0
        EFL-2 EFL-2.0
        Expat MIT
        GPL GPL-1.0-only
        GPL+ GPL-1.0-or-later
        GPL-1 GPL-1.0-only
        GPL-1+ GPL-1.0-or-later
        GPL-2 GPL-2.0-only
        GPL-2+ GPL-2.0-or-later
        GPL-3 GPL-3.0-only
        GPL-3+ GPL-3.0-or-later
        LGPL LGPL-2.0-only
        LGPL+ LGPL-2.0-or-later
        LGPL-2 LGPL-2.0-only
        LGPL-2+ LGPL-2.0-or-later
        LGPL-2.1 LGPL-2.1-only
        LGPL-2.1+ LGPL-2.1-or-later
        LGPL-3 LGPL-3.0-only
        LGPL-3+ LGPL-3.0-or-later
        GFDL-1.1 GFDL-1.1-only
        GFDL-1.1+ GFDL-1.1-or-later
        GFDL-1.2 GFDL-1.2-only
        GFDL-1.2+ GFDL-1.2-or-later
        GFDL-1.3 GFDL-1.3-only
        GFDL-1.3+ GFDL-1.3-or-later
        GFDL-NIV-1.1 GFDL-1.1-no-invariants-only
        GFDL-NIV-1.1+ GFDL-1.1-no-invariants-or-later
        GFDL-NIV-1.2 GFDL-1.2-no-invariants-only
        GFDL-NIV-1.2+ GFDL-1.2-no-invariants-or-later
        GFDL-NIV-1.3 GFDL-1.3-no-invariants-only
        GFDL-NIV-1.3+ GFDL-1.3-no-invariants-or-later
        LPPL LPPL-1.0
        LPPL-1 LPPL-1.0
        LPPL-1.1 LPPL-1.1
        LPPL-1.2 LPPL-1.2
        LPPL-1.3c LPPL-1.3c
        MPL MPL-1.1
        MPL-1 MPL-1.0
        MPL-1.1 MPL-1.1
        MPL-2 MPL-2.0
        Python Python-2.0
        Python-2 Python-2.0
        QPL QPL-1.0
        QPL-1 QPL-1.0
        W3C W3C
        Zlib Zlib
        Zope-1.1 ZPL-1.1
        Zope-2 ZPL-2.0
        Zope-2.1 ZPL-2.1
        """;

    /// <summary>Normal-form Debian short name → SPDX id; names compare case-insensitively, as the spec says.</summary>
    internal static IReadOnlyDictionary<string, string> SpdxIds { get; } = Table
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(row => row.Split(' '))
        .ToDictionary(row => row[0], row => row[1], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// One license per distinct result, ordered by id or name (ordinal) so the SBOM does not depend on the file's order.
    /// </summary>
    public static IReadOnlyList<PackageLicense> ToLicenses(IEnumerable<string> shortNames)
    {
        ArgumentNullException.ThrowIfNull(shortNames);
        return shortNames
            .Select(ToLicense)
            .DistinctBy(l => (l.SpdxId, l.Name))
            .OrderBy(l => l.SpdxId ?? l.Name, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>An SPDX id for a standard short name or an exact SPDX id; otherwise the name as written.</summary>
    public static PackageLicense ToLicense(string shortName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(shortName);
        string name = shortName.Trim();
        if (SpdxIds.TryGetValue(Normalize(name), out string? id))
        {
            return PackageLicense.FromSpdxId(id);
        }

        // A maintainer who wrote an SPDX id ("MIT", "LGPL-2.1-or-later", "Sleepycat") meant that license: both specs
        // compare names case-insensitively, as SpdxExpression does for apk and rpm.
        return SpdxLicenseList.Ids.TryGetValue(name, out string? listed) ? PackageLicense.FromSpdxId(listed) : PackageLicense.FromName(name);
    }

    /// <summary>Drops trailing <c>.0</c>s of the version (before a <c>+</c>): <c>Apache-2.0</c> → <c>Apache-2</c>, <c>GPL-2.0+</c> → <c>GPL-2+</c>.</summary>
    internal static string Normalize(string name)
    {
        bool orLater = name.EndsWith('+');
        string stem = orLater ? name[..^1] : name;
        while (stem.Length > 2 && stem.EndsWith(".0", StringComparison.Ordinal) && char.IsAsciiDigit(stem[^3]))
        {
            stem = stem[..^2];
        }

        return orLater ? stem + "+" : stem;
    }
}

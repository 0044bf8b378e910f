using SecureContainers.Core.Packages.Versions;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Core.Sbom;

public enum SbomChangeKind
{
    Added,
    Removed,
    Upgraded,
    Downgraded,

    /// <summary>Both versions are there but the ecosystem's ordering cannot compare them (one does not parse).</summary>
    Changed,
}

/// <summary>One component that differs between two SBOMs; <see cref="Key"/> is what identifies it across versions.</summary>
public sealed record SbomComponentChange(SbomChangeKind Kind, string Key, string Name, string? OldVersion, string? NewVersion, string? OldRef, string? NewRef);

/// <summary>A vulnerability present in one release and not the other, in the same component (by key).</summary>
public sealed record SbomVulnerabilityChange(bool Fixed, string Id, string ComponentKey, string Package, string Version, VulnerabilitySeverity Severity, string? FixedVersion);

public sealed record SbomDiffResult(IReadOnlyList<SbomComponentChange> Components, int Unchanged, IReadOnlyList<SbomVulnerabilityChange>? Vulnerabilities);

/// <summary>
/// What changed between two releases' SBOMs: components matched by <see cref="SbomInventoryComponent.Key"/> (purl type,
/// namespace, name and arch; components without a purl by type and name), versions ordered by their ecosystem's own
/// rules (dpkg, rpm, apk, NuGet), and with two scans, the vulnerabilities fixed and introduced.
/// </summary>
public static class SbomDiff
{
    public static SbomDiffResult Compare(SbomInventory old, SbomInventory @new, SbomScanResult? oldScan = null, SbomScanResult? newScan = null)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(@new);
        ILookup<string, SbomInventoryComponent> before = Index(old);
        ILookup<string, SbomInventoryComponent> after = Index(@new);
        List<SbomComponentChange> changes = [];
        int unchanged = 0;
        foreach (string key in before.Select(g => g.Key).Union(after.Select(g => g.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            SbomInventoryComponent? a = before[key].FirstOrDefault();
            SbomInventoryComponent? b = after[key].FirstOrDefault();
            if (a is null)
            {
                changes.Add(new SbomComponentChange(SbomChangeKind.Added, key, b!.Name, null, b.Version, null, b.BomRef));
            }
            else if (b is null)
            {
                changes.Add(new SbomComponentChange(SbomChangeKind.Removed, key, a.Name, a.Version, null, a.BomRef, null));
            }
            else if (a.Version == b.Version)
            {
                unchanged++;
            }
            else
            {
                SbomChangeKind kind = TryCompareVersions(a.Package?.Type, a.Version, b.Version, out int order)
                    ? order < 0 ? SbomChangeKind.Upgraded : order > 0 ? SbomChangeKind.Downgraded : SbomChangeKind.Changed
                    : SbomChangeKind.Changed;
                changes.Add(new SbomComponentChange(kind, key, b.Name, a.Version, b.Version, a.BomRef, b.BomRef));
            }
        }

        return new SbomDiffResult(changes, unchanged, oldScan is null || newScan is null ? null : VulnerabilityChanges(oldScan, newScan));
    }

    /// <summary>
    /// Orders two versions of a purl type: <c>deb</c> by dpkg, <c>rpm</c> by rpmvercmp, <c>apk</c> by apk-tools, anything
    /// else (<c>nuget</c>, and components without a purl such as shared frameworks) by NuGet's SemVer 2.0 rules.
    /// </summary>
    public static bool TryCompareVersions(string? purlType, string? left, string? right, out int result)
    {
        result = 0;
        if (left is null || right is null)
        {
            return false;
        }

        if (OsPackageVersion.TryGetEcosystem(purlType, out OsPackageEcosystem ecosystem))
        {
            return OsPackageVersion.TryCompare(ecosystem, left, right, out result);
        }

        return SecureContainers.Core.Vulnerabilities.Osv.OsvEcosystem.TryCompare(SecureContainers.Core.Vulnerabilities.Osv.OsvVersionScheme.NuGet, left, right, out result);
    }

    // The image itself (its digest changes with every build) is metadata, not a component, so it never shows here; the
    // same key twice in one SBOM keeps the first, as the build never writes that.
    private static ILookup<string, SbomInventoryComponent> Index(SbomInventory sbom) =>
        sbom.Components.DistinctBy(c => c.Key, StringComparer.Ordinal).ToLookup(c => c.Key, StringComparer.Ordinal);

    private static IReadOnlyList<SbomVulnerabilityChange> VulnerabilityChanges(SbomScanResult old, SbomScanResult @new)
    {
        static Dictionary<(string, string), SbomScanFinding> ByKey(SbomScanResult scan) => scan.Findings
            .Where(f => !f.Excluded)
            .DistinctBy(f => (f.Finding.Advisory.Id, f.ComponentKey))
            .ToDictionary(f => (f.Finding.Advisory.Id, f.ComponentKey));

        Dictionary<(string, string), SbomScanFinding> before = ByKey(old);
        Dictionary<(string, string), SbomScanFinding> after = ByKey(@new);
        static SbomVulnerabilityChange Change(bool isFixed, SbomScanFinding f) =>
            new(isFixed, f.Finding.Advisory.Id, f.ComponentKey, f.Finding.PackageId, f.Finding.PackageVersion, f.Finding.Advisory.Severity, f.Finding.FixedVersion);

        return before.Where(p => !after.ContainsKey(p.Key)).Select(p => Change(true, p.Value))
            .Concat(after.Where(p => !before.ContainsKey(p.Key)).Select(p => Change(false, p.Value)))
            .OrderBy(c => c.Fixed ? 0 : 1)
            .ThenBy(c => c.ComponentKey, StringComparer.Ordinal)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .ToArray();
    }
}

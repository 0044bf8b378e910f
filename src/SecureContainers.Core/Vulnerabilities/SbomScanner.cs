using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Vulnerabilities.Osv;

namespace SecureContainers.Core.Vulnerabilities;

/// <summary>
/// One finding of a scan. <see cref="Fails"/>: at or above the threshold, neither suppressed nor in an excluded component.
/// <see cref="ComponentKey"/> is the component's identity across versions (<see cref="SbomInventoryComponent.Key"/>), for diffs.
/// </summary>
public sealed record SbomScanFinding(VulnerabilityFinding Finding, string Ecosystem, string ComponentKey, bool Excluded, bool Fails);

/// <summary>The findings of an SBOM scan in a stable order, and how many components were matched.</summary>
public sealed record SbomScanResult(IReadOnlyList<SbomScanFinding> Findings, int ComponentsChecked, ScanThreshold Threshold)
{
    public bool HasFailures => Findings.Any(f => f.Fails);

    /// <summary>As a <see cref="VulnerabilityReport"/>, for the SARIF writer the build uses.</summary>
    public VulnerabilityReport ToReport() => new(Findings.Select(f => f.Finding).ToArray(), [], ["offline database"], ComponentsChecked);
}

/// <summary>
/// Matches an SBOM's components against an offline OSV database with the build's gate (<see cref="OsvVulnerabilityGate"/>):
/// OS packages by source package in the ecosystem the SBOM's operating system names, NuGet packages and the .NET
/// runtime (through the runtime pack each shared framework stands for) in NuGet's. Suppressions the build recorded in
/// the SBOM (<c>analysis</c> with a justification) still apply; excluded components (build-only packages) are
/// reported (SC7217) but never fail. The per-finding codes stay on the findings; everything else (database problems,
/// an OS not covered) goes to the sink.
/// </summary>
public static class SbomScanner
{
    public static SbomScanResult Scan(SbomInventory sbom, OsvDatabase database, ScanThreshold threshold, IDiagnosticSink sink)
    {
        ArgumentNullException.ThrowIfNull(sbom);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(threshold);
        DiagnosticBag gate = new();
        VulnerabilityPolicyOptions options = VulnerabilityPolicyOptions.Resolve(SecurityProfile.Baseline, null, null, [], sbom.Analyses, gate)
            with { Threshold = threshold.GateLevel };
        Dictionary<string, SbomInventoryComponent> byRef = new(StringComparer.Ordinal);
        foreach (SbomInventoryComponent c in sbom.Components)
        {
            byRef.TryAdd(c.BomRef, c);
        }

        SbomInventoryComponent[] os = sbom.Components.Where(c => c.Package?.Type is "deb" or "rpm" or "apk" && c.Version is not null).ToArray();
        List<(VulnerabilityFinding Finding, bool Excluded)> found = [];
        if (os.Length > 0)
        {
            // Messages name what was scanned as the user gave it (the pinned image, or the file), not the subject's purl.
            string label = sbom.Origin;
            found.AddRange(OsvVulnerabilityGate.EvaluateOperatingSystem(database, label, sbom.OperatingSystem, os.Length,
                ecosystem => os.Select(c => new OsvComponent(
                    ecosystem,
                    c.Property(SbomPropertyNames.OsSourcePackage) ?? c.Name,
                    c.Property(SbomPropertyNames.OsSourceVersion) ?? c.Version!,
                    c.Name,
                    c.Version!,
                    c.BomRef)), options, gate).Select(f => (f, false)));
        }

        OsvComponent[] shipped = NuGetComponents(sbom.Components.Where(c => !c.Excluded)).ToArray();
        OsvComponent[] excluded = NuGetComponents(sbom.Components.Where(c => c.Excluded)).ToArray();
        found.AddRange(OsvVulnerabilityGate.EvaluateNuGet(database, shipped, [], options, gate).Select(f => (f, false)));
        found.AddRange(OsvVulnerabilityGate.EvaluateNuGet(database, excluded, [], options, gate).Select(f => (f, true)));

        // The findings carry their own codes; what is left (SC7206, SC7207, SC7209, invalid analyses) is about the scan.
        HashSet<string> findingCodes = found.Select(f => f.Finding.Code).ToHashSet(StringComparer.Ordinal);
        foreach (Diagnostic d in gate.Items.Where(d => !findingCodes.Contains(d.Code)))
        {
            sink.Report(d);
        }

        List<SbomScanFinding> findings = [];
        foreach ((VulnerabilityFinding finding, bool isExcluded) in found)
        {
            VulnerabilitySeverity level = finding.Advisory.Severity;
            bool fails = !isExcluded && !finding.Suppressed && threshold.Fails(level);
            if (isExcluded)
            {
                sink.Report(OsvDiagnostics.ExcludedComponentVulnerability.Create(finding.PackageId, finding.PackageVersion, level.ToName(), finding.Advisory.Id,
                    finding.Advisory.Url, finding.FixedVersion ?? "a version the advisory does not affect"));
            }

            // The scan's threshold decides the outcome: the build's profile (fix published or not) is not the question here.
            DiagnosticSeverity outcome = fails ? DiagnosticSeverity.Error
                : isExcluded || finding.Suppressed ? DiagnosticSeverity.Message
                : finding.Outcome == DiagnosticSeverity.Error ? DiagnosticSeverity.Warning : finding.Outcome;
            string ecosystem = finding.Match?.Component.Ecosystem ?? OsvEcosystem.NuGet;
            string key = byRef.TryGetValue(finding.BomRef, out SbomInventoryComponent? component) ? component.Key : finding.BomRef;
            findings.Add(new SbomScanFinding(finding with { Outcome = outcome, Code = isExcluded ? OsvDiagnostics.ExcludedComponentVulnerability.Code : finding.Code },
                ecosystem, key, isExcluded, fails));
        }

        return new SbomScanResult(
            findings.OrderBy(f => f.Finding.BomRef, StringComparer.Ordinal).ThenBy(f => f.Finding.Advisory.Id, StringComparer.Ordinal).ToArray(),
            os.Length + shipped.Length + excluded.Length,
            threshold);
    }

    /// <summary>
    /// <c>pkg:nuget</c> components, and each shared framework through the runtime pack it stands for (how GitHub's
    /// advisories name the .NET runtime), reported against the framework's own component.
    /// </summary>
    private static IEnumerable<OsvComponent> NuGetComponents(IEnumerable<SbomInventoryComponent> components)
    {
        foreach (SbomInventoryComponent c in components)
        {
            if (c.Package is { Type: "nuget" } p && (c.Version ?? p.Version) is { } version)
            {
                yield return new OsvComponent(OsvEcosystem.NuGet, p.Name, version, c.Name, version, c.BomRef);
            }
            else if (Packages.ParsedPackageUrl.TryParse(c.Property(SbomPropertyNames.DotNetRuntimePackEquivalent), out Packages.ParsedPackageUrl? pack)
                && pack!.Type == "nuget" && pack.Version is { } packVersion)
            {
                yield return new OsvComponent(OsvEcosystem.NuGet, pack.Name, packVersion, c.Name, c.Version ?? packVersion, c.BomRef);
            }
        }
    }
}

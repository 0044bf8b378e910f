using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Packages;

namespace SecureContainers.Core.Vulnerabilities.Osv;

/// <summary>
/// A package to look up: <see cref="Ecosystem"/> is an OSV ecosystem (<c>Debian:12</c>, <c>NuGet</c>), <see cref="LookupName"/>
/// and <see cref="LookupVersion"/> what OSV names (for OS packages the source package, since OSV records name those);
/// <see cref="Name"/>, <see cref="Version"/> and <see cref="BomRef"/> the installed package as the SBOM lists it.
/// </summary>
public sealed record OsvComponent(string Ecosystem, string LookupName, string LookupVersion, string Name, string Version, string BomRef)
{
    /// <summary>
    /// The OS packages of an image, looked up by source package: dpkg's <c>Source</c> (with its version when dpkg
    /// records one, <c>src (version)</c>) or apk's origin, else the package itself. Bom-refs are the SBOM's purls.
    /// </summary>
    public static IReadOnlyList<OsvComponent> FromImage(ImageContentsReport contents, string ecosystem)
    {
        ArgumentNullException.ThrowIfNull(contents);
        return contents.Packages
            .Select(p => new OsvComponent(ecosystem, p.SourcePackage ?? p.Name, p.SourceVersion ?? p.Version, p.Name, p.Version, Sbom.SbomBuilder.OsPackagePurl(p, contents.OsRelease)))
            .DistinctBy(c => c.BomRef, StringComparer.Ordinal)
            .ToArray();
    }

    public static OsvComponent NuGet(string id, string version) =>
        new(OsvEcosystem.NuGet, id, version, id, version, PackageUrl.NuGet(id, version));
}

/// <summary>
/// One vulnerability found in one component. Records that are aliases of each other (DSA-…, DEBIAN-CVE-…, CVE-…) are one
/// match: <see cref="Id"/> is the first of their ids in ordinal order, <see cref="Aliases"/> the others, <see cref="Severity"/>
/// the highest any of them gives, <see cref="FixedVersion"/> the lowest fix above the installed version (null: no fix yet).
/// </summary>
public sealed record OsvMatch(OsvComponent Component, string Id, IReadOnlyList<string> Aliases, OsvSeverity Severity, string? FixedVersion, string AffectedVersions, string Url, string? Summary);

/// <summary>Matches components against an <see cref="OsvDatabase"/> through its index: a dictionary lookup per component.</summary>
public static class OsvMatcher
{
    public static IReadOnlyList<OsvMatch> Match(OsvDatabase database, IEnumerable<OsvComponent> components, IDiagnosticSink sink)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(sink);
        HashSet<(string, string)> reported = [];
        List<OsvMatch> matches = [];
        foreach (OsvComponent component in components)
        {
            if (!OsvEcosystem.TryNormalize(component.Ecosystem, out string key, out OsvVersionScheme scheme))
            {
                continue;
            }

            string name = scheme == OsvVersionScheme.NuGet ? component.LookupName.ToLowerInvariant() : component.LookupName;
            List<(OsvRecord Record, OsvRangeResult Result, OsvAffected Affected)> hits = [];
            foreach ((OsvRecord record, OsvAffected affected, _) in database.For(key, name))
            {
                OsvRangeResult result = OsvRangeEvaluator.Evaluate(affected, scheme, component.LookupVersion);
                if (result.Uncomparable && reported.Add((record.Id, component.BomRef)))
                {
                    sink.Report(OsvDiagnostics.UncomparableVersion.Create(record.Id, record.Origin, affected.Ecosystem, component.LookupName, component.LookupVersion, record.Url));
                }

                if (result.Affected)
                {
                    hits.Add((record, result, affected));
                }
            }

            matches.AddRange(Merge(component, hits, scheme));
        }

        return matches
            .OrderBy(m => m.Component.BomRef, StringComparer.Ordinal)
            .ThenBy(m => m.Id, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Groups records that share an id or alias (transitively) into one match.</summary>
    private static IEnumerable<OsvMatch> Merge(OsvComponent component, List<(OsvRecord Record, OsvRangeResult Result, OsvAffected Affected)> hits, OsvVersionScheme scheme)
    {
        List<(HashSet<string> Ids, List<(OsvRecord Record, OsvRangeResult Result, OsvAffected Affected)> Members)> groups = [];
        foreach (var hit in hits)
        {
            HashSet<string> ids = new([hit.Record.Id, .. hit.Record.Aliases], StringComparer.OrdinalIgnoreCase);
            var joined = groups.Where(g => g.Ids.Overlaps(ids)).ToList();
            foreach (var g in joined)
            {
                groups.Remove(g);
                ids.UnionWith(g.Ids);
            }

            groups.Add((ids, [.. joined.SelectMany(g => g.Members), hit]));
        }

        foreach ((HashSet<string> ids, var members) in groups)
        {
            string id = members.Select(m => m.Record.Id).Order(StringComparer.Ordinal).First();
            OsvSeverity severity = members.Select(m => m.Record.Severity)
                .OrderByDescending(s => s.Level == VulnerabilitySeverity.Unknown ? -1 : (int)s.Level)
                .ThenByDescending(s => s.Score ?? -1)
                .First();
            string? fix = members.Select(m => m.Result.FixedVersion).OfType<string>()
                .Order(Comparer<string>.Create((a, b) => OsvEcosystem.TryCompare(scheme, a, b, out int c) ? c : string.CompareOrdinal(a, b)))
                .FirstOrDefault();
            OsvRecord first = members.First(m => m.Record.Id == id).Record;
            yield return new OsvMatch(
                component,
                id,
                ids.Where(i => !string.Equals(i, id, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToArray(),
                severity,
                fix,
                Describe(members.First(m => m.Record.Id == id).Affected),
                first.Url,
                first.Summary);
        }
    }

    /// <summary>The ranges as text for messages and the SBOM: <c>Debian:12 zlib: introduced 0, fixed 1:1.3.dfsg-2</c>.</summary>
    private static string Describe(OsvAffected affected)
    {
        IEnumerable<string> ranges = affected.Ranges.Select(r => string.Join(", ", r.Events.Select(e => e.Kind switch
        {
            OsvEventKind.Introduced => "introduced " + e.Version,
            OsvEventKind.Fixed => "fixed " + e.Version,
            OsvEventKind.LastAffected => "last affected " + e.Version,
            _ => "limit " + e.Version,
        })));
        string text = string.Join("; ", ranges);
        if (affected.Versions.Count > 0)
        {
            text += (text.Length > 0 ? "; " : string.Empty) + $"{affected.Versions.Count} listed version(s)";
        }

        return $"{affected.Ecosystem} {affected.Name}: {text}";
    }
}

namespace SecureContainers.Core.Vulnerabilities.Osv;

/// <summary>Whether a version is affected by one <c>affected[]</c> entry, and the first fixed version above it.</summary>
/// <param name="Uncomparable">A range held a version the scheme cannot order, so it could not be evaluated (reported by the caller).</param>
public readonly record struct OsvRangeResult(bool Affected, string? FixedVersion, bool Uncomparable);

/// <summary>
/// The OSV schema's evaluation (https://ossf.github.io/osv-schema/#evaluation): events sorted by version (<c>introduced:
/// 0</c> first), walked in order; <c>introduced</c> at or below the version makes it affected, <c>fixed</c> at or below
/// and <c>last_affected</c> below make it unaffected again. A <c>limit</c> bounds the range from above. A version listed
/// in <c>versions</c> is affected whatever the ranges say.
/// </summary>
public static class OsvRangeEvaluator
{
    public static OsvRangeResult Evaluate(OsvAffected affected, OsvVersionScheme scheme, string version)
    {
        bool uncomparable = false;
        string? fixedVersion = null;
        bool isAffected = false;
        foreach (OsvRange range in affected.Ranges)
        {
            Comparison<string>? compare = Comparer(range.Type, scheme, version, range.Events, out bool ok);
            if (!ok)
            {
                uncomparable = true;
                continue;
            }

            (bool hit, string? fix) = EvaluateRange(range.Events, compare!, version);
            if (hit)
            {
                isAffected = true;
                fixedVersion ??= fix;
            }
        }

        if (!isAffected)
        {
            foreach (string listed in affected.Versions)
            {
                if (string.Equals(listed, version, StringComparison.Ordinal) ||
                    (OsvEcosystem.TryCompare(scheme, listed, version, out int c) && c == 0))
                {
                    isAffected = true;
                    break;
                }
            }
        }

        return new OsvRangeResult(isAffected, isAffected ? fixedVersion : null, uncomparable);
    }

    /// <summary>Checks once that every version of the range parses, so the sort and walk below cannot meet one that does not.</summary>
    private static Comparison<string>? Comparer(OsvRangeType type, OsvVersionScheme scheme, string version, IReadOnlyList<OsvEvent> events, out bool ok)
    {
        Func<string, string, (bool, int)> raw = type == OsvRangeType.Semver
            ? (a, b) => (SemanticVersion.TryCompare(a, b, out int r), r)
            : (a, b) => (OsvEcosystem.TryCompare(scheme, a, b, out int r), r);
        ok = raw(version, version).Item1 && events.All(e => IsUnbounded(e) || raw(e.Version, e.Version).Item1);
        return ok ? (a, b) => raw(a, b).Item2 : null;
    }

    private static bool IsUnbounded(OsvEvent e) =>
        (e.Kind == OsvEventKind.Introduced && e.Version == "0") || (e.Kind == OsvEventKind.Limit && e.Version == "*");

    private static (bool Affected, string? Fixed) EvaluateRange(IReadOnlyList<OsvEvent> events, Comparison<string> compare, string version)
    {
        foreach (OsvEvent limit in events.Where(e => e.Kind == OsvEventKind.Limit && e.Version != "*"))
        {
            if (compare(version, limit.Version) >= 0)
            {
                return (false, null);
            }
        }

        // Stable sort: "introduced: 0" sorts first; equal versions keep the record's order.
        OsvEvent[] sorted = events.Where(e => e.Kind != OsvEventKind.Limit)
            .Select((e, i) => (e, i))
            .OrderBy(p => p.e, Comparer<OsvEvent>.Create((x, y) => IsUnbounded(x) ? (IsUnbounded(y) ? 0 : -1) : IsUnbounded(y) ? 1 : compare(x.Version, y.Version)))
            .ThenBy(p => p.i)
            .Select(p => p.e)
            .ToArray();
        bool affected = false;
        foreach (OsvEvent e in sorted)
        {
            switch (e.Kind)
            {
                case OsvEventKind.Introduced when IsUnbounded(e) || compare(version, e.Version) >= 0:
                    affected = true;
                    break;
                case OsvEventKind.Fixed when compare(version, e.Version) >= 0:
                    affected = false;
                    break;
                case OsvEventKind.LastAffected when compare(version, e.Version) > 0:
                    affected = false;
                    break;
            }
        }

        string? fix = affected ? sorted.FirstOrDefault(e => e.Kind == OsvEventKind.Fixed && compare(version, e.Version) < 0).Version : null;
        return (affected, fix);
    }
}

using System.Globalization;
using System.Text.Json;

namespace SecureContainers.Core.Vulnerabilities.Osv;

/// <summary>
/// Reads one OSV JSON document into an <see cref="OsvRecord"/>. A document that is not JSON, or lacks what the schema
/// requires (<c>id</c>; well-typed <c>affected</c>, <c>ranges</c>, <c>events</c>), is refused with the reason, so the
/// database reports and skips it instead of failing on it.
/// </summary>
public static class OsvRecordParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Disallow };

    public static bool TryParse(ReadOnlyMemory<byte> json, string origin, out OsvRecord? record, out string error)
    {
        record = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, Options);
            return TryRead(document.RootElement, origin, out record, out error);
        }
        catch (JsonException e)
        {
            error = "it is not valid JSON (" + e.Message.Split('.')[0] + ")";
            return false;
        }
    }

    private static bool TryRead(JsonElement root, string origin, out OsvRecord? record, out string error)
    {
        record = null;
        error = string.Empty;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "the document is not a JSON object";
            return false;
        }

        if (!root.TryGetProperty("id", out JsonElement idElement) || idElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(idElement.GetString()))
        {
            error = "it has no \"id\" string";
            return false;
        }

        string id = idElement.GetString()!;
        List<OsvAffected> affected = [];
        if (root.TryGetProperty("affected", out JsonElement affectedArray))
        {
            if (affectedArray.ValueKind != JsonValueKind.Array)
            {
                error = $"record {id}: \"affected\" is not an array";
                return false;
            }

            foreach (JsonElement entry in affectedArray.EnumerateArray())
            {
                if (!TryReadAffected(entry, out OsvAffected? a, out string why))
                {
                    error = $"record {id}: {why}";
                    return false;
                }

                if (a is not null)
                {
                    affected.Add(a);
                }
            }
        }

        record = new OsvRecord
        {
            Id = id,
            Aliases = Strings(root, "aliases"),
            Modified = Time(root, "modified"),
            Withdrawn = Time(root, "withdrawn"),
            Summary = root.TryGetProperty("summary", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null,
            Severity = ReadSeverity(root),
            Affected = affected,
            Origin = origin,
        };
        return true;
    }

    /// <summary>An entry without a package (a GIT-only record) is skipped, not an error: it just names no installable package.</summary>
    private static bool TryReadAffected(JsonElement entry, out OsvAffected? affected, out string error)
    {
        affected = null;
        error = string.Empty;
        if (entry.ValueKind != JsonValueKind.Object)
        {
            error = "an \"affected\" entry is not an object";
            return false;
        }

        if (!entry.TryGetProperty("package", out JsonElement package))
        {
            return true;
        }

        string? ecosystem = package.ValueKind == JsonValueKind.Object && package.TryGetProperty("ecosystem", out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        string? name = package.ValueKind == JsonValueKind.Object && package.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (string.IsNullOrEmpty(ecosystem) || string.IsNullOrEmpty(name))
        {
            error = "an \"affected\" package has no ecosystem or name";
            return false;
        }

        List<OsvRange> ranges = [];
        if (entry.TryGetProperty("ranges", out JsonElement rangeArray))
        {
            if (rangeArray.ValueKind != JsonValueKind.Array)
            {
                error = $"the ranges of {ecosystem}/{name} are not an array";
                return false;
            }

            foreach (JsonElement range in rangeArray.EnumerateArray())
            {
                string? type = range.ValueKind == JsonValueKind.Object && range.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (type is null || !range.TryGetProperty("events", out JsonElement events) || events.ValueKind != JsonValueKind.Array)
                {
                    error = $"a range of {ecosystem}/{name} has no type or no events array";
                    return false;
                }

                if (type is not ("ECOSYSTEM" or "SEMVER"))
                {
                    continue;
                }

                List<OsvEvent> read = [];
                foreach (JsonElement ev in events.EnumerateArray())
                {
                    if (!TryReadEvent(ev, out OsvEvent parsed))
                    {
                        error = $"a range of {ecosystem}/{name} has an event that is not exactly one of introduced, fixed, last_affected or limit with a version string";
                        return false;
                    }

                    read.Add(parsed);
                }

                ranges.Add(new OsvRange(type == "SEMVER" ? OsvRangeType.Semver : OsvRangeType.Ecosystem, read));
            }
        }

        affected = new OsvAffected(ecosystem, name, ranges, Strings(entry, "versions"));
        return true;
    }

    private static bool TryReadEvent(JsonElement ev, out OsvEvent parsed)
    {
        parsed = default;
        if (ev.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        int count = 0;
        foreach (JsonProperty p in ev.EnumerateObject())
        {
            OsvEventKind? kind = p.Name switch
            {
                "introduced" => OsvEventKind.Introduced,
                "fixed" => OsvEventKind.Fixed,
                "last_affected" => OsvEventKind.LastAffected,
                "limit" => OsvEventKind.Limit,
                _ => null,
            };
            if (kind is null)
            {
                continue;
            }

            if (p.Value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(p.Value.GetString()))
            {
                return false;
            }

            parsed = new OsvEvent(kind.Value, p.Value.GetString()!);
            count++;
        }

        return count == 1;
    }

    /// <summary>
    /// CVSS v3 vectors are scored (the highest wins); a CVSS v4 entry counts when it carries a numeric score; then the
    /// publisher's own words: <c>database_specific.severity</c> (GitHub's <c>MODERATE</c>) or Ubuntu's priority.
    /// </summary>
    private static OsvSeverity ReadSeverity(JsonElement root)
    {
        OsvSeverity? best = null;
        OsvSeverity? worded = null;
        if (root.TryGetProperty("severity", out JsonElement severities) && severities.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement s in severities.EnumerateArray())
            {
                string? type = s.ValueKind == JsonValueKind.Object && s.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                string? score = s.ValueKind == JsonValueKind.Object && s.TryGetProperty("score", out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                if (type == "CVSS_V3" && CvssV3.TryBaseScore(score, out double base3))
                {
                    best = Max(best, new OsvSeverity(CvssV3.Band(base3), base3, score, "CVSS_V3"));
                }
                else if (type == "CVSS_V4" && double.TryParse(score, NumberStyles.Float, CultureInfo.InvariantCulture, out double base4) && base4 is >= 0 and <= 10)
                {
                    best = Max(best, new OsvSeverity(CvssV3.Band(base4), base4, null, "CVSS_V4"));
                }
                else if (type is not null && !type.StartsWith("CVSS", StringComparison.Ordinal) && Word(score) is { } level)
                {
                    worded = Max(worded, new OsvSeverity(level, null, null, type));
                }
            }
        }

        if (best is not null)
        {
            return best;
        }

        if (root.TryGetProperty("database_specific", out JsonElement db) && db.ValueKind == JsonValueKind.Object &&
            db.TryGetProperty("severity", out JsonElement word) && word.ValueKind == JsonValueKind.String && Word(word.GetString()) is { } dbLevel)
        {
            return new OsvSeverity(dbLevel, null, null, "database_specific");
        }

        return worded ?? OsvSeverity.Unknown;
    }

    private static OsvSeverity Max(OsvSeverity? current, OsvSeverity candidate) =>
        current is null || candidate.Level > current.Level ? candidate : current;

    /// <summary>Publishers' words: GitHub (LOW, MODERATE, HIGH, CRITICAL), Ubuntu (negligible, low, medium, high, critical).</summary>
    private static VulnerabilitySeverity? Word(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "negligible" or "low" => VulnerabilitySeverity.Low,
        "moderate" or "medium" => VulnerabilitySeverity.Moderate,
        "high" or "important" => VulnerabilitySeverity.High,
        "critical" => VulnerabilitySeverity.Critical,
        _ => null,
    };

    private static IReadOnlyList<string> Strings(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray()
            : [];

    private static DateTimeOffset? Time(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String &&
        DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time)
            ? time
            : null;
}

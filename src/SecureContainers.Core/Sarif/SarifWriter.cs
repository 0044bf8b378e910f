using SecureContainers.Core.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Sarif;

/// <summary>
/// Writes one <see cref="SarifRun"/> as a SARIF 2.1.0 log, byte-for-byte reproducibly: UTF-8 without BOM, two-space
/// indentation, <c>\n</c> line ends, rules in ordinal id order, results in (rule, location, line, message) order,
/// no timestamps and no absolute paths. Each result gets a <c>partialFingerprints</c> entry hashed from its rule,
/// location and occurrence number, never from what was found.
/// </summary>
public static class SarifWriter
{
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    /// <summary>The key under <c>partialFingerprints</c>; the suffix changes if the hashing ever does.</summary>
    public const string FingerprintKey = "secureContainersRuleLocation/v1";

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        IndentCharacter = ' ',
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serializes <paramref name="run"/>; throws <see cref="ArgumentException"/> when a result names an unknown rule or rule ids repeat.</summary>
    public static byte[] Write(SarifRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        SarifRule[] rules = run.Rules.OrderBy(r => r.Id, StringComparer.Ordinal).ToArray();
        Dictionary<string, int> ruleIndex = new(StringComparer.Ordinal);
        foreach (SarifRule rule in rules)
        {
            if (!ruleIndex.TryAdd(rule.Id, ruleIndex.Count))
            {
                throw new ArgumentException($"Rule id '{rule.Id}' appears twice.", nameof(run));
            }
        }

        SarifResult[] results = run.Results
            .OrderBy(r => r.RuleId, StringComparer.Ordinal)
            .ThenBy(r => r.Location.FingerprintKey, StringComparer.Ordinal)
            .ThenBy(r => (r.Location as SarifPhysicalLocation)?.StartLine ?? 0)
            .ThenBy(r => r.Message, StringComparer.Ordinal)
            .ToArray();
        foreach (SarifResult result in results.Where(r => !ruleIndex.ContainsKey(r.RuleId)))
        {
            throw new ArgumentException($"Result rule '{result.RuleId}' is not among the run's rules.", nameof(run));
        }

        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("$schema", SchemaUri);
            writer.WriteString("version", "2.1.0");
            writer.WriteStartArray("runs");
            writer.WriteStartObject();
            WriteTool(writer, run.Tool, rules);
            if (run.UriBaseDescriptions.Count > 0)
            {
                writer.WriteStartObject("originalUriBaseIds");
                foreach ((string id, string description) in run.UriBaseDescriptions.OrderBy(b => b.Key, StringComparer.Ordinal))
                {
                    writer.WriteStartObject(id);
                    WriteText(writer, "description", description);
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteStartArray("results");
            Dictionary<string, int> occurrences = new(StringComparer.Ordinal);
            foreach (SarifResult result in results)
            {
                string identity = result.RuleId + "\n" + result.Location.FingerprintKey;
                int occurrence = occurrences[identity] = occurrences.GetValueOrDefault(identity) + 1;
                WriteResult(writer, result, ruleIndex[result.RuleId], Fingerprint(identity, occurrence));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Writes the log atomically (temporary file in the same folder, then rename); I/O failures are SC7190.</summary>
    public static void WriteToFile(SarifRun run, string path) =>
        AtomicFile.Write(path, Write(run), (target, message) => SarifDiagnostics.WriteFailed.Create(target, message));

    /// <summary>SARIF's level keyword.</summary>
    public static string LevelName(SarifLevel level) => level switch
    {
        SarifLevel.None => "none",
        SarifLevel.Note => "note",
        SarifLevel.Warning => "warning",
        _ => "error",
    };

    /// <summary>error → error, warning → warning, message → note.</summary>
    public static SarifLevel LevelOf(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => SarifLevel.Error,
        DiagnosticSeverity.Warning => SarifLevel.Warning,
        _ => SarifLevel.Note,
    };

    private static void WriteTool(Utf8JsonWriter writer, SarifTool tool, SarifRule[] rules)
    {
        writer.WriteStartObject("tool");
        writer.WriteStartObject("driver");
        writer.WriteString("name", tool.Name);
        writer.WriteString("version", tool.Version);
        if (tool.InformationUri is not null)
        {
            writer.WriteString("informationUri", tool.InformationUri.AbsoluteUri);
        }

        writer.WriteStartArray("rules");
        foreach (SarifRule rule in rules)
        {
            writer.WriteStartObject();
            writer.WriteString("id", rule.Id);
            writer.WriteString("name", rule.Name);
            WriteText(writer, "shortDescription", rule.ShortDescription);
            WriteText(writer, "fullDescription", rule.FullDescription);
            if (tool.DiagnosticsHelpUri is not null)
            {
                writer.WriteString("helpUri", new UriBuilder(tool.DiagnosticsHelpUri) { Fragment = rule.Id.ToLowerInvariant() }.Uri.AbsoluteUri);
            }

            writer.WriteStartObject("defaultConfiguration");
            writer.WriteString("level", LevelName(rule.DefaultLevel));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter writer, SarifResult result, int ruleIndex, string fingerprint)
    {
        writer.WriteStartObject();
        writer.WriteString("ruleId", result.RuleId);
        writer.WriteNumber("ruleIndex", ruleIndex);
        writer.WriteString("level", LevelName(result.Level));
        WriteText(writer, "message", result.Message);
        writer.WriteStartArray("locations");
        writer.WriteStartObject();
        switch (result.Location)
        {
            case SarifPhysicalLocation physical:
                writer.WriteStartObject("physicalLocation");
                writer.WriteStartObject("artifactLocation");
                writer.WriteString("uri", EscapeRelativePath(physical.RelativeUri));
                writer.WriteString("uriBaseId", physical.UriBaseId);
                writer.WriteEndObject();
                if (physical.StartLine is int line)
                {
                    writer.WriteStartObject("region");
                    writer.WriteNumber("startLine", line);
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
                break;
            case SarifLogicalLocation logical:
                writer.WriteStartArray("logicalLocations");
                writer.WriteStartObject();
                writer.WriteString("name", logical.Name);
                writer.WriteString("fullyQualifiedName", logical.FullyQualifiedName);
                writer.WriteString("kind", logical.Kind);
                writer.WriteEndObject();
                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"Unsupported location type {result.Location.GetType().Name}.", nameof(result));
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartObject("partialFingerprints");
        writer.WriteString(FingerprintKey, fingerprint);
        writer.WriteEndObject();
        if (result.SuppressionJustification is string justification)
        {
            writer.WriteStartArray("suppressions");
            writer.WriteStartObject();
            writer.WriteString("kind", "external");
            writer.WriteString("status", "accepted");
            writer.WriteString("justification", justification);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        if (result.Properties.Count > 0)
        {
            writer.WriteStartObject("properties");
            foreach ((string key, string value) in result.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteText(Utf8JsonWriter writer, string property, string text)
    {
        writer.WriteStartObject(property);
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }

    private static string EscapeRelativePath(string path) =>
        string.Join('/', path.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));

    private static string Fingerprint(string identity, int occurrence) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{identity}\n{occurrence}")));
}

using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Writes the manifests and indexes the client pushes: compact JSON, fixed property order, annotations sorted by key,
/// so the same inputs always give the same bytes (and digest). '+' and '&lt;' stay literal, as other OCI tools write them.
/// </summary>
internal static class RegistryDocuments
{
    /// <summary>The OCI empty descriptor's content, <c>{}</c> (sha256:44136fa3…, 2 bytes).</summary>
    public static readonly byte[] EmptyJson = "{}"u8.ToArray();

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        ArrayBufferWriter<byte> buffer = new();
        using (Utf8JsonWriter writer = new(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteDescriptor(Utf8JsonWriter w, Descriptor d)
    {
        w.WriteStartObject();
        w.WriteString("mediaType", d.MediaType);
        w.WriteString("digest", d.Digest.ToString());
        w.WriteNumber("size", d.Size);
        if (d.ArtifactType is not null)
        {
            w.WriteString("artifactType", d.ArtifactType);
        }

        WriteAnnotations(w, d.Annotations);
        w.WriteEndObject();
    }

    public static void WriteAnnotations(Utf8JsonWriter w, IReadOnlyDictionary<string, string>? annotations)
    {
        if (annotations is null || annotations.Count == 0)
        {
            return;
        }

        w.WriteStartObject("annotations");
        foreach (KeyValuePair<string, string> a in annotations.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            w.WriteString(a.Key, a.Value);
        }

        w.WriteEndObject();
    }

    /// <summary>An OCI image manifest used as an artifact (image-spec 1.1): artifactType, empty config, subject.</summary>
    public static byte[] ArtifactManifest(string artifactType, Descriptor config, IReadOnlyList<Descriptor> layers, Descriptor subject, IReadOnlyDictionary<string, string>? annotations) =>
        Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", MediaTypes.OciManifestV1);
            w.WriteString("artifactType", artifactType);
            w.WritePropertyName("config");
            WriteDescriptor(w, config);
            w.WriteStartArray("layers");
            foreach (Descriptor layer in layers)
            {
                WriteDescriptor(w, layer);
            }

            w.WriteEndArray();
            w.WritePropertyName("subject");
            WriteDescriptor(w, new Descriptor(subject.MediaType, subject.Digest, subject.Size));
            WriteAnnotations(w, annotations);
            w.WriteEndObject();
        });

    /// <summary>
    /// The config cosign gives its signature and attestation manifests (go-containerregistry's empty image with the layers
    /// appended): zero time stamps, one empty history entry and one diff_id (the layer digest) per layer.
    /// </summary>
    public static byte[] CosignConfig(IEnumerable<Digest> layerDigests) =>
        Write(w =>
        {
            List<Digest> digests = layerDigests.ToList();
            w.WriteStartObject();
            w.WriteString("architecture", "");
            w.WriteString("created", "0001-01-01T00:00:00Z");
            w.WriteStartArray("history");
            foreach (Digest _ in digests)
            {
                w.WriteStartObject();
                w.WriteString("created", "0001-01-01T00:00:00Z");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("os", "");
            w.WriteStartObject("rootfs");
            w.WriteString("type", "layers");
            w.WriteStartArray("diff_ids");
            foreach (Digest d in digests)
            {
                w.WriteStringValue(d.ToString());
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("config");
            w.WriteEndObject();
            w.WriteEndObject();
        });

    /// <summary>
    /// Reads a descriptor without throwing: the documents read here were written by other tools, and a bad one must
    /// become a "left untouched" error, not a parse exception.
    /// </summary>
    public static bool TryReadDescriptor(JsonElement e, out Descriptor descriptor, out string problem)
    {
        descriptor = null!;
        problem = "";
        if (e.ValueKind != JsonValueKind.Object)
        {
            problem = "an entry is not a JSON object";
            return false;
        }

        if (!e.TryGetProperty("mediaType", out JsonElement m) || m.ValueKind != JsonValueKind.String)
        {
            problem = "an entry has no 'mediaType'";
            return false;
        }

        if (!e.TryGetProperty("digest", out JsonElement dg) || dg.ValueKind != JsonValueKind.String || !Digest.TryParse(dg.GetString(), out Digest digest))
        {
            problem = "an entry has no valid 'digest'";
            return false;
        }

        if (!e.TryGetProperty("size", out JsonElement s) || !s.TryGetInt64(out long size) || size < 0)
        {
            problem = $"the entry for {digest} has no valid 'size'";
            return false;
        }

        string? artifactType = e.TryGetProperty("artifactType", out JsonElement at) && at.ValueKind == JsonValueKind.String ? at.GetString() : null;
        Dictionary<string, string>? annotations = null;
        if (e.TryGetProperty("annotations", out JsonElement an) && an.ValueKind == JsonValueKind.Object)
        {
            annotations = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty p in an.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    annotations[p.Name] = p.Value.GetString()!;
                }
            }
        }

        descriptor = new Descriptor(m.GetString()!, digest, size) { ArtifactType = artifactType, Annotations = annotations };
        return true;
    }
}

/// <summary>
/// A JSON document another tool may also write (the referrers index, a cosign signature manifest): its list entries
/// (<c>manifests</c> or <c>layers</c>) and its other top-level properties are kept as their raw JSON text, so rewriting
/// it with one more entry changes nothing else, unknown fields and media types included.
/// </summary>
internal sealed class SharedDocument
{
    private static readonly string[] Managed = ["schemaVersion", "mediaType", "config"];

    private SharedDocument(string? mediaType, string? configRaw, Descriptor? config, List<(Descriptor Parsed, string Raw)> entries, List<(string Name, string Raw)> others)
    {
        MediaType = mediaType;
        ConfigRaw = configRaw;
        Config = config;
        Entries = entries;
        Others = others;
    }

    public string? MediaType { get; }

    public Descriptor? Config { get; }

    public IReadOnlyList<(Descriptor Parsed, string Raw)> Entries { get; }

    private string? ConfigRaw { get; }

    private List<(string Name, string Raw)> Others { get; }

    public static SharedDocument Empty(string mediaType) => new(mediaType, null, null, [], []);

    /// <summary>Reads an index (<paramref name="listName"/> "manifests") or image manifest ("layers"); null + problem when unusable.</summary>
    public static SharedDocument? TryParse(byte[] bytes, string listName, Func<string?, bool> acceptMediaType, out string problem)
    {
        problem = "";
        try
        {
            using JsonDocument doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "it is not a JSON object";
                return null;
            }

            string? mediaType = root.TryGetProperty("mediaType", out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (!acceptMediaType(mediaType))
            {
                problem = $"its media type is '{mediaType ?? "(none)"}'";
                return null;
            }

            if (root.TryGetProperty("schemaVersion", out JsonElement sv) && !(sv.TryGetInt32(out int version) && version == 2))
            {
                problem = "its schemaVersion is not 2";
                return null;
            }

            if (!root.TryGetProperty(listName, out JsonElement list) || list.ValueKind != JsonValueKind.Array)
            {
                problem = $"it has no '{listName}' array";
                return null;
            }

            List<(Descriptor, string)> entries = new();
            foreach (JsonElement e in list.EnumerateArray())
            {
                if (!RegistryDocuments.TryReadDescriptor(e, out Descriptor d, out problem))
                {
                    return null;
                }

                entries.Add((d, e.GetRawText()));
            }

            string? configRaw = null;
            Descriptor? config = null;
            if (root.TryGetProperty("config", out JsonElement c))
            {
                if (!RegistryDocuments.TryReadDescriptor(c, out Descriptor cd, out problem))
                {
                    problem = "its config: " + problem;
                    return null;
                }

                (config, configRaw) = (cd, c.GetRawText());
            }

            List<(string, string)> others = root.EnumerateObject()
                .Where(p => p.Name != listName && !Managed.Contains(p.Name))
                .Select(p => (p.Name, p.Value.GetRawText()))
                .ToList();
            return new SharedDocument(mediaType, configRaw, config, entries, others);
        }
        catch (JsonException ex)
        {
            problem = $"it is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})";
            return null;
        }
    }

    /// <summary>The document with <paramref name="added"/> appended to its list and, when given, a new config.</summary>
    public byte[] With(string listName, IEnumerable<Descriptor> added, Descriptor? newConfig = null) =>
        WithEntries(listName, Entries.Select(e => (e.Parsed, (string?)e.Raw)).Concat(added.Select(d => (d, (string?)null))), newConfig);

    /// <summary>
    /// The document with its list replaced by <paramref name="entries"/> (each written as its raw JSON when it has one, so
    /// foreign entries keep their bytes) and, when given, a new config; every other property is kept.
    /// </summary>
    public byte[] WithEntries(string listName, IEnumerable<(Descriptor Parsed, string? Raw)> entries, Descriptor? newConfig = null) =>
        RegistryDocuments.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            if (MediaType is not null)
            {
                w.WriteString("mediaType", MediaType);
            }

            if (newConfig is not null)
            {
                w.WritePropertyName("config");
                RegistryDocuments.WriteDescriptor(w, newConfig);
            }
            else if (ConfigRaw is not null)
            {
                w.WritePropertyName("config");
                w.WriteRawValue(ConfigRaw);
            }

            w.WriteStartArray(listName);
            foreach ((Descriptor parsed, string? raw) in entries)
            {
                if (raw is not null)
                {
                    w.WriteRawValue(raw);
                }
                else
                {
                    RegistryDocuments.WriteDescriptor(w, parsed);
                }
            }

            w.WriteEndArray();
            foreach ((string name, string raw) in Others)
            {
                w.WritePropertyName(name);
                w.WriteRawValue(raw);
            }

            w.WriteEndObject();
        });
}

using System.Text.Json;

namespace SecureContainers.Core.Oci;

/// <summary>A single-platform image manifest (OCI image manifest or Docker schema 2 manifest).</summary>
public sealed record ImageManifest(string MediaType, Descriptor Config, IReadOnlyList<Descriptor> Layers)
{
    public Descriptor? Subject { get; init; }

    public string? ArtifactType { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>
    /// Parses manifest bytes. <paramref name="contentType"/> (the HTTP Content-Type) is used when the document does
    /// not carry its own <c>mediaType</c>, as OCI manifests may omit it.
    /// </summary>
    public static ImageManifest Parse(ReadOnlySpan<byte> json, string? contentType = null) =>
        Parse(json.ToArray(), contentType, DocumentSource.Unknown("manifest"));

    internal static ImageManifest Parse(ReadOnlyMemory<byte> json, string? contentType, DocumentSource source)
    {
        using JsonDocument doc = OciJson.ParseDocument(json, source);
        JsonElement root = doc.RootElement;
        RequireSchemaVersion2(root, source);
        string mediaType = OciJson.OptionalString(root, "mediaType", source) ?? contentType ?? MediaTypes.OciManifestV1;
        JsonElement config = OciJson.OptionalObject(root, "config", source) ?? throw source.Malformed("'config' is missing");
        List<Descriptor> layers = new();
        foreach (JsonElement layer in (OciJson.OptionalArray(root, "layers", source) ?? throw source.Malformed("'layers' is missing")).EnumerateArray())
        {
            layers.Add(Descriptor.Parse(layer, source));
        }

        IReadOnlyDictionary<string, string> annotations = OciJson.StringMap(root, "annotations", source);
        return new ImageManifest(mediaType, Descriptor.Parse(config, source), layers)
        {
            Subject = OciJson.OptionalObject(root, "subject", source) is JsonElement s ? Descriptor.Parse(s, source) : null,
            ArtifactType = OciJson.OptionalString(root, "artifactType", source),
            Annotations = annotations.Count == 0 ? null : annotations,
        };
    }

    internal static void RequireSchemaVersion2(JsonElement root, DocumentSource source)
    {
        if (!root.TryGetProperty("schemaVersion", out JsonElement v) || !v.TryGetInt32(out int version) || version != 2)
        {
            throw source.Malformed("'schemaVersion' is not 2");
        }
    }
}

/// <summary>A multi-platform index (OCI image index or Docker manifest list).</summary>
public sealed record ImageIndex(string MediaType, IReadOnlyList<Descriptor> Manifests)
{
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public static ImageIndex Parse(ReadOnlySpan<byte> json, string? contentType = null) =>
        Parse(json.ToArray(), contentType, DocumentSource.Unknown("index"));

    internal static ImageIndex Parse(ReadOnlyMemory<byte> json, string? contentType, DocumentSource source)
    {
        using JsonDocument doc = OciJson.ParseDocument(json, source);
        JsonElement root = doc.RootElement;
        ImageManifest.RequireSchemaVersion2(root, source);
        string mediaType = OciJson.OptionalString(root, "mediaType", source) ?? contentType ?? MediaTypes.OciIndexV1;
        List<Descriptor> manifests = new();
        foreach (JsonElement m in (OciJson.OptionalArray(root, "manifests", source) ?? throw source.Malformed("'manifests' is missing")).EnumerateArray())
        {
            manifests.Add(Descriptor.Parse(m, source));
        }

        IReadOnlyDictionary<string, string> annotations = OciJson.StringMap(root, "annotations", source);
        return new ImageIndex(mediaType, manifests) { Annotations = annotations.Count == 0 ? null : annotations };
    }
}

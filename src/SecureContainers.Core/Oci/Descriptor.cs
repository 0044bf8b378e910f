using System.Text.Json;

namespace SecureContainers.Core.Oci;

/// <summary>An OCI content descriptor: what a manifest or index says about a piece of content it references.</summary>
public sealed record Descriptor(string MediaType, Digest Digest, long Size)
{
    public Platform? Platform { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    public string? ArtifactType { get; init; }

    /// <summary>Reads a descriptor object; malformed → SC3003, bad digest → SC3004.</summary>
    public static Descriptor Parse(JsonElement element) => Parse(element, DocumentSource.Unknown("descriptor"));

    internal static Descriptor Parse(JsonElement element, DocumentSource source)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw source.Malformed("a descriptor is not a JSON object");
        }

        string mediaType = OciJson.RequiredString(element, "mediaType", source);
        string? digestText = OciJson.OptionalString(element, "digest", source);
        if (!Digest.TryParse(digestText, out Digest digest))
        {
            throw source.BadDigest(digestText);
        }

        if (!element.TryGetProperty("size", out JsonElement sizeElement) || !sizeElement.TryGetInt64(out long size) || size < 0)
        {
            throw source.Malformed($"the descriptor of {digest} has no valid 'size'");
        }

        Platform? platform = null;
        if (OciJson.OptionalObject(element, "platform", source) is JsonElement p)
        {
            platform = new Platform(
                OciJson.RequiredString(p, "os", source),
                OciJson.RequiredString(p, "architecture", source),
                NullIfEmpty(OciJson.OptionalString(p, "variant", source)));
        }

        IReadOnlyDictionary<string, string> annotations = OciJson.StringMap(element, "annotations", source);
        return new Descriptor(mediaType, digest, size)
        {
            Platform = platform,
            Annotations = annotations.Count == 0 ? null : annotations,
            ArtifactType = OciJson.OptionalString(element, "artifactType", source),
        };
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

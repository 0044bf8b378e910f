using System.Text.Json;

namespace SecureContainers.Core.Oci;

/// <summary>An image manifest as its pusher reports it (the SDK's <c>GeneratedContainerManifest</c>).</summary>
public static class PushedManifest
{
    /// <summary>
    /// The descriptor of <paramref name="manifest"/> when it is exactly the manifest <paramref name="digest"/> names and declares
    /// its media type (as a registry reads it back: the document's own <c>mediaType</c>); null otherwise. Bytes that hash to the
    /// digest are what the registry holds, so a subject descriptor taken from them needs no round trip to the registry.
    /// </summary>
    public static Descriptor? Describe(Digest digest, byte[]? manifest)
    {
        if (manifest is null || !digest.Matches(manifest))
        {
            return null;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(manifest);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("mediaType", out JsonElement m) && m.GetString() is { Length: > 0 } mediaType
                && MediaTypes.IsImageManifest(mediaType)
                ? new Descriptor(mediaType, digest, manifest.Length)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

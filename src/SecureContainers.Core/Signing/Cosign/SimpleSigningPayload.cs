using System.Text.Json;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Signing.Cosign;

/// <summary>
/// The payload cosign signs for a container image (containers/image "simple signing" with cosign's type), written byte
/// for byte as cosign (sigstore's <c>payload.Cosign</c> through Go's encoding/json) writes it without annotations:
/// <c>{"critical":{"identity":{"docker-reference":"R"},"image":{"docker-manifest-digest":"D"},"type":"cosign container image signature"},"optional":null}</c>.
/// </summary>
public static class SimpleSigningPayload
{
    public const string SignatureType = "cosign container image signature";

    /// <param name="dockerReference"><c>registry/repository</c> (see <see cref="CosignNames.RepositoryName"/>).</param>
    public static byte[] Create(string dockerReference, Digest manifestDigest)
    {
        ArgumentException.ThrowIfNullOrEmpty(dockerReference);
        return SigningJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("critical");
            w.WriteStartObject("identity");
            w.WriteString("docker-reference", dockerReference);
            w.WriteEndObject();
            w.WriteStartObject("image");
            w.WriteString("docker-manifest-digest", manifestDigest.ToString());
            w.WriteEndObject();
            w.WriteString("type", SignatureType);
            w.WriteEndObject();
            // Go marshals cosign's nil annotations map as null, not as an omitted property.
            w.WriteNull("optional");
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// Reads the claims of a payload. Like cosign, the critical keys are matched case-insensitively
    /// (older cosign wrote <c>Docker-manifest-digest</c>).
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> payload, out string dockerReference, out Digest manifestDigest, out string problem)
    {
        dockerReference = "";
        manifestDigest = default;
        using JsonDocument? doc = SigningJson.TryParse(payload, out problem);
        if (doc is null)
        {
            return false;
        }

        JsonElement? critical = Property(doc.RootElement, "critical");
        if (critical is not { ValueKind: JsonValueKind.Object } c)
        {
            problem = "the payload has no 'critical' object";
            return false;
        }

        if (StringProperty(c, "type") != SignatureType)
        {
            problem = $"critical.type is not '{SignatureType}'";
            return false;
        }

        string? digestText = Property(c, "image") is { ValueKind: JsonValueKind.Object } image ? StringProperty(image, "docker-manifest-digest") : null;
        if (!Digest.TryParse(digestText, out manifestDigest))
        {
            problem = "critical.image.docker-manifest-digest is missing or not a digest";
            return false;
        }

        dockerReference = (Property(c, "identity") is { ValueKind: JsonValueKind.Object } identity ? StringProperty(identity, "docker-reference") : null) ?? "";
        return true;
    }

    private static JsonElement? Property(JsonElement obj, string name)
    {
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }

    private static string? StringProperty(JsonElement obj, string name) =>
        Property(obj, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
}

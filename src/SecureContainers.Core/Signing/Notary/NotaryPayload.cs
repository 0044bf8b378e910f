using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>The signed payload <c>{"targetArtifact": descriptor}</c>, which must name exactly the artifact verified.</summary>
internal static class NotaryPayload
{
    /// <summary>A reason when the payload is not the target's descriptor; null when it is.</summary>
    public static Diagnostic? Check(byte[] payload, Descriptor target)
    {
        string expected = $"{target.MediaType} {target.Digest} ({target.Size} bytes)";
        try
        {
            using JsonDocument doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("targetArtifact", out JsonElement artifact)
                || artifact.ValueKind != JsonValueKind.Object)
            {
                return NotaryDiagnostics.EnvelopeMalformed.Create("the payload has no targetArtifact object");
            }

            string? mediaType = artifact.TryGetProperty("mediaType", out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            string? digest = artifact.TryGetProperty("digest", out JsonElement d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            long? size = artifact.TryGetProperty("size", out JsonElement s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out long n) ? n : null;
            string signed = $"{mediaType ?? "(no mediaType)"} {digest ?? "(no digest)"} ({(size is null ? "no size" : size + " bytes")})";

            if (digest != target.Digest.ToString())
            {
                return NotaryDiagnostics.PayloadMismatch.Create(signed, expected, "the digest differs");
            }

            if (mediaType != target.MediaType)
            {
                return NotaryDiagnostics.PayloadMismatch.Create(signed, expected, "the media type differs");
            }

            return size != target.Size ? NotaryDiagnostics.PayloadMismatch.Create(signed, expected, "the size differs") : null;
        }
        catch (JsonException e)
        {
            return NotaryDiagnostics.EnvelopeMalformed.Create($"the payload is not JSON ({e.Message})");
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>
/// What a bundle signed, reduced to what a Rekor v1 entry records: the signature bytes, the digest the log hashed (a
/// message digest, or SHA-256 of the DSSE payload) and the signer's key or certificate (DER).
/// </summary>
internal sealed record SignedContent(byte[] Signature, byte[] Digest, bool IsEnvelope, byte[] SignerDer);

/// <summary>
/// Checks that a log entry's canonicalized body records this bundle's signature, and not another: the entry is proven
/// to be in the log, but only this comparison ties it to what is being verified. Rekor v1 kinds: hashedrekord 0.0.1
/// (message signatures), intoto 0.0.2 and dsse 0.0.1 (envelopes). Rekor v2 bodies (0.0.2 hashedrekord/dsse) are not read.
/// </summary>
internal static class RekorBodyCheck
{
    public static string? Check(TransparencyLogEntry entry, SignedContent content)
    {
        using JsonDocument? doc = SigningJson.TryParse(entry.CanonicalizedBody, out string problem);
        if (doc is null)
        {
            return $"the log entry body is not JSON ({problem})";
        }

        JsonElement body = doc.RootElement;
        if (SigningJson.String(body, "kind") != entry.Kind || SigningJson.String(body, "apiVersion") != entry.KindVersion)
        {
            return $"the log entry body is not the {entry.Kind} {entry.KindVersion} entry the bundle declares";
        }

        JsonElement spec = SigningJson.Object(body, "spec") ?? default;
        try
        {
            return (entry.Kind, entry.KindVersion, content.IsEnvelope) switch
            {
                ("hashedrekord", "0.0.1", false) => Compare(content,
                    Base64(Path(spec, "signature", "content")),
                    Hex(Path(spec, "data", "hash", "value")),
                    Path(spec, "signature", "publicKey", "content")),
                ("intoto", "0.0.2", true) => CompareSingle(content, Child(Child(spec, "content"), "envelope"), "signatures",
                    s => Base64(Encoding.UTF8.GetString(Base64(SigningJson.String(s, "sig")))), s => SigningJson.String(s, "publicKey"),
                    Hex(Path(spec, "content", "payloadHash", "value"))),
                ("dsse", "0.0.1", true) => CompareSingle(content, spec, "signatures",
                    s => Base64(SigningJson.String(s, "signature")), s => SigningJson.String(s, "verifier"),
                    Hex(Path(spec, "payloadHash", "value"))),
                _ => $"a {entry.Kind} {entry.KindVersion} log entry cannot record a {(content.IsEnvelope ? "DSSE envelope" : "message signature")} (or is a Rekor v2 entry, which is not read)",
            };
        }
        catch (FormatException ex)
        {
            return $"the log entry body is malformed: {ex.Message}";
        }
    }

    private static string? CompareSingle(SignedContent content, JsonElement holder, string name, Func<JsonElement, byte[]> signature, Func<JsonElement, string?> verifier, byte[] digest)
    {
        if (holder.ValueKind != JsonValueKind.Object || !holder.TryGetProperty(name, out JsonElement list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() != 1)
        {
            return "the log entry does not record exactly one signature";
        }

        return Compare(content, signature(list[0]), digest, verifier(list[0]));
    }

    private static string? Compare(SignedContent content, byte[] signature, byte[] digest, string? signerPemBase64)
    {
        if (!CryptographicOperations.FixedTimeEquals(signature, content.Signature))
        {
            return "the log entry records another signature";
        }

        if (!CryptographicOperations.FixedTimeEquals(digest, content.Digest))
        {
            return content.IsEnvelope ? "the log entry records another payload hash" : "the log entry records another digest";
        }

        if (signerPemBase64 is null || !SignerMatches(signerPemBase64, content.SignerDer))
        {
            return "the log entry records another signing key or certificate";
        }

        return null;
    }

    // Rekor records the key or certificate as base64 of its PEM text.
    private static bool SignerMatches(string pemBase64, byte[] signerDer)
    {
        string pem = Encoding.UTF8.GetString(Base64(pemBase64));
        if (!PemEncoding.TryFind(pem, out PemFields fields))
        {
            return false;
        }

        byte[] der = new byte[fields.DecodedDataLength];
        return Convert.TryFromBase64Chars(pem.AsSpan()[fields.Base64Data], der, out int written)
            && der.AsSpan(0, written).SequenceEqual(signerDer);
    }

    private static JsonElement Child(JsonElement element, string name) => SigningJson.Object(element, name) ?? default;

    private static string? Path(JsonElement element, params string[] names)
    {
        foreach (string name in names[..^1])
        {
            element = SigningJson.Object(element, name) ?? default;
        }

        return SigningJson.String(element, names[^1]);
    }

    private static byte[] Base64(string? text) =>
        text is not null && TryBase64(text) is byte[] bytes ? bytes : throw new FormatException("a signature or key is missing or not base64");

    private static byte[]? TryBase64(string text)
    {
        byte[] buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out int written) ? buffer[..written] : null;
    }

    private static byte[] Hex(string? text)
    {
        try
        {
            return text is null ? throw new FormatException("a hash value is missing") : Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new FormatException("a hash value is missing or not hex");
        }
    }
}

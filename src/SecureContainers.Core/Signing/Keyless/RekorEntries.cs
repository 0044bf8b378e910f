using System.Security.Cryptography;
using System.Text;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Dsse;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>
/// The Rekor v1 entries proposed for a signature, exactly as sigstore-js's <c>witness/tlog/entry.ts</c> builds them, so
/// that any sigstore verifier re-derives the same body from the bundle: <c>intoto</c> v0.0.2 for a DSSE envelope (the
/// entry type sigstore verifiers check for attestations) and <c>hashedrekord</c> v0.0.1 for a message signature.
/// <paramref name="publicKeyPem"/> in each is the signer's PEM: the Fulcio certificate for keyless, the public key otherwise.
/// </summary>
public static class RekorEntries
{
    public static byte[] Intoto(DsseEnvelope envelope, string publicKeyPem)
    {
        if (envelope.Signatures.Count != 1)
        {
            // Rekor's intoto entry and every verifier of it expect exactly one signature.
            throw new ArgumentException($"an intoto entry records one signature; the envelope has {envelope.Signatures.Count}", nameof(envelope));
        }

        byte[] payload = envelope.TryDecodePayload() ?? throw new ArgumentException("the envelope payload is not base64", nameof(envelope));
        DsseSignature signature = envelope.Signatures[0];
        string encodedKey = Base64Text(publicKeyPem);

        return SigningJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("apiVersion", "0.0.2");
            w.WriteString("kind", "intoto");
            w.WriteStartObject("spec");
            w.WriteStartObject("content");
            w.WriteStartObject("envelope");
            w.WriteString("payloadType", envelope.PayloadType);
            // Rekor wants payload and signature base64-encoded once more, and the key beside the signature.
            w.WriteString("payload", Base64Text(envelope.Payload));
            w.WriteStartArray("signatures");
            w.WriteStartObject();
            w.WriteString("sig", Base64Text(signature.Sig));
            w.WriteString("publicKey", encodedKey);
            if (signature.KeyId.Length > 0)
            {
                w.WriteString("keyid", signature.KeyId);
            }

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("hash");
            w.WriteString("algorithm", "sha256");
            w.WriteString("value", EnvelopeHash(envelope, publicKeyPem));
            w.WriteEndObject();
            w.WriteStartObject("payloadHash");
            w.WriteString("algorithm", "sha256");
            w.WriteString("value", Convert.ToHexStringLower(SHA256.HashData(payload)));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    public static byte[] HashedRekord(MessageSignature message, string publicKeyPem)
    {
        if (message.DigestAlgorithm != "SHA2_256")
        {
            throw new ArgumentException($"hashedrekord entries are written for SHA2_256 digests, not {message.DigestAlgorithm}", nameof(message));
        }

        return SigningJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("apiVersion", "0.0.1");
            w.WriteString("kind", "hashedrekord");
            w.WriteStartObject("spec");
            w.WriteStartObject("data");
            w.WriteStartObject("hash");
            w.WriteString("algorithm", "sha256");
            w.WriteString("value", Convert.ToHexStringLower(message.Digest));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("signature");
            w.WriteBase64String("content", message.Signature);
            w.WriteStartObject("publicKey");
            w.WriteString("content", Base64Text(publicKeyPem));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// The intoto entry's <c>hash</c>: SHA-256 of the RFC 8785 canonical JSON of the envelope as Rekor rebuilds it
    /// (payload and signature base64 once, the key as plain PEM, <c>keyid</c> only when not empty). The members are
    /// written in canonical (sorted) order, and every value here is ASCII, whose JSON escaping RFC 8785 shares.
    /// </summary>
    internal static string EnvelopeHash(DsseEnvelope envelope, string publicKeyPem)
    {
        DsseSignature signature = envelope.Signatures[0];
        byte[] canonical = SigningJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("payload", envelope.Payload);
            w.WriteString("payloadType", envelope.PayloadType);
            w.WriteStartArray("signatures");
            w.WriteStartObject();
            if (signature.KeyId.Length > 0)
            {
                w.WriteString("keyid", signature.KeyId);
            }

            w.WriteString("publicKey", publicKeyPem);
            w.WriteString("sig", signature.Sig);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return Convert.ToHexStringLower(SHA256.HashData(canonical));
    }

    private static string Base64Text(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}

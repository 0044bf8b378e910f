using System.Text;
using System.Text.Json;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Signing.Dsse;

/// <summary>One DSSE signature: <c>keyid</c> (an unauthenticated hint, empty for cosign file keys) and base64 <c>sig</c>.</summary>
public sealed record DsseSignature(string KeyId, string Sig);

/// <summary>
/// A DSSE envelope (secure-systems-lab/dsse v1): the payload and its type, signed together through the pre-authentication
/// encoding <see cref="Pae"/>. Serialized as cosign serializes it (Go's dsse.Envelope):
/// <c>{"payloadType":…,"payload":"&lt;base64&gt;","signatures":[{"keyid":"","sig":"&lt;base64&gt;"}]}</c>.
/// </summary>
public sealed record DsseEnvelope(string PayloadType, string Payload, IReadOnlyList<DsseSignature> Signatures)
{
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>
    /// PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, where LEN is the byte length in ASCII decimal
    /// without leading zeros and SP is one space (protocol.md).
    /// </summary>
    public static byte[] Pae(string payloadType, ReadOnlySpan<byte> payload)
    {
        byte[] type = Encoding.UTF8.GetBytes(payloadType);
        byte[] head = Encoding.ASCII.GetBytes($"DSSEv1 {type.Length} ");
        byte[] middle = Encoding.ASCII.GetBytes($" {payload.Length} ");
        byte[] result = new byte[head.Length + type.Length + middle.Length + payload.Length];
        Span<byte> span = result;
        head.CopyTo(span);
        type.CopyTo(span[head.Length..]);
        middle.CopyTo(span[(head.Length + type.Length)..]);
        payload.CopyTo(span[(head.Length + type.Length + middle.Length)..]);
        return result;
    }

    /// <summary>Signs PAE(<paramref name="payloadType"/>, <paramref name="payload"/>) with one signer.</summary>
    public static DsseEnvelope Sign(string payloadType, ReadOnlySpan<byte> payload, ISigner signer)
    {
        byte[] signature = signer.Sign(Pae(payloadType, payload));
        return new DsseEnvelope(payloadType, Convert.ToBase64String(payload), [new DsseSignature(signer.KeyId, Convert.ToBase64String(signature))]);
    }

    /// <summary>The decoded payload, or null when <see cref="Payload"/> is not base64.</summary>
    public byte[]? TryDecodePayload() => DecodeBase64(Payload);

    /// <summary>True when at least one signature verifies over PAE(payloadType, payload) with <paramref name="key"/>.</summary>
    public bool IsSignedBy(VerificationKey key)
    {
        if (TryDecodePayload() is not byte[] payload)
        {
            return false;
        }

        byte[] pae = Pae(PayloadType, payload);
        return Signatures.Any(s => DecodeBase64(s.Sig) is byte[] sig && key.Verify(pae, sig));
    }

    public byte[] ToJson() => SigningJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("payloadType", PayloadType);
        w.WriteString("payload", Payload);
        w.WriteStartArray("signatures");
        foreach (DsseSignature s in Signatures)
        {
            w.WriteStartObject();
            w.WriteString("keyid", s.KeyId);
            w.WriteString("sig", s.Sig);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>Reads an envelope; null with <paramref name="problem"/> when it is not one.</summary>
    public static DsseEnvelope? TryParse(ReadOnlyMemory<byte> json, out string problem)
    {
        using JsonDocument? doc = SigningJson.TryParse(json, out problem);
        if (doc is null)
        {
            return null;
        }

        JsonElement root = doc.RootElement;
        string? payloadType = SigningJson.String(root, "payloadType");
        string? payload = SigningJson.String(root, "payload");
        if (payloadType is null || payload is null)
        {
            problem = "the envelope has no 'payloadType' or 'payload' string";
            return null;
        }

        List<DsseSignature> signatures = new();
        if (root.TryGetProperty("signatures", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement s in list.EnumerateArray())
            {
                if (SigningJson.String(s, "sig") is string sig)
                {
                    signatures.Add(new DsseSignature(SigningJson.String(s, "keyid") ?? "", sig));
                }
            }
        }

        if (signatures.Count == 0)
        {
            problem = "the envelope has no signatures";
            return null;
        }

        return new DsseEnvelope(payloadType, payload, signatures);
    }

    private static byte[]? DecodeBase64(string text)
    {
        byte[] buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out int written) ? buffer[..written] : null;
    }
}

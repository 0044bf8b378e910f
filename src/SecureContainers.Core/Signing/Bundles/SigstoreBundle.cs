using System.Text.Json;
using SecureContainers.Core.Signing.Dsse;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>
/// A Sigstore bundle v0.3 (protobuf-specs <c>dev.sigstore.bundle.v1.Bundle</c>): the signed content – a DSSE envelope or a
/// message signature – and the material to verify it, in one JSON document. cosign v3 stores these as OCI referrers of
/// the image (cosign <c>specs/BUNDLE_SPEC.md</c>).
/// </summary>
/// <remarks>
/// Written as Go's protojson writes it, fields in declaration order, 64-bit integers as strings, bytes as standard
/// base64, empty fields left out; protojson's deliberately unstable whitespace is not reproduced (compact JSON), so
/// the bytes match cosign's for the same inputs modulo insignificant spaces.
/// </remarks>
public sealed record SigstoreBundle(VerificationMaterial Material, DsseEnvelope? Envelope, MessageSignature? Message)
{
    public const string MediaTypeV03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

    /// <summary>Bundle media types read (v0.1 and v0.2 carry the certificate as a chain; v0.3 as one certificate).</summary>
    public static readonly IReadOnlySet<string> ReadableMediaTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        MediaTypeV03,
        "application/vnd.dev.sigstore.bundle+json;version=0.3",
        "application/vnd.dev.sigstore.bundle+json;version=0.2",
        "application/vnd.dev.sigstore.bundle+json;version=0.1",
    };

    /// <summary>The media type the bundle was read with (v0.2 and later require an inclusion proof); written as v0.3.</summary>
    public string MediaType { get; init; } = MediaTypeV03;

    /// <summary>The bundle content annotation values of BUNDLE_SPEC.md.</summary>
    public string Content => Envelope is not null ? "dsse-envelope" : "message-signature";

    public byte[] ToJson() => SigningJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("mediaType", MediaTypeV03);
        w.WriteStartObject("verificationMaterial");
        if (Material.PublicKeyHint is string hint)
        {
            w.WriteStartObject("publicKey");
            w.WriteString("hint", hint);
            w.WriteEndObject();
        }
        else if (Material.Certificate is byte[] certificate)
        {
            w.WriteStartObject("certificate");
            w.WriteBase64String("rawBytes", certificate);
            w.WriteEndObject();
        }

        if (Material.TlogEntries.Count > 0)
        {
            w.WriteStartArray("tlogEntries");
            foreach (TransparencyLogEntry entry in Material.TlogEntries)
            {
                WriteEntry(w, entry);
            }

            w.WriteEndArray();
        }

        if (Material.Rfc3161Timestamps.Count > 0)
        {
            w.WriteStartObject("timestampVerificationData");
            w.WriteStartArray("rfc3161Timestamps");
            foreach (byte[] timestamp in Material.Rfc3161Timestamps)
            {
                w.WriteStartObject();
                w.WriteBase64String("signedTimestamp", timestamp);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
        if (Message is not null)
        {
            w.WriteStartObject("messageSignature");
            w.WriteStartObject("messageDigest");
            w.WriteString("algorithm", Message.DigestAlgorithm);
            w.WriteBase64String("digest", Message.Digest);
            w.WriteEndObject();
            w.WriteBase64String("signature", Message.Signature);
            w.WriteEndObject();
        }

        if (Envelope is not null)
        {
            // protobuf-specs' Envelope: payload, payloadType, signatures (sig, then keyid, left out when empty).
            w.WriteStartObject("dsseEnvelope");
            w.WriteString("payload", Envelope.Payload);
            w.WriteString("payloadType", Envelope.PayloadType);
            w.WriteStartArray("signatures");
            foreach (DsseSignature s in Envelope.Signatures)
            {
                w.WriteStartObject();
                w.WriteString("sig", s.Sig);
                if (s.KeyId.Length > 0)
                {
                    w.WriteString("keyid", s.KeyId);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    });

    private static void WriteEntry(Utf8JsonWriter w, TransparencyLogEntry entry)
    {
        w.WriteStartObject();
        w.WriteString("logIndex", entry.LogIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteStartObject("logId");
        w.WriteBase64String("keyId", entry.LogId);
        w.WriteEndObject();
        w.WriteStartObject("kindVersion");
        w.WriteString("kind", entry.Kind);
        w.WriteString("version", entry.KindVersion);
        w.WriteEndObject();
        w.WriteString("integratedTime", entry.IntegratedTime.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (entry.SignedEntryTimestamp is byte[] set)
        {
            w.WriteStartObject("inclusionPromise");
            w.WriteBase64String("signedEntryTimestamp", set);
            w.WriteEndObject();
        }

        if (entry.InclusionProof is InclusionProof proof)
        {
            w.WriteStartObject("inclusionProof");
            w.WriteString("logIndex", proof.LogIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteBase64String("rootHash", proof.RootHash);
            w.WriteString("treeSize", proof.TreeSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteStartArray("hashes");
            foreach (byte[] hash in proof.Hashes)
            {
                w.WriteBase64StringValue(hash);
            }

            w.WriteEndArray();
            w.WriteStartObject("checkpoint");
            w.WriteString("envelope", proof.Checkpoint);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteBase64String("canonicalizedBody", entry.CanonicalizedBody);
        w.WriteEndObject();
    }
}

using System.Globalization;
using System.Text.Json;
using SecureContainers.Core.Signing.Dsse;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>
/// Reads a Sigstore bundle (v0.1–v0.3) from registry bytes. Every field is checked for shape here, so verification
/// works on typed values only; anything missing or malformed is a <c>problem</c> naming the field, never an exception.
/// </summary>
public static class SigstoreBundleReader
{
    /// <summary>Tlog entries read from one bundle; a real bundle has one.</summary>
    public const int MaxTlogEntries = 8;

    /// <summary>Hashes of one inclusion proof: a tree of 2^64 leaves needs 64.</summary>
    public const int MaxProofHashes = 64;

    public static SigstoreBundle? TryParse(ReadOnlyMemory<byte> json, out string problem)
    {
        using JsonDocument? doc = SigningJson.TryParse(json, out problem);
        if (doc is null)
        {
            return null;
        }

        try
        {
            return Read(doc.RootElement);
        }
        catch (BundleFormatException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    private static SigstoreBundle Read(JsonElement root)
    {
        string mediaType = SigningJson.String(root, "mediaType") ?? throw Missing("mediaType");
        if (!SigstoreBundle.ReadableMediaTypes.Contains(mediaType))
        {
            throw new BundleFormatException($"'mediaType' {Quote(mediaType)} is not a Sigstore bundle v0.1–v0.3");
        }

        JsonElement material = SigningJson.Object(root, "verificationMaterial") ?? throw Missing("verificationMaterial");
        string? hint = null;
        byte[]? certificate = null;
        if (SigningJson.Object(material, "publicKey") is JsonElement key)
        {
            hint = SigningJson.String(key, "hint") ?? "";
        }
        else if (SigningJson.Object(material, "certificate") is JsonElement cert)
        {
            certificate = Bytes(cert, "rawBytes", "verificationMaterial.certificate.rawBytes");
        }
        else if (SigningJson.Object(material, "x509CertificateChain") is JsonElement chain
            && chain.TryGetProperty("certificates", out JsonElement certs) && certs.ValueKind == JsonValueKind.Array && certs.GetArrayLength() > 0)
        {
            certificate = Bytes(certs[0], "rawBytes", "verificationMaterial.x509CertificateChain.certificates[0].rawBytes");
        }
        else
        {
            throw new BundleFormatException("'verificationMaterial' has no 'publicKey', 'certificate' or 'x509CertificateChain'");
        }

        List<TransparencyLogEntry> entries = new();
        if (material.TryGetProperty("tlogEntries", out JsonElement tlog))
        {
            if (tlog.ValueKind != JsonValueKind.Array || tlog.GetArrayLength() > MaxTlogEntries)
            {
                throw new BundleFormatException($"'verificationMaterial.tlogEntries' is not a list of at most {MaxTlogEntries}");
            }

            foreach (JsonElement entry in tlog.EnumerateArray())
            {
                entries.Add(ReadEntry(entry));
            }
        }

        List<byte[]> timestamps = new();
        if (SigningJson.Object(material, "timestampVerificationData") is JsonElement tsData
            && tsData.TryGetProperty("rfc3161Timestamps", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement ts in list.EnumerateArray().Take(MaxTlogEntries))
            {
                timestamps.Add(Bytes(ts, "signedTimestamp", "rfc3161Timestamps[].signedTimestamp"));
            }
        }

        DsseEnvelope? envelope = null;
        MessageSignature? message = null;
        if (SigningJson.Object(root, "dsseEnvelope") is JsonElement dsse)
        {
            envelope = DsseEnvelope.TryParse(JsonSerializer.SerializeToUtf8Bytes(dsse), out string problem)
                ?? throw new BundleFormatException($"'dsseEnvelope': {problem}");
        }
        else if (SigningJson.Object(root, "messageSignature") is JsonElement ms)
        {
            JsonElement digest = SigningJson.Object(ms, "messageDigest") ?? throw Missing("messageSignature.messageDigest");
            message = new MessageSignature(
                SigningJson.String(digest, "algorithm") ?? throw Missing("messageSignature.messageDigest.algorithm"),
                Bytes(digest, "digest", "messageSignature.messageDigest.digest"),
                Bytes(ms, "signature", "messageSignature.signature"));
        }
        else
        {
            throw new BundleFormatException("the bundle has neither 'dsseEnvelope' nor 'messageSignature'");
        }

        return new SigstoreBundle(new VerificationMaterial(hint, certificate, entries, timestamps), envelope, message) { MediaType = mediaType };
    }

    private static TransparencyLogEntry ReadEntry(JsonElement e)
    {
        JsonElement kind = SigningJson.Object(e, "kindVersion") ?? throw Missing("tlogEntries[].kindVersion");
        JsonElement logId = SigningJson.Object(e, "logId") ?? throw Missing("tlogEntries[].logId");
        byte[]? set = SigningJson.Object(e, "inclusionPromise") is JsonElement promise
            ? Bytes(promise, "signedEntryTimestamp", "tlogEntries[].inclusionPromise.signedEntryTimestamp")
            : null;
        InclusionProof? proof = null;
        if (SigningJson.Object(e, "inclusionProof") is JsonElement p)
        {
            if (!p.TryGetProperty("hashes", out JsonElement hashes) || hashes.ValueKind != JsonValueKind.Array || hashes.GetArrayLength() > MaxProofHashes)
            {
                throw new BundleFormatException($"'tlogEntries[].inclusionProof.hashes' is not a list of at most {MaxProofHashes}");
            }

            JsonElement checkpoint = SigningJson.Object(p, "checkpoint") ?? throw Missing("tlogEntries[].inclusionProof.checkpoint");
            proof = new InclusionProof(
                Int64(p, "logIndex", "tlogEntries[].inclusionProof.logIndex"),
                Bytes(p, "rootHash", "tlogEntries[].inclusionProof.rootHash"),
                Int64(p, "treeSize", "tlogEntries[].inclusionProof.treeSize"),
                hashes.EnumerateArray().Select(h => h.ValueKind == JsonValueKind.String && h.TryGetBytesFromBase64(out byte[]? b) ? b : throw Missing("tlogEntries[].inclusionProof.hashes[]")).ToList(),
                SigningJson.String(checkpoint, "envelope") ?? throw Missing("tlogEntries[].inclusionProof.checkpoint.envelope"));
        }

        return new TransparencyLogEntry(
            Int64(e, "logIndex", "tlogEntries[].logIndex"),
            Bytes(logId, "keyId", "tlogEntries[].logId.keyId"),
            SigningJson.String(kind, "kind") ?? throw Missing("tlogEntries[].kindVersion.kind"),
            SigningJson.String(kind, "version") ?? throw Missing("tlogEntries[].kindVersion.version"),
            Int64(e, "integratedTime", "tlogEntries[].integratedTime"),
            set,
            proof,
            Bytes(e, "canonicalizedBody", "tlogEntries[].canonicalizedBody"));
    }

    // protojson writes int64 as a string and accepts a number too.
    private static long Int64(JsonElement obj, string name, string path)
    {
        if (obj.TryGetProperty(name, out JsonElement v))
        {
            if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out long s))
            {
                return s;
            }

            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) && n >= 0)
            {
                return n;
            }
        }

        throw new BundleFormatException($"'{path}' is not a non-negative integer");
    }

    private static byte[] Bytes(JsonElement obj, string name, string path) =>
        obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String && v.TryGetBytesFromBase64(out byte[]? bytes)
            ? bytes
            : throw new BundleFormatException($"'{path}' is not base64");

    private static BundleFormatException Missing(string path) => new($"the bundle has no '{path}'");

    private static string Quote(string value) => value.Length > 80 ? $"'{value[..80]}…'" : $"'{value}'";

    private sealed class BundleFormatException(string message) : Exception(message);
}

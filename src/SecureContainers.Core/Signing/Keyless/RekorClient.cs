using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Bundles;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>
/// Rekor's v1 API (<c>POST /api/v1/log/entries</c>): records a proposed entry (<see cref="RekorEntries"/>) and turns the
/// answer – <c>{"&lt;uuid&gt;": {body, integratedTime, logID, logIndex, verification}}</c> – into the bundle's
/// <see cref="TransparencyLogEntry"/>: the signed entry timestamp as the inclusion promise, the inclusion proof with its
/// checkpoint, and the body Rekor logged as the canonicalized body (as sigstore-js's <c>toTransparencyLogEntry</c>).
/// </summary>
public sealed class RekorClient(HttpClient http, KeylessOptions options)
{
    public const string EntriesPath = "/api/v1/log/entries";

    public async Task<TransparencyLogEntry> CreateEntryAsync(byte[] proposedEntry, CancellationToken ct)
    {
        Uri url = SigstoreUrl.Combine(options.RekorUrl, EntriesPath);
        string host = url.Authority;
        using HttpRequestMessage request = new(HttpMethod.Post, url) { Content = SigstoreHttp.Json(proposedEntry) };
        request.Headers.Accept.ParseAdd("application/json");
        SigstoreAnswer answer = await SigstoreHttp.SendAsync(http, request, "Rekor", options.Timeout, options.MaxResponseBytes, ct).ConfigureAwait(false);
        if (answer.TooLarge)
        {
            throw Malformed(host, $"the answer is larger than {options.MaxResponseBytes} bytes");
        }

        if (!answer.IsSuccess)
        {
            using JsonDocument? error = SigningJson.TryParse(answer.Body, out _);
            string message = error is not null && SigningJson.String(error.RootElement, "message") is string m ? SecretRedaction.Quote(m, null) : answer.Quote(null);
            throw new SecureContainerException(KeylessDiagnostics.RekorRefused.Create(host, answer.Status, message));
        }

        return ParseAnswer(answer.Body, host);
    }

    internal static TransparencyLogEntry ParseAnswer(ReadOnlyMemory<byte> json, string host)
    {
        using JsonDocument? doc = SigningJson.TryParse(json, out string problem);
        if (doc is null)
        {
            throw Malformed(host, problem);
        }

        JsonProperty[] entries = doc.RootElement.EnumerateObject().ToArray();
        if (entries.Length != 1)
        {
            throw Malformed(host, $"it holds {entries.Length} entries, not one");
        }

        if (entries[0].Value.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(host, "its entry is not a JSON object");
        }

        JsonElement e = entries[0].Value;
        byte[] body = FulcioClient.Base64(SigningJson.String(e, "body") ?? "") is { Length: > 0 } b ? b : throw Malformed(host, "'body' is not base64");
        (string kind, string version) = KindOf(body, host);
        byte[] logId = Hex(SigningJson.String(e, "logID"), host, "logID");
        long logIndex = Number(e, "logIndex", host);
        long integratedTime = Number(e, "integratedTime", host);

        JsonElement? verification = SigningJson.Object(e, "verification");
        byte[]? set = null;
        InclusionProof? proof = null;
        if (verification is JsonElement v)
        {
            if (SigningJson.String(v, "signedEntryTimestamp") is string setText)
            {
                set = FulcioClient.Base64(setText) ?? throw Malformed(host, "'verification.signedEntryTimestamp' is not base64");
            }

            if (SigningJson.Object(v, "inclusionProof") is JsonElement p)
            {
                proof = Proof(p, host);
            }
        }

        if (set is null && proof is null)
        {
            // Without a promise or a proof, no verifier can tell the entry is in the log.
            throw Malformed(host, "the entry has neither a signed entry timestamp nor an inclusion proof");
        }

        return new TransparencyLogEntry(logIndex, logId, kind, version, integratedTime, set, proof, body);
    }

    private static InclusionProof Proof(JsonElement p, string host)
    {
        if (!p.TryGetProperty("hashes", out JsonElement hashes) || hashes.ValueKind != JsonValueKind.Array || hashes.GetArrayLength() > SigstoreBundleReader.MaxProofHashes)
        {
            throw Malformed(host, $"'inclusionProof.hashes' is not a list of at most {SigstoreBundleReader.MaxProofHashes}");
        }

        return new InclusionProof(
            Number(p, "logIndex", host),
            Hex(SigningJson.String(p, "rootHash"), host, "inclusionProof.rootHash"),
            Number(p, "treeSize", host),
            hashes.EnumerateArray().Select(h => Hex(h.ValueKind == JsonValueKind.String ? h.GetString() : null, host, "inclusionProof.hashes[]")).ToArray(),
            SigningJson.String(p, "checkpoint") is { Length: > 0 } checkpoint ? checkpoint : throw Malformed(host, "'inclusionProof.checkpoint' is missing"));
    }

    // The bundle's kindVersion comes from the body Rekor logged, not from what we proposed.
    private static (string Kind, string Version) KindOf(byte[] body, string host)
    {
        using JsonDocument? doc = SigningJson.TryParse(body, out string problem);
        if (doc is null || SigningJson.String(doc.RootElement, "kind") is not { Length: > 0 } kind || SigningJson.String(doc.RootElement, "apiVersion") is not { Length: > 0 } version)
        {
            throw Malformed(host, doc is null ? $"'body' is not JSON ({problem})" : "'body' has no 'kind' and 'apiVersion'");
        }

        return (kind, version);
    }

    private static long Number(JsonElement obj, string name, string host) =>
        obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) && n >= 0
            ? n
            : throw Malformed(host, $"'{name}' is not a non-negative integer");

    private static byte[] Hex(string? text, string host, string name)
    {
        if (text is { Length: > 0 } && text.Length % 2 == 0 && text.Length <= 128 && text.All(Uri.IsHexDigit))
        {
            return Convert.FromHexString(text);
        }

        throw Malformed(host, $"'{name}' is not a hex digest");
    }

    private static SecureContainerException Malformed(string host, string detail) =>
        new(KeylessDiagnostics.RekorAnswerMalformed.Create(host, detail));
}

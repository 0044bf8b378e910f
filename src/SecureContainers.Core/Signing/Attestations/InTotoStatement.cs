using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Signing.Attestations;

/// <summary>
/// in-toto Statement v1 about one image: <c>{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"registry/repo",
/// "digest":{"sha256":"&lt;hex&gt;"}}],"predicateType":…,"predicate":{…}}</c>. The subject name is the repository name as
/// cosign writes it; the digest is what binds the statement to the image.
/// </summary>
public static class InTotoStatement
{
    public const string StatementTypeV1 = "https://in-toto.io/Statement/v1";

    /// <summary>What cosign's <c>attest</c> still writes; accepted when verifying.</summary>
    public const string StatementTypeV01 = "https://in-toto.io/Statement/v0.1";

    public const string CycloneDxPredicateType = "https://cyclonedx.org/bom";
    public const string SlsaProvenanceV1PredicateType = "https://slsa.dev/provenance/v1";

    /// <param name="predicate">A JSON object, written as given (same bytes in, same bytes out).</param>
    public static byte[] Create(string subjectName, Digest subjectDigest, string predicateType, JsonElement predicate)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectName);
        ArgumentException.ThrowIfNullOrEmpty(predicateType);
        if (predicate.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The predicate must be a JSON object.", nameof(predicate));
        }

        return SigningJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("_type", StatementTypeV1);
            w.WriteStartArray("subject");
            w.WriteStartObject();
            w.WriteString("name", subjectName);
            w.WriteStartObject("digest");
            w.WriteString(subjectDigest.Algorithm, subjectDigest.Hex);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("predicateType", predicateType);
            w.WritePropertyName("predicate");
            predicate.WriteTo(w);
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// The statement <c>cosign attest</c> makes about an image pushed to <paramref name="registry"/>/<paramref name="repository"/>
    /// (the subject named after the repository), in both formats: the legacy <c>.att</c> layer and the bundle.
    /// SC6011 when <paramref name="predicateJson"/> is not a JSON object.
    /// </summary>
    public static byte[] ForImage(string registry, string repository, Digest digest, string predicateType, ReadOnlyMemory<byte> predicateJson)
    {
        using JsonDocument? predicate = SigningJson.TryParse(predicateJson, out string problem);
        if (predicate is null)
        {
            throw new SecureContainerException(SigningDiagnostics.PredicateMalformed.Create(predicateType, problem));
        }

        return Create(Cosign.CosignNames.RepositoryName(registry, repository), digest, predicateType, predicate.RootElement);
    }

    /// <summary>
    /// Reads the parts verification needs: the predicate type, and whether a subject carries <paramref name="digest"/>.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> statement, Digest digest, out string predicateType, out bool subjectMatches, out string problem)
    {
        predicateType = "";
        subjectMatches = false;
        using JsonDocument? doc = SigningJson.TryParse(statement, out problem);
        if (doc is null)
        {
            return false;
        }

        JsonElement root = doc.RootElement;
        string? type = SigningJson.String(root, "_type");
        if (type is not (StatementTypeV1 or StatementTypeV01))
        {
            problem = "'_type' is not an in-toto Statement (v1 or v0.1)";
            return false;
        }

        predicateType = SigningJson.String(root, "predicateType") ?? "";
        if (predicateType.Length == 0)
        {
            problem = "the statement has no 'predicateType'";
            return false;
        }

        if (!root.TryGetProperty("subject", out JsonElement subjects) || subjects.ValueKind != JsonValueKind.Array)
        {
            problem = "the statement has no 'subject' list";
            return false;
        }

        foreach (JsonElement subject in subjects.EnumerateArray())
        {
            if (SigningJson.Object(subject, "digest") is JsonElement d
                && SigningJson.String(d, digest.Algorithm) is string hex
                && string.Equals(hex, digest.Hex, StringComparison.OrdinalIgnoreCase))
            {
                subjectMatches = true;
            }
        }

        return true;
    }
}

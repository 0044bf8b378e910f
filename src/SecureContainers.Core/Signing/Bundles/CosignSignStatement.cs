using SecureContainers.Core.Oci;
using SecureContainers.Core.Signing.Attestations;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>
/// The in-toto statement a bundle-format <c>cosign sign</c> (v3, <c>signDigestBundle</c>) signs in place of the legacy
/// simple-signing payload: subject = the manifest digest, predicate type <see cref="PredicateType"/>, empty predicate.
/// </summary>
/// <remarks>
/// Written as cosign's <c>protojson.Marshal(intotov1.Statement)</c> writes it: fields in proto declaration order, the
/// subject without a name, and an <c>annotations</c> object that is empty but present (cosign always sets it from
/// <c>structpb.NewStruct</c>, and protojson writes a set message even when it is empty). protojson's whitespace is
/// deliberately unstable, so only the compact form is reproduced; verifiers compare the parsed statement.
/// </remarks>
public static class CosignSignStatement
{
    public const string PredicateType = "https://sigstore.dev/cosign/sign/v1";

    public static byte[] Create(Digest manifestDigest) => SigningJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("_type", InTotoStatement.StatementTypeV1);
        w.WriteStartArray("subject");
        w.WriteStartObject();
        w.WriteStartObject("digest");
        w.WriteString(manifestDigest.Algorithm, manifestDigest.Hex);
        w.WriteEndObject();
        w.WriteStartObject("annotations");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("predicateType", PredicateType);
        w.WriteStartObject("predicate");
        w.WriteEndObject();
        w.WriteEndObject();
    });
}

using SecureContainers.Core.Signing.Dsse;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>A signature over a message digest (the bundle's <c>messageSignature</c>): what <c>cosign sign-blob</c> writes.</summary>
/// <param name="DigestAlgorithm">The protobuf enum name, <c>SHA2_256</c>.</param>
public sealed record MessageSignature(string DigestAlgorithm, byte[] Digest, byte[] Signature);

/// <summary>
/// How the signer is identified (the bundle's <c>verificationMaterial</c> content): exactly one of a public-key hint
/// (key-based; the verifier brings the key) or the signing certificate (keyless; DER, the leaf only, as bundles v0.3 hold it).
/// </summary>
public sealed record VerificationMaterial(string? PublicKeyHint, byte[]? Certificate, IReadOnlyList<TransparencyLogEntry> TlogEntries, IReadOnlyList<byte[]> Rfc3161Timestamps)
{
    public static VerificationMaterial ForKey(string hint, IReadOnlyList<TransparencyLogEntry>? tlog = null) => new(hint, null, tlog ?? [], []);

    public static VerificationMaterial ForCertificate(byte[] certificate, IReadOnlyList<TransparencyLogEntry> tlog) => new(null, certificate, tlog, []);
}

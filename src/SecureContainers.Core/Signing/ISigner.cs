using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Signing;

/// <summary>
/// Produces signatures the way cosign's key-based signing does: ASN.1 DER ECDSA over the SHA-256 of the data. A small
/// seam so keyless (Fulcio) or KMS signers can slot in later without touching the cosign and DSSE code.
/// </summary>
public interface ISigner
{
    /// <summary>
    /// The DSSE <c>keyid</c> hint. Empty for file keys, as cosign writes it; a KMS signer would put its key URI here.
    /// It is not authenticated and verification never relies on it.
    /// </summary>
    string KeyId { get; }

    /// <summary>What the signature is, e.g. <c>ecdsa-p256-sha256</c>.</summary>
    string Algorithm { get; }

    /// <summary>The public half, used to recognise signatures this signer already made (so re-signing appends nothing).</summary>
    VerificationKey PublicKey { get; }

    /// <summary>Signs <paramref name="data"/> (hashing it first) and returns the DER-encoded signature.</summary>
    byte[] Sign(ReadOnlySpan<byte> data);
}

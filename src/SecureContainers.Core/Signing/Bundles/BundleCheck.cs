using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>Why a Sigstore bundle was not accepted.</summary>
public enum BundleFailure
{
    /// <summary>Over the size cap, missing, or not a Sigstore bundle.</summary>
    Unreadable,

    /// <summary>Content or material the verifier does not accept (not in-toto, several signatures, no certificate for keyless, …).</summary>
    Unsupported,

    /// <summary>The signature does not verify with the key or the certificate's key.</summary>
    BadSignature,

    /// <summary>The (authentic) payload is not an in-toto statement.</summary>
    StatementMalformed,

    /// <summary>The statement's subject or the message digest is another digest.</summary>
    SubjectMismatch,

    /// <summary>The certificate does not chain to the trusted root at signing time, or may not sign code.</summary>
    CertificateUntrusted,

    /// <summary>The certificate names another identity.</summary>
    IdentityMismatch,

    /// <summary>The certificate names another OIDC issuer.</summary>
    IssuerMismatch,

    /// <summary>No transparency-log entry proves when the keyless signature was made.</summary>
    TlogMissing,

    /// <summary>A log entry does not verify (SET, inclusion proof, checkpoint) or records something else.</summary>
    TlogInvalid,
}

/// <summary>The verdict on one bundle.</summary>
/// <param name="Content"><c>dsse-envelope</c> or <c>message-signature</c> (empty when unreadable).</param>
/// <param name="PredicateType">The signed statement's predicate type when it could be read, else null.</param>
/// <param name="Signer">Who signed, when the signature verified: the key fingerprint, or the certificate identity and issuer.</param>
/// <param name="SignedAt">The log's signed integration time, when a log entry proved it.</param>
public sealed record BundleCheck(bool Valid, BundleFailure? Failure, string Reason, string Content, string? PredicateType, string? Signer, DateTimeOffset? SignedAt)
{
    /// <summary>The bundle's artifact manifest in the registry, when it was read from one.</summary>
    public Digest? Artifact { get; init; }

    /// <summary>True for cosign's image signature: the sign/v1 predicate, or a message signature over the image digest.</summary>
    public bool IsSignature => Content == "message-signature" || PredicateType == BundleVerifier.CosignSignPredicateType;

    public static BundleCheck Fail(BundleFailure failure, string reason, string content = "", string? predicateType = null) =>
        new(false, failure, reason, content, predicateType, null, null);
}

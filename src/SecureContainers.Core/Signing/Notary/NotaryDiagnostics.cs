using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>
/// Notary Project signature verification (SC4120–SC4139). A failure the trust policy only logs is raised as a warning
/// with the same code; one it enforces is an error.
/// </summary>
public static class NotaryDiagnostics
{
    public static readonly DiagnosticDescriptor EnvelopeTooLarge = new("SC4120", DiagnosticSeverity.Error,
        "The Notary signature envelope is {0} bytes, more than the {1} bytes read. A real envelope (a certificate chain, a timestamp, a small payload) is a few tens of kilobytes; this one was not read. Remove the oversized signature from the image's referrers.");

    public static readonly DiagnosticDescriptor EnvelopeMediaTypeUnsupported = new("SC4121", DiagnosticSeverity.Error,
        "The Notary signature envelope has media type '{0}', which the Notary Project does not define (application/cose or application/jose+json). The signature could not be checked; re-sign with notation.");

    public static readonly DiagnosticDescriptor EnvelopeMalformed = new("SC4122", DiagnosticSeverity.Error,
        "The Notary signature envelope is not a valid COSE_Sign1 signature as the Notary Project specifies it: {0}. It cannot prove anything about the image; remove it or re-sign the image.");

    public static readonly DiagnosticDescriptor AlgorithmNotAllowed = new("SC4123", DiagnosticSeverity.Error,
        "The Notary signature uses algorithm {0} with a {1} signing key, which the Notary Project does not allow (PS256/PS384/PS512 for RSA 2048/3072/4096, ES256/ES384/ES512 for P-256/P-384/P-521; the alg header must match the key). Re-sign with a supported key.");

    public static readonly DiagnosticDescriptor CriticalHeaderUnknown = new("SC4124", DiagnosticSeverity.Error,
        "The Notary signature marks header '{0}' critical, and it is not one this verifier understands (io.cncf.notary.signingScheme, io.cncf.notary.expiry, io.cncf.notary.authenticSigningTime). A verifier must refuse what it cannot process; re-sign with a supported signer.");

    public static readonly DiagnosticDescriptor HeaderInvalid = new("SC4125", DiagnosticSeverity.Error,
        "The Notary signature's protected header {0}: {1}. The Notary Project COSE profile requires it; re-sign the image with a conforming signer (notation).");

    public static readonly DiagnosticDescriptor SignatureInvalid = new("SC4126", DiagnosticSeverity.Error,
        "The Notary signature does not verify with the key of its signing certificate {0}: the signed headers or payload were altered after signing. Do not use this image; find where it was tampered with.");

    public static readonly DiagnosticDescriptor PayloadMismatch = new("SC4127", DiagnosticSeverity.Error,
        "The Notary signature is for {0}, not for {1}: {2}. A signature of another artifact proves nothing about this one; check that the referrer belongs to the manifest being verified.");

    public static readonly DiagnosticDescriptor CertificateChainInvalid = new("SC4128", DiagnosticSeverity.Error,
        "The Notary signature's certificate chain (x5chain) {0}. The signer cannot be identified; re-sign with the full chain (leaf first).");

    public static readonly DiagnosticDescriptor ChainNotTrusted = new("SC4129", DiagnosticSeverity.Error,
        "The signing certificate {0} does not chain to a root in trust policy '{1}' ({2}). Either the image was signed by someone else, or the trust store lacks the signer's root: add the root certificate to the trust store only if you trust that publisher.");

    public static readonly DiagnosticDescriptor NotCodeSigning = new("SC4130", DiagnosticSeverity.Error,
        "The signing certificate {0} {1}. The Notary Project requires a code-signing leaf (extended key usage 1.3.6.1.5.5.7.3.3, digitalSignature key usage, not a CA); the signature cannot be accepted.");

    public static readonly DiagnosticDescriptor IdentityNotTrusted = new("SC4131", DiagnosticSeverity.Error,
        "The signer {0} is not among the trusted identities of trust policy '{1}' ({2}). The chain is trusted, but not this subject; add 'x509.subject: ...' for it to the policy if you trust it.");

    public static readonly DiagnosticDescriptor CertificateNotValidAtSigningTime = new("SC4132", DiagnosticSeverity.Error,
        "Certificate {0} is valid from {1:u} to {2:u}, which does not include {3} {4:u}. Without a trusted timestamp inside the certificate's validity, the signature cannot be shown to predate its expiry; ask the publisher to re-sign (with a timestamp).");

    public static readonly DiagnosticDescriptor TimestampInvalid = new("SC4133", DiagnosticSeverity.Error,
        "The Notary signature's RFC 3161 timestamp countersignature could not be verified: {0}. Its time cannot be trusted; add the TSA's root to the policy's timestamping trust store if it is genuine, or re-sign.");

    public static readonly DiagnosticDescriptor SignatureExpired = new("SC4134", DiagnosticSeverity.Error,
        "The Notary signature expired at {0:u} (io.cncf.notary.expiry), before {1:u}. The publisher no longer vouches for this artifact; use a newer, re-signed image.");

    public static readonly DiagnosticDescriptor RevocationNotChecked = new("SC4135", DiagnosticSeverity.Message,
        "Revocation of the Notary signing and timestamping certificates was not checked: verification is offline (no OCSP or CRL fetch). A certificate revoked after signing would still verify; rotate the trust store when a publisher announces a revocation.");

    public static readonly DiagnosticDescriptor ChainTooLong = new("SC4136", DiagnosticSeverity.Error,
        "The Notary signature carries {0} certificates in x5chain, more than the {1} read. Real chains have three or four; the signature was not checked further.");

    public static readonly DiagnosticDescriptor TooManySignatures = new("SC4137", DiagnosticSeverity.Error,
        "{0} has {1} Notary signature referrers, more than the {2} read. A publisher attaches one or a few; a flood of signatures is an attack on the verifier, so none was trusted. Remove the extra referrers or use a clean copy of the image.");

    public static readonly DiagnosticDescriptor BaseNotVerified = new("SC4138", DiagnosticSeverity.Error,
        "The base image {0} ({1} {2}) has no Notary signature that satisfies trust policy '{3}': {4}. {5} " +
        "Fix: use a base its publisher signed, or, if you trust the signer, add its root and identity to the files SecureContainerNotaryTrustPolicy and SecureContainerNotaryTrustStore name.")
    {
        CliMessageFormat = "The base image {0} ({1} {2}) has no Notary signature that satisfies trust policy '{3}': {4}. {5} " +
            "Fix: rebuild the image on a base its publisher signed, or, if you trust the signer, add its root and identity to the trust policy and store given with --notary-trust-policy and --notary-trust-store.",
    };

    public static readonly DiagnosticDescriptor BaseVerified = new("SC4139", DiagnosticSeverity.Message,
        "The base image {0} ({1} {2}) has a valid Notary signature under trust policy '{3}' ({4}): signed by {5}, {6}.");

    public static readonly DiagnosticDescriptor TrustPolicyInvalid = new("SC4140", DiagnosticSeverity.Error,
        "The Notary trust policy {0} cannot be used: {1}. Nothing was verified or pushed; fix the file that {2} names (notation's trustpolicy.json format, version 1.0).");

    public static readonly DiagnosticDescriptor TrustStoreInvalid = new("SC4141", DiagnosticSeverity.Error,
        "The Notary trust store {0} cannot be used: {1}. Nothing was verified or pushed; {2} must name notation's trust store directory (the one holding x509/ca/<name>/, x509/tsa/<name>/ with root certificates).");

    public static readonly DiagnosticDescriptor VerificationSkipped = new("SC4142", DiagnosticSeverity.Warning,
        "The base image {0} is in the scope of trust policy '{1}', whose level is skip, so its Notary signatures were not read and nothing proves who published it. {2} " +
        "Fix: give the scope a strict policy in the file SecureContainerNotaryTrustPolicy names when its publisher signs, or remove the scope if the base is not meant to be signed.")
    {
        CliMessageFormat = "The base image {0} is in the scope of trust policy '{1}', whose level is skip, so its Notary signatures were not read and nothing proves who published it. {2} " +
            "Fix: give the scope a strict policy in the file --notary-trust-policy names when its publisher signs, or remove the scope if the base is not meant to be signed.",
    };

    public static readonly DiagnosticDescriptor ImageNotVerified = new("SC4143", DiagnosticSeverity.Error,
        "{0} ({1}) has no Notary signature that satisfies trust policy '{2}': {3}. Do not deploy it: it is not signed by a trusted identity, or the signature is broken (each reason's code says which).");

    public static readonly DiagnosticDescriptor NoPolicyCoversImage = new("SC4144", DiagnosticSeverity.Error,
        "No Notary trust policy covers {0}, so nothing says whose signature it needs; the Notary Project treats that as not verified. Add a policy whose registryScopes lists '{0}' (or a global \"*\" policy) to the file {1} names.");
}

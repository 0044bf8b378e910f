using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>Verifying Sigstore bundles, key-based and keyless, and the trusted root (SC6070–SC6089).</summary>
public static class BundleVerificationDiagnostics
{
    public static readonly DiagnosticDescriptor TrustedRootUnusable = new("SC6070", DiagnosticSeverity.Error,
        "The trusted root {0} cannot be used: {1}. Keyless signatures are only as trustworthy as the certificate authorities and logs they are checked against, so nothing was verified. " +
        "Point SecureContainerVerifyBaseImageTrustedRoot at a sigstore trusted_root.json (media type application/vnd.dev.sigstore.trustedroot+json;version=0.1), for example the one `cosign trusted-root create` writes or sigstore's TUF repository publishes.")
    {
        CliMessageFormat = "The trusted root {0} cannot be used: {1}. Nothing was verified. Pass --trusted-root with a sigstore trusted_root.json (media type application/vnd.dev.sigstore.trustedroot+json;version=0.1), for example the one `cosign trusted-root create` writes or sigstore's TUF repository publishes.",
    };

    public static readonly DiagnosticDescriptor NoValidBundle = new("SC6071", DiagnosticSeverity.Error,
        "None of the {1} Sigstore bundle(s) of image {0} is a valid signature by {2}: {3}. When an image has bundles, they alone are verified (cosign's rule; legacy .sig signatures are ignored), so the image is not verified; do not deploy it.");

    public static readonly DiagnosticDescriptor BundleRejected = new("SC6072", DiagnosticSeverity.Warning,
        "Sigstore bundle {1} of image {0} was not accepted: {2}. It was ignored; if it should verify, check that it was signed by {3} for this image digest.");

    public static readonly DiagnosticDescriptor TooManyBundles = new("SC6073", DiagnosticSeverity.Warning,
        "Image {0} has more than {1} Sigstore bundles as referrers; only the first {1} were read. Bundles pile up when one digest is signed over and over; delete stale referrers.");

    public static readonly DiagnosticDescriptor LegacySignaturesIgnored = new("SC6074", DiagnosticSeverity.Message,
        "Image {0} has Sigstore bundles, so legacy cosign signatures and attestations (tags {1}), if any, were not read: as with `cosign verify` since v3, bundles win. Nothing to fix; sign in the bundle format only to stop writing both.");

    public static readonly DiagnosticDescriptor IdentityPatternInvalid = new("SC6076", DiagnosticSeverity.Error,
        "The certificate identity pattern '{0}' is not a valid .NET regular expression: {1}. Fix the pattern given to SecureContainerVerifyBaseImageIdentityRegexp (or --certificate-identity-regexp); it must match the whole identity, for example ^https://github\\.com/my-org/my-repo/\\.github/workflows/release\\.yml@refs/tags/.*$.")
    {
        CliMessageFormat = "The certificate identity pattern '{0}' given to --certificate-identity-regexp is not a valid .NET regular expression: {1}. Nothing was verified. The pattern must match the whole identity, for example ^https://github\\.com/my-org/my-repo/\\.github/workflows/release\\.yml@refs/tags/.*$.",
    };

    public static readonly DiagnosticDescriptor KeylessSettingsIncomplete = new("SC6077", DiagnosticSeverity.Error,
        "Keyless verification of the base image is half configured: {0}. Set SecureContainerVerifyBaseImageIdentity (or ...IdentityRegexp, not both), SecureContainerVerifyBaseImageOidcIssuer and SecureContainerVerifyBaseImageTrustedRoot together, or use SecureContainerVerifyBaseImageKey for a key-signed base image (not both).");

    public static readonly DiagnosticDescriptor KeylessLegacyOnly = new("SC6078", DiagnosticSeverity.Error,
        "Image {0} has no Sigstore bundle as a referrer{1}, so there is nothing to verify keyless: a certificate identity is checked in bundles only. Sign it keyless in the bundle format (cosign v3 `cosign sign`, or SecureContainerSigningMode keyless), or verify a key-signed image with its public key.")
    {
        CliMessageFormat = "Image {0} has no Sigstore bundle as a referrer{1}, so there is nothing to verify keyless: a certificate identity is checked in bundles only. Sign it keyless in the bundle format (cosign v3 `cosign sign`), or verify a key-signed image with --key.",
    };

    public static readonly DiagnosticDescriptor BaseImageNotSignedKeyless = new("SC6079", DiagnosticSeverity.Error,
        "The base image {0}@{1} has no valid Sigstore bundle signed by {2} ({3}); nothing was built. Building on content whose origin is not proven defeats the signatures on your own image. " +
        "Fix: use a base image signed by that identity, or correct SecureContainerVerifyBaseImageIdentity, ...IdentityRegexp, ...OidcIssuer or ...TrustedRoot.");
}

using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>
/// SC605x–SC606x: keyless signing (OIDC identity token, Fulcio certificate, Rekor entry) and its settings. No message
/// takes a token as an argument: token endpoints are named by host only, and answers from Fulcio or Rekor are quoted
/// only after <see cref="SecretRedaction"/> removed the token from them.
/// </summary>
public static class KeylessDiagnostics
{
    public static readonly DiagnosticDescriptor NoTokenSource = new("SC6050", DiagnosticSeverity.Error,
        "Keyless signing needs an OIDC identity token, and none of the places it comes from is set: {0}. Without one Fulcio cannot bind a certificate to this build's identity; nothing was pushed. " +
        "Fix: in GitHub Actions give the job `permissions: id-token: write` (this sets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN); in GitLab CI declare `id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore`; elsewhere (Azure Pipelines, a workstation) put a token with audience 'sigstore' in SIGSTORE_ID_TOKEN. Or sign with a key: <SecureContainerSigningMode>key</SecureContainerSigningMode>.");

    public static readonly DiagnosticDescriptor TokenRequestFailed = new("SC6051", DiagnosticSeverity.Error,
        "The CI's OIDC token endpoint at {0} did not give an identity token: {1}. Keyless signing cannot start without it. " +
        "Fix: in GitHub Actions check that the job has `permissions: id-token: write` and that ACTIONS_ID_TOKEN_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_TOKEN are the runner's own values; a token request outside a running job fails.");

    public static readonly DiagnosticDescriptor TokenMalformed = new("SC6052", DiagnosticSeverity.Error,
        "The identity token from {0} is not usable for keyless signing: {1}. Fulcio needs a JWT whose payload names the signer ('sub', or a verified 'email'). " +
        "Fix: pass the raw identity token (three base64url parts separated by '.') issued for the audience 'sigstore', not an access token or a file path.");

    public static readonly DiagnosticDescriptor FulcioRefused = new("SC6053", DiagnosticSeverity.Error,
        "Fulcio at {0} did not issue a signing certificate: HTTP {1}: {2}. Without a certificate the signature cannot be tied to this build's identity; nothing was signed. " +
        "Fix: 401/403 mean the token was rejected (expired, wrong audience – it must be 'sigstore' – or an issuer this Fulcio does not trust); check SecureContainerFulcioUrl points at the Fulcio that trusts your CI's issuer.");

    public static readonly DiagnosticDescriptor FulcioAnswerMalformed = new("SC6054", DiagnosticSeverity.Error,
        "Fulcio at {0} answered with something that is not a usable signing certificate: {1}. Signing with it would produce a signature no verifier accepts; nothing was signed. " +
        "Fix: check that SecureContainerFulcioUrl is the base URL of a Fulcio v2 API (for example https://fulcio.sigstore.dev), not a proxy or a web page.");

    public static readonly DiagnosticDescriptor RekorRefused = new("SC6055", DiagnosticSeverity.Error,
        "Rekor at {0} did not record the signature: HTTP {1}: {2}. Keyless signatures need a transparency-log entry to verify after the short-lived certificate expires; nothing was attached to the image. " +
        "Fix: check SecureContainerRekorUrl (the base URL of a Rekor v1 API, for example https://rekor.sigstore.dev) and retry; 413 means the signed content is larger than this Rekor accepts.");

    public static readonly DiagnosticDescriptor RekorAnswerMalformed = new("SC6056", DiagnosticSeverity.Error,
        "Rekor at {0} answered with something that is not a log entry: {1}. A bundle holding it would not verify; nothing was attached to the image. " +
        "Fix: check that SecureContainerRekorUrl is the base URL of a Rekor v1 API (for example https://rekor.sigstore.dev), not a proxy or a web page.");

    public static readonly DiagnosticDescriptor ServiceUnreachable = new("SC6057", DiagnosticSeverity.Error,
        "{0} at {1} could not be reached: {2}. Keyless signing needs it to finish; nothing was signed. " +
        "Fix: check the URL (SecureContainerFulcioUrl, SecureContainerRekorUrl) and that the build machine can reach it; retry a timeout.");

    public static readonly DiagnosticDescriptor InvalidSigningMode = new("SC6058", DiagnosticSeverity.Error,
        "SecureContainerSigningMode is '{0}', which is not a signing mode, so it is unknown how to sign. " +
        "Fix: set <SecureContainerSigningMode>key</SecureContainerSigningMode> (sign with SecureContainerSigningKey) or <SecureContainerSigningMode>keyless</SecureContainerSigningMode> (OIDC identity, Fulcio certificate, Rekor entry), or remove it for key.");

    public static readonly DiagnosticDescriptor InvalidServiceUrl = new("SC6059", DiagnosticSeverity.Error,
        "The property {0} has the value '{1}', which is not an absolute https URL, so signatures would be sent to an unknown or unprotected place. " +
        "Fix: set <{0}> to the service's base URL such as {2}; plain http is accepted only for a loopback address (a local test server), or remove it for the public-good instance.");

    public static readonly DiagnosticDescriptor KeylessWithKey = new("SC6060", DiagnosticSeverity.Error,
        "SecureContainerSigningMode is keyless, and SecureContainerSigningKey is set to {0}: the image would be signed with one of them and the other silently ignored; nothing was pushed. " +
        "Fix: remove SecureContainerSigningKey to sign keyless, or set <SecureContainerSigningMode>key</SecureContainerSigningMode> to sign with the key.");

    public static readonly DiagnosticDescriptor CertificateKeyMismatch = new("SC6061", DiagnosticSeverity.Error,
        "Fulcio at {0} returned a certificate for another public key ({1}) than the one this build generated ({2}). Signatures made now would not verify against that certificate; nothing was signed. " +
        "Fix: check that SecureContainerFulcioUrl is a genuine Fulcio; retry.");

    public static readonly DiagnosticDescriptor KeylessNotForDestination = new("SC6062", DiagnosticSeverity.Warning,
        "SecureContainerSigningMode is keyless, but the image {0} goes to {1}, not a registry: signatures are stored next to the image in a registry, so nothing is signed and no identity token is requested. " +
        "Fix: publish to a registry with ContainerRegistry, or push the image with any tool and sign it there.");

    public static readonly DiagnosticDescriptor CertificateExpired = new("SC6063", DiagnosticSeverity.Error,
        "The keyless signing certificate for {0} expired at {1:u}, before this signature was recorded in Rekor: a signature logged after its certificate ended does not verify; nothing was attached to the image. " +
        "Fix: Fulcio certificates last about 10 minutes from the start of signing; rerun the publish (or `securecontainers sign`), and sign fewer images per run if signing itself takes that long.");
}

using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing;

/// <summary>SC603x: whether an image must be signed, and tag and base image rules that go with signing.</summary>
public static class SigningPolicyDiagnostics
{
    public static readonly DiagnosticDescriptor SigningRequired = new(
        "SC6030",
        DiagnosticSeverity.Error,
        "The {0} profile requires images pushed to a registry to be signed, and no signing key is set; nothing was pushed. Unsigned images cannot be verified before deploy, so anyone able to push could replace them. " +
        "Fix: create a key with `securecontainers keygen`, keep the private key and its password in your CI secret store, and set <SecureContainerSigningKey>path/to/securecontainers.key</SecureContainerSigningKey> with the password in the SECURECONTAINERS_KEY_PASSWORD environment variable.");

    public static readonly DiagnosticDescriptor Unsigned = new(
        "SC6031",
        DiagnosticSeverity.Warning,
        "The image {0} will be pushed unsigned: no SecureContainerSigningKey is set. Release pipelines cannot verify where an unsigned image came from. " +
        "Fix: create a key with `securecontainers keygen` and set <SecureContainerSigningKey>path/to/securecontainers.key</SecureContainerSigningKey> (password in SECURECONTAINERS_KEY_PASSWORD); the Restricted profile makes this an error.");

    public static readonly DiagnosticDescriptor LatestOnly = new(
        "SC6032",
        DiagnosticSeverity.Error,
        "The image {0} would be published only as 'latest'. 'latest' moves with every push, so deployments cannot tell which build they run or roll back to a known one. " +
        "Fix: set <ContainerImageTags>$(Version)</ContainerImageTags> (or any version or commit tag, alongside latest if you want it), or set <SecureContainerForbidLatestTag>false</SecureContainerForbidLatestTag>.");

    public static readonly DiagnosticDescriptor BaseImageNotSigned = new(
        "SC6033",
        DiagnosticSeverity.Error,
        "The base image {0}@{1} has no valid signature for the key {2} ({3}); nothing was built. Building on content whose origin is not proven defeats the signatures on your own image. " +
        "Fix: use a base image signed with that key, or point SecureContainerVerifyBaseImageKey at the right public key.");

    public static readonly DiagnosticDescriptor KeyNotUsedForDestination = new(
        "SC6034",
        DiagnosticSeverity.Warning,
        "SecureContainerSigningKey is set, but the image {0} goes to {1}, not a registry: signatures and attestations are stored next to the image in a registry, so the key is not used for an archive destination and nothing is signed. " +
        "Fix: push the image with any tool, then sign it with `securecontainers sign IMAGE@DIGEST --key KEY` and attest it with `securecontainers attest IMAGE@DIGEST --key KEY --sbom FILE --provenance`; or publish to a registry with ContainerRegistry.");
}

using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing;

/// <summary>
/// Signing, attestation and verification (SC60xx). Messages name key files and environment variables, never a password
/// or key material.
/// </summary>
public static class SigningDiagnostics
{
    public static readonly DiagnosticDescriptor KeyFileNotFound = new("SC6001", DiagnosticSeverity.Error,
        "The signing key file {0} does not exist. Set SecureContainerSigningKey (or --key) to the path of a PEM private key; `securecontainers keygen` creates one.")
    {
        CliMessageFormat = "The key file {0} does not exist. Pass --key with the path of the PEM key (the private key to sign or attest, the public key to verify); `securecontainers keygen` creates a pair.",
    };

    public static readonly DiagnosticDescriptor KeyMalformed = new("SC6002", DiagnosticSeverity.Error,
        "The key file {0} cannot be read as a PEM key: {1}. Supported are PKCS#8 'PRIVATE KEY', encrypted PKCS#8 'ENCRYPTED PRIVATE KEY' and SEC1 'EC PRIVATE KEY' for signing, and 'PUBLIC KEY' for verification; check that the file is complete and is the key you meant.");

    public static readonly DiagnosticDescriptor KeyTypeUnsupported = new("SC6003", DiagnosticSeverity.Error,
        "The key in {0} is {1}, which is not supported. Signing and verification use ECDSA keys on P-256 or P-384 (what cosign uses by default); create one with `securecontainers keygen` or `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`.");

    public static readonly DiagnosticDescriptor KeyPasswordWrong = new("SC6004", DiagnosticSeverity.Error,
        "The encrypted key {0} could not be decrypted with the password from environment variable {1}: {2}. Set {1} to the key's password (for example from your CI secret store); the password itself is never logged.")
    {
        CliMessageFormat = "The encrypted key {0} could not be decrypted with the password given (environment variable {1}, or typed at the terminal prompt when {1} is unset): {2}. Give the key's password; the password itself is never logged.",
    };

    public static readonly DiagnosticDescriptor KeyPasswordMissing = new("SC6005", DiagnosticSeverity.Error,
        "The key {0} is encrypted, but environment variable {1} is not set or is empty. Set {1} to the key's password (from your CI secret store, never an MSBuild property), or set SecureContainerSigningKeyPasswordVariable to the name of the variable that holds it.")
    {
        CliMessageFormat = "The key {0} is encrypted, but environment variable {1} is not set or is empty, and no terminal is attached to ask for the password. Set {1} to the key's password (from your CI secret store; a password is never taken on the command line), or pass --key-password-variable with the name of the variable that holds it.",
    };

    public static readonly DiagnosticDescriptor KeyFormatUnsupported = new("SC6006", DiagnosticSeverity.Error,
        "The key file {0} holds a {1}, a format that is not supported. Supported are PKCS#8 'PRIVATE KEY', encrypted PKCS#8 'ENCRYPTED PRIVATE KEY' (PBES2) and SEC1 'EC PRIVATE KEY' PEM, with ECDSA P-256 or P-384. {2}");

    public static readonly DiagnosticDescriptor KeyFileExists = new("SC6007", DiagnosticSeverity.Error,
        "{0} already exists, so no key pair was written (an existing key is never overwritten). Choose another output folder with --output, or delete the old key pair first if you are sure it is no longer needed.");

    public static readonly DiagnosticDescriptor KeyGenerationPasswordMismatch = new("SC6012", DiagnosticSeverity.Error,
        "The two passwords typed for the new key differ, so no key was written (a typo would lock you out of the key). Run keygen again, or set the password in the environment variable.");

    public static readonly DiagnosticDescriptor KeyGenerationPasswordMissing = new("SC6008", DiagnosticSeverity.Error,
        "No password to encrypt the new private key: environment variable {0} is not set or is empty. Set {0} (or answer the prompt on a terminal); a private key is never written unencrypted.");

    public static readonly DiagnosticDescriptor KeyWriteFailed = new("SC6009", DiagnosticSeverity.Error,
        "Could not write the key file {0}: {1}. Check that the output folder exists and is writable.");

    public static readonly DiagnosticDescriptor PasswordVariableInvalid = new("SC6010", DiagnosticSeverity.Error,
        "'{0}' is not a valid environment variable name for the key password (letters, digits and '_', not starting with a digit). Fix SecureContainerSigningKeyPasswordVariable.")
    {
        CliMessageFormat = "'{0}' is not a valid environment variable name for the key password (letters, digits and '_', not starting with a digit). Fix the name given to --password-variable (keygen) or --key-password-variable (sign, attest).",
    };

    public static readonly DiagnosticDescriptor PredicateMalformed = new("SC6011", DiagnosticSeverity.Error,
        "The {0} predicate to attest is not a JSON object: {1}. Attestations carry a JSON document (for example the CycloneDX SBOM); check the file that was produced.")
    {
        CliMessageFormat = "The {0} predicate to attest is not a JSON object: {1}. Attestations carry a JSON document; check the file given to --sbom.",
    };

    public static readonly DiagnosticDescriptor NoSignatures = new("SC6020", DiagnosticSeverity.Error,
        "Image {0} has no cosign signatures (tag {1} does not exist), so it cannot be verified. Sign it (SecureContainerSigningKey, or `cosign sign --key`) before deploying, and check that you verify the repository it was pushed to.")
    {
        CliMessageFormat = "Image {0} has no cosign signatures (tag {1} does not exist), so it cannot be verified. Sign it with `securecontainers sign IMAGE --key KEY` (or `cosign sign --key`) before deploying, and check that you verify the repository it was pushed to.",
    };

    public static readonly DiagnosticDescriptor NoValidSignature = new("SC6021", DiagnosticSeverity.Error,
        "None of the {1} signatures of image {0} is valid for the given public key and this image: {2}. The image was not signed with the matching private key, or the signatures belong to another image or repository; do not deploy it.");

    public static readonly DiagnosticDescriptor TooManySignatures = new("SC6022", DiagnosticSeverity.Warning,
        "Image {0} has more than {1} signatures; only the first {1} were read. Old signatures pile up when one digest is signed over and over; remove stale layers from tag {2}.");

    public static readonly DiagnosticDescriptor SbomAttestationMissing = new("SC6023", DiagnosticSeverity.Error,
        "Image {0} has no valid SBOM attestation (predicate type https://cyclonedx.org/bom) signed with the given key, and one is required (--require-sbom; for a multi-platform image, on every platform manifest, since an SBOM describes one platform's contents). Publish with signing on so the SBOM is attested, or drop the requirement.")
    {
        CliMessageFormat = "Image {0} has no valid SBOM attestation (predicate type https://cyclonedx.org/bom) signed with the given key, and one is required (--require-sbom; for a multi-platform image, on every platform manifest, since an SBOM describes one platform's contents). Attest it with `securecontainers attest IMAGE@DIGEST --key KEY --sbom FILE`, or drop --require-sbom.",
    };

    public static readonly DiagnosticDescriptor ProvenanceAttestationMissing = new("SC6024", DiagnosticSeverity.Error,
        "Image {0} has no valid SLSA provenance attestation (predicate type https://slsa.dev/provenance/v1) signed with the given key, and one is required (--require-provenance; for a multi-platform image, on the index or on every platform manifest). Publish with signing on so provenance is attested, or drop the requirement.")
    {
        CliMessageFormat = "Image {0} has no valid SLSA provenance attestation (predicate type https://slsa.dev/provenance/v1) signed with the given key, and one is required (--require-provenance; for a multi-platform image, on the index or on every platform manifest). Attest it with `securecontainers attest IMAGE@DIGEST --key KEY --provenance`, or drop --require-provenance.",
    };

    public static readonly DiagnosticDescriptor AttestationInvalid = new("SC6025", DiagnosticSeverity.Warning,
        "Attestation layer {1} of image {0} was not accepted: {2}. It was ignored; if it should verify, check that it was signed with the matching key for this image digest.");

    public static readonly DiagnosticDescriptor TooManyAttestations = new("SC6026", DiagnosticSeverity.Warning,
        "Image {0} has more than {1} attestations; only the first {1} were read. Remove stale layers from tag {2}.");

    public static readonly DiagnosticDescriptor AttestationManifestsSkipped = new("SC6027", DiagnosticSeverity.Message,
        "Index {0} lists {1} attestation manifest(s) with platform unknown/unknown ({2}); they were not verified as platforms, since no runtime selects them to run. Nothing to fix: they hold another tool's build attestations (for example buildx), which this key does not cover.");

    public static readonly DiagnosticDescriptor TooManyPlatforms = new("SC6028", DiagnosticSeverity.Error,
        "Index {0} lists {1} platform manifests, more than the {2} one verification checks, so nothing was verified (the cap bounds the requests a hostile index can cause). Verify the platforms you deploy one at a time with --platform, or publish fewer platforms per image.");

    public static readonly DiagnosticDescriptor IndexEntryUnsupported = new("SC6029", DiagnosticSeverity.Error,
        "Index {0} lists {1} with media type {2}, which is not an image manifest, so verify cannot tell what a runtime would pull through it and the index is not verified. Publish a flat index of image manifests (as dotnet publish does), or verify the nested image by its own digest.");
}

using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Configuration;

/// <summary>
/// Command-line problems of the <c>securecontainers</c> tool (SC11xx), kept in the core with every other code so the
/// catalog and docs/diagnostics.md cover them. All are usage errors (exit code 2).
/// </summary>
public static class CommandLineDiagnostics
{
    public static readonly DiagnosticDescriptor InvalidCommandLine = new("SC1101", DiagnosticSeverity.Error,
        "{0} Run '{1} --help' for the arguments and options it takes.");

    public static readonly DiagnosticDescriptor InvalidPlatform = new("SC1102", DiagnosticSeverity.Error,
        "'{0}' is not a platform. Write os/architecture[/variant] as in OCI image indexes, for example --platform linux/amd64 or --platform linux/arm64/v8.");

    public static readonly DiagnosticDescriptor SbomFileNotCycloneDx = new("SC1103", DiagnosticSeverity.Error,
        "The file {0} given to --sbom is not a CycloneDX JSON SBOM: {1}. Nothing was written to the registry, because an attached or attested document that is not an SBOM misleads every scanner that reads it. " +
        "Pass the CycloneDX JSON file (bomFormat \"CycloneDX\") that SecureContainers.Build or another generator wrote for this image.");

    public static readonly DiagnosticDescriptor SbomFileUnreadable = new("SC1104", DiagnosticSeverity.Error,
        "The file {0} given to --sbom cannot be read ({1}). Nothing was written to the registry. Check the path and that the file is readable.");

    public static readonly DiagnosticDescriptor NothingToAttest = new("SC1105", DiagnosticSeverity.Error,
        "attest was given nothing to attest, so nothing was signed or written. Pass --sbom FILE to attest a CycloneDX SBOM, --provenance to attest SLSA provenance, or both.");

    public static readonly DiagnosticDescriptor InvalidProvenanceOption = new("SC1106", DiagnosticSeverity.Error,
        "{0} '{1}' cannot go into the provenance: {2}. Nothing was signed or written, because provenance that names the wrong source is worse than none. " +
        "Pass --source-repository as an https, ssh or git URL (credentials in it are dropped) and --source-commit as the full 40- or 64-character commit hash (`git rev-parse HEAD`).");

    public static readonly DiagnosticDescriptor ProvenanceOptionWithoutProvenance = new("SC1107", DiagnosticSeverity.Error,
        "{0} describes the provenance, but --provenance was not given, so it would be ignored. Add --provenance, or drop {0}.");

    public static readonly DiagnosticDescriptor InvalidNuGetSource = new("SC1108", DiagnosticSeverity.Error,
        "--nuget-source '{0}' cannot be used: {1}. Nothing was checked. Pass the service index of a NuGet v3 feed that publishes vulnerability data " +
        "(the default is nuget.org's https://api.nuget.org/v3/index.json), or --no-advisories alone to skip the advisory check.");

    public static readonly DiagnosticDescriptor SignerOptionsInvalid = new("SC1109", DiagnosticSeverity.Error,
        "{0} cannot tell who signs: {1}. Nothing was signed or written. Pass --key KEY.PEM to sign with a key (add --tlog-upload to record it in Rekor), " +
        "or --keyless in a CI job that provides an identity token (GitHub Actions with `id-token: write`, or SIGSTORE_ID_TOKEN), optionally with --fulcio-url and --rekor-url; " +
        "--fulcio-url and --rekor-url take an absolute https URL (http only to a loopback address).");

    public static readonly DiagnosticDescriptor VerifyTrustOptionsInvalid = new("SC1115", DiagnosticSeverity.Error,
        "verify cannot tell who must have signed: {0}. Nothing was verified. Pass either --key PUB.PEM for a key-signed image, or, for a keyless (Fulcio certificate) signature, " +
        "--certificate-identity (or --certificate-identity-regexp) with --certificate-oidc-issuer and --trusted-root TRUSTED_ROOT.JSON.");

    public static readonly DiagnosticDescriptor NotaryOptionsInvalid = new("SC1116", DiagnosticSeverity.Error,
        "verify --notary cannot be combined with {0}: Notary signatures are verified against a notation trust policy, not a cosign key or identity, and carry no attestations. Nothing was verified. Run verify --notary [--notary-trust-policy FILE --notary-trust-store DIR] on its own, and verify cosign signatures in a separate run.");

    public static readonly DiagnosticDescriptor ScanSbomUnusable = new("SC1117", DiagnosticSeverity.Error,
        "The SBOM file {0} given to {1} cannot be used: {2}. Nothing was compared or matched. " +
        "Pass the CycloneDX JSON file the build wrote (bin/<configuration>/securecontainers/*.cdx.json, or one saved with securecontainers sbom IMAGE -o FILE), or an image reference.");

    public static readonly DiagnosticDescriptor VulnerabilityDatabaseUnusable = new("SC1118", DiagnosticSeverity.Error,
        "--db {0} is not a vulnerability database that can be read ({1}). Nothing was matched. " +
        "Pass a folder of OSV JSON records or osv-scanner's offline layout (<folder>/<Ecosystem>/all.zip, from https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip).");
}


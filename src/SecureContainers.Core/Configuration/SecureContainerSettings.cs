using SecureContainers.Core.Layers;
using SecureContainers.Core.Policy;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Secrets;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Core.Configuration;

/// <summary>
/// Every SecureContainers setting, parsed and validated once (<see cref="SettingsReader.Read"/>). Front ends and target
/// conditions read these normalized values only, never the raw strings, so no spelling can switch a rule off.
/// </summary>
public sealed record SecureContainerSettings
{
    /// <summary><c>SecureContainerEnabled</c>; false skips every SecureContainers step.</summary>
    public bool Enabled { get; init; } = true;

    public PolicyOptions Policy { get; init; } = new();

    public LayerScanLimits LayerLimits { get; init; } = LayerScanLimits.Default;

    /// <summary><c>SecureContainerCacheDirectory</c>; null for <see cref="LayerScanCache.DefaultDirectory"/>.</summary>
    public string? CacheDirectory { get; init; }

    public SigningSettings Signing { get; init; } = new();

    public SbomSettings Sbom { get; init; } = new();

    public ContentSettings Content { get; init; } = new();

    /// <summary><c>SecureContainerGenerateSourceLabels</c>: add OCI source/revision labels the SDK does not.</summary>
    public bool GenerateSourceLabels { get; init; } = true;

    /// <summary><c>SecureContainerSourceDateEpoch</c> (from <c>SOURCE_DATE_EPOCH</c>): pins every timestamp we write.</summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>
    /// The malformed values <see cref="SettingsReader.Read"/> reported (to its sink, already). Kept here so that an
    /// operation given these settings cannot pass: <see cref="Operations.PrePushResult.Passed"/> is false when any exists,
    /// whichever sink the front end used.
    /// </summary>
    public IReadOnlyList<Diagnostics.Diagnostic> Errors { get; init; } = [];

    /// <summary>The time to stamp on evidence: <see cref="SourceDateEpoch"/> when set, else <paramref name="now"/> in whole seconds.</summary>
    public DateTimeOffset Timestamp(DateTimeOffset now) => SourceDateEpoch ?? DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
}

public sealed record SigningSettings
{
    /// <summary><c>SecureContainerSigningKey</c>: the private key file; null signs nothing.</summary>
    public string? KeyPath { get; init; }

    /// <summary><c>SecureContainerSigningKeyPasswordVariable</c>: the environment variable holding the key's password.</summary>
    public string PasswordVariable { get; init; } = Signing.Keys.KeyPasswordSource.DefaultVariable;

    /// <summary><c>SecureContainerRequireSigning</c>; the profile decides when unset (Restricted: true).</summary>
    public bool Required { get; init; }

    /// <summary><c>SecureContainerForbidLatestTag</c>; the profile decides when unset (Restricted: true).</summary>
    public bool ForbidLatestOnly { get; init; }

    /// <summary><c>SecureContainerVerifyBaseImageKey</c>: the base must carry a valid cosign signature for this public key.</summary>
    public string? VerifyBaseImageKeyPath { get; init; }

    /// <summary>
    /// <c>SecureContainerVerifyBaseImageIdentity</c>/<c>IdentityRegexp</c> and <c>OidcIssuer</c>: keyless, the base must
    /// carry a valid Sigstore bundle signed by this certificate identity; null unless fully and consistently set (SC6077).
    /// </summary>
    public Signing.Bundles.CertificateIdentityPolicy? VerifyBaseImageIdentity { get; init; }

    /// <summary><c>SecureContainerVerifyBaseImageTrustedRoot</c>: the sigstore trusted_root.json keyless bundles are checked against.</summary>
    public string? VerifyBaseImageTrustedRootPath { get; init; }

    /// <summary><c>SecureContainerNotaryTrustPolicy</c>: notation's trustpolicy.json, for bases a team signs with notation.</summary>
    public string? NotaryTrustPolicyPath { get; init; }

    /// <summary><c>SecureContainerNotaryTrustStore</c>: notation's trust store directory (holding <c>x509/</c>) that policy names.</summary>
    public string? NotaryTrustStorePath { get; init; }

    public bool AttestSbom { get; init; } = true;

    public bool AttestProvenance { get; init; } = true;

    /// <summary><c>SecureContainerSignatureFormat</c>: cosign v3 bundles as referrers, the legacy tags, or both.</summary>
    public Signing.SignatureFormat Format { get; init; } = Signing.SignatureFormat.Both;

    /// <summary><c>SecureContainerSigningMode</c>: sign with <see cref="KeyPath"/>, or keyless (OIDC identity, Fulcio, Rekor).</summary>
    public SigningMethod Mode { get; init; } = SigningMethod.Key;

    /// <summary>Whether pushed images are signed: with a key, or keyless.</summary>
    public bool Signs => KeyPath is not null || Mode == SigningMethod.Keyless;

    /// <summary>The format signatures are written in: keyless ones only as bundles, whatever <see cref="Format"/> says.</summary>
    public Signing.SignatureFormat WrittenFormat => Mode == SigningMethod.Keyless ? Signing.SignatureFormat.Bundle : Format;

    /// <summary><c>SecureContainerFulcioUrl</c> and <c>SecureContainerRekorUrl</c>: public-good sigstore unless set.</summary>
    public Signing.Keyless.KeylessOptions Sigstore { get; init; } = new();

    /// <summary><c>SecureContainerTransparencyLog</c>: record key-based signatures in Rekor too (keyless always records).</summary>
    public bool TransparencyLog { get; init; }
}

/// <summary>How images are signed: the exact words of <c>SecureContainerSigningMode</c>.</summary>
public enum SigningMethod
{
    /// <summary><c>key</c>: the private key in SecureContainerSigningKey (no key: unsigned).</summary>
    Key,

    /// <summary><c>keyless</c>: an ephemeral key certified by Fulcio for the CI's OIDC identity, every signature logged in Rekor.</summary>
    Keyless,
}

public sealed record SbomSettings
{
    public bool Enabled { get; init; } = true;

    /// <summary><c>SecureContainerSbomAttach</c>: attach the SBOM to the pushed image as an OCI referrer.</summary>
    public bool Attach { get; init; } = true;

    public CycloneDxSpecVersion SpecVersion { get; init; } = CycloneDxSpecVersions.Default;

    public bool IncludeBuildDependencies { get; init; }

    /// <summary><c>SecureContainerSbomDirectory</c>: where SBOM and SARIF files are written.</summary>
    public string? Directory { get; init; }
}

public sealed record ContentSettings
{
    /// <summary><c>SecureContainerSecretScan</c>.</summary>
    public bool SecretScan { get; init; } = true;

    public SecretScanOptions SecretOptions { get; init; } = new();

    /// <summary><c>SecureContainerVulnerabilityCheck</c>.</summary>
    public bool VulnerabilityCheck { get; init; } = true;

    public VulnerabilityPolicyOptions Vulnerabilities { get; init; } = new();

    /// <summary>grype's default for its database: a week-old database already misses that week's advisories.</summary>
    public static readonly TimeSpan DefaultDatabaseMaxAge = TimeSpan.FromDays(7);

    /// <summary><c>SecureContainerVulnerabilityDatabase</c>: an offline OSV database (folder or zip); null matches NuGet feeds only.</summary>
    public string? VulnerabilityDatabase { get; init; }

    /// <summary><c>SecureContainerVulnerabilityDatabaseMaxAge</c>: older than this (by its newest record) is stale.</summary>
    public TimeSpan VulnerabilityDatabaseMaxAge { get; init; } = DefaultDatabaseMaxAge;
}

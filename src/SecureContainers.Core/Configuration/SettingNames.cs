namespace SecureContainers.Core.Configuration;

/// <summary>The MSBuild property of each setting; docs/configuration.md lists them with their defaults.</summary>
public static class SettingNames
{
    public const string Enabled = "SecureContainerEnabled";
    public const string Profile = "SecureContainerProfile";
    public const string AllowRoot = "SecureContainerAllowRoot";
    public const string RequireBaseImageDigest = "SecureContainerRequireBaseImageDigest";
    public const string RequireMinimalBaseImage = "SecureContainerRequireMinimalBaseImage";
    public const string RequireTrustedBaseImage = "SecureContainerRequireTrustedBaseImage";
    public const string TrustMicrosoftBaseImages = "SecureContainerTrustMicrosoftBaseImages";
    public const string MaxLayerBytes = "SecureContainerMaxLayerBytes";
    public const string MaxLayerEntries = "SecureContainerMaxLayerEntries";
    public const string CacheDirectory = "SecureContainerCacheDirectory";
    public const string SigningKey = "SecureContainerSigningKey";
    public const string SigningKeyPasswordVariable = "SecureContainerSigningKeyPasswordVariable";
    public const string RequireSigning = "SecureContainerRequireSigning";
    public const string ForbidLatestTag = "SecureContainerForbidLatestTag";
    public const string VerifyBaseImageKey = "SecureContainerVerifyBaseImageKey";
    public const string VerifyBaseImageIdentity = "SecureContainerVerifyBaseImageIdentity";
    public const string VerifyBaseImageIdentityRegexp = "SecureContainerVerifyBaseImageIdentityRegexp";
    public const string VerifyBaseImageOidcIssuer = "SecureContainerVerifyBaseImageOidcIssuer";
    public const string VerifyBaseImageTrustedRoot = "SecureContainerVerifyBaseImageTrustedRoot";
    public const string NotaryTrustPolicy = "SecureContainerNotaryTrustPolicy";
    public const string NotaryTrustStore = "SecureContainerNotaryTrustStore";
    public const string AttestSbom = "SecureContainerAttestSbom";
    public const string AttestProvenance = "SecureContainerAttestProvenance";
    public const string SignatureFormat = "SecureContainerSignatureFormat";
    public const string SbomEnabled = "SecureContainerSbomEnabled";
    public const string SbomAttach = "SecureContainerSbomAttach";
    public const string SbomSpecVersion = "SecureContainerSbomSpecVersion";
    public const string SbomIncludeBuildDependencies = "SecureContainerSbomIncludeBuildDependencies";
    public const string SbomDirectory = "SecureContainerSbomDirectory";
    public const string GenerateSourceLabels = "SecureContainerGenerateSourceLabels";
    public const string SecretScan = "SecureContainerSecretScan";
    public const string VulnerabilityCheck = "SecureContainerVulnerabilityCheck";
    public const string VulnerabilitySeverity = "SecureContainerVulnerabilitySeverity";
    public const string RequireVulnerabilityData = "SecureContainerRequireVulnerabilityData";
    public const string VulnerabilityDatabase = "SecureContainerVulnerabilityDatabase";
    public const string VulnerabilityDatabaseMaxAge = "SecureContainerVulnerabilityDatabaseMaxAge";
    public const string SourceDateEpoch = "SecureContainerSourceDateEpoch";
    public const string SigningMode = "SecureContainerSigningMode";
    public const string FulcioUrl = "SecureContainerFulcioUrl";
    public const string RekorUrl = "SecureContainerRekorUrl";
    public const string TransparencyLog = "SecureContainerTransparencyLog";

    /// <summary>Every property the settings item carries; a test checks the targets pass exactly these.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Enabled, Profile, AllowRoot, RequireBaseImageDigest, RequireMinimalBaseImage, RequireTrustedBaseImage, TrustMicrosoftBaseImages,
        MaxLayerBytes, MaxLayerEntries, CacheDirectory, SigningKey, SigningKeyPasswordVariable, RequireSigning, ForbidLatestTag,
        VerifyBaseImageKey, VerifyBaseImageIdentity, VerifyBaseImageIdentityRegexp, VerifyBaseImageOidcIssuer, VerifyBaseImageTrustedRoot, NotaryTrustPolicy, NotaryTrustStore, AttestSbom, AttestProvenance, SignatureFormat, SbomEnabled, SbomAttach, SbomSpecVersion, SbomIncludeBuildDependencies,
        SbomDirectory, GenerateSourceLabels, SecretScan, VulnerabilityCheck, VulnerabilitySeverity, RequireVulnerabilityData, VulnerabilityDatabase, VulnerabilityDatabaseMaxAge, SourceDateEpoch,
        SigningMode, FulcioUrl, RekorUrl, TransparencyLog,
    ];
}

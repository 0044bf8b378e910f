using SecureContainers.Core.Configuration;
using SecureContainers.Core.NuGet;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Secrets;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Core.Operations;

/// <summary>Which part of a publish a check covers; the SDK splits a multi-RID publish into an outer and inner builds.</summary>
public enum CheckScope
{
    /// <summary>A single-RID publish: every rule for its one image.</summary>
    Image,

    /// <summary>
    /// The outer build of a multi-RID publish, before any inner build pushes: tags, signing, every platform's base and
    /// user, the configuration's secrets and the packages of every RID, once.
    /// </summary>
    AllPlatforms,

    /// <summary>
    /// One inner build of a multi-RID publish, just before it pushes: its base, its user, its own publish output and
    /// ports. What the outer build checked for all platforms is not reported again.
    /// </summary>
    Platform,
}

/// <summary>Where the SDK writes the image: only a registry destination gets attached evidence and signatures.</summary>
public enum ImageDestination
{
    Registry,

    /// <summary><c>ContainerArchiveOutputPath</c>: a tarball; evidence is completed with the CLI after it is pushed.</summary>
    Archive,

    /// <summary>The local Docker or Podman daemon.</summary>
    Daemon,
}

/// <summary>
/// The app's NuGet restore results, for the SBOM and the advisory check, and the RIDs to read them for: the project's
/// <c>RuntimeIdentifier</c>, which is empty for a portable app in a container (the SDK then restores without a RID), or
/// every RID of a multi-RID publish.
/// </summary>
public sealed record ProjectAssets(string AssetsFile, string TargetFramework, IReadOnlyList<string> RuntimeIdentifiers);

/// <summary>Everything the pre-push check needs; the MSBuild task and the CLI fill the same record.</summary>
public sealed record PrePushRequest
{
    public required SecureContainerSettings Settings { get; init; }

    public CheckScope Scope { get; init; } = CheckScope.Image;

    public ImageDestination Destination { get; init; } = ImageDestination.Registry;

    /// <summary>The base image as the SDK parsed it; null when it could not be parsed (reported by the caller).</summary>
    public ImageReference? BaseImage { get; init; }

    /// <summary>One RID for an image or a platform; every RID for <see cref="CheckScope.AllPlatforms"/>.</summary>
    public required IReadOnlyList<string> RuntimeIdentifiers { get; init; }

    /// <summary>The image being built, for messages (<c>registry/repository</c>).</summary>
    public required string TargetImage { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>
    /// Where the SDK is about to push (registry and repository), when evidence will follow the push there: the check then
    /// probes that these credentials may push to it, so a denial fails before the image exists rather than after. Null
    /// for an image already pushed (the tool's <c>check</c>) or another destination.
    /// </summary>
    public (string Registry, string Repository)? PushTarget { get; init; }

    public string? ContainerUser { get; init; }

    /// <summary>
    /// True when <see cref="ContainerUser"/> is the User of an image already built (the tool's <c>check</c>): it is final,
    /// so no SDK fallback (<c>APP_UID</c>, the base's User) applies, an empty one runs as root, and messages call it the
    /// image's User rather than a ContainerUser setting.
    /// </summary>
    public bool UserIsFinal { get; init; }

    /// <summary>The project's container environment variables, which the SDK applies before reading APP_UID.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>True when the SDK inferred Microsoft's base image (it then sets a Windows user itself).</summary>
    public bool UsesMicrosoftDefaultImage { get; init; }

    /// <summary>What the image will carry from the project: publish output and configuration values; null scans nothing.</summary>
    public SecretScanInput? Content { get; init; }

    /// <summary>The project's ports (<c>22/tcp</c>), checked with the base's.</summary>
    public IReadOnlyList<string> Ports { get; init; } = [];

    /// <summary>Restore results of a project build; read for every RID before anything is pushed.</summary>
    public ProjectAssets? Assets { get; init; }

    /// <summary>Packages already known (for an image, from its <c>*.deps.json</c>); used when <see cref="Assets"/> is null.</summary>
    public IReadOnlyList<NuGetLibrary>? Libraries { get; init; }

    public IVulnerabilitySource? VulnerabilitySource { get; init; }

    /// <summary>Advisories the outer build of a multi-RID publish already looked up, handed to an inner build.</summary>
    public VulnerabilityReport? KnownAdvisories { get; init; }

    /// <summary>
    /// The digest <see cref="BaseImage"/>'s tag named moments ago, when the check ran ahead of time
    /// (<see cref="PrePushWarmup.BaseDigestFor"/>): taken instead of asking the registry again. It is no weaker than asking
    /// again: the SDK reads the tag once more when it builds, and a tag that moved is found after the build either way,
    /// where the image's <c>org.opencontainers.image.base.digest</c> label is compared with the checked base.
    /// </summary>
    public Digest? BaseTagDigest { get; init; }

    /// <summary>Where to write the SARIF report of secret and advisory findings; null for none.</summary>
    public string? SarifFile { get; init; }

    /// <summary>Where the project's source lives, for the OCI source labels and provenance; null skips detection.</summary>
    public SourceRequest? Source { get; init; }

    /// <summary>
    /// The layer scan cache to use, when the front end shares one between steps (its in-memory copies then serve them all);
    /// null for one of <see cref="Configuration.SecureContainerSettings.CacheDirectory"/> of this check's own.
    /// </summary>
    public Layers.LayerScanCache? LayerCache { get; init; }

    /// <summary>Now, for the vulnerability database's age; tests pin it to the records' dates.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Whether the evidence step after the push writes to the registry (an SBOM artifact, signatures) with the push credentials.</summary>
    internal bool WritesEvidence =>
        Destination == ImageDestination.Registry
        && ((Settings.Sbom.Enabled && Settings.Sbom.Attach) || Settings.Signing.Signs);

    /// <summary>Whether the evidence step lists the image's referrers: the signing does, for the bundles this key signed already.</summary>
    internal bool ListsReferrersAfterPush =>
        Destination == ImageDestination.Registry && Settings.Signing.Signs && Settings.Signing.WrittenFormat.WritesBundles();

    public Func<string, string?> GetEnvironmentVariable { get; init; } = System.Environment.GetEnvironmentVariable;
}

/// <summary>What the build knows of the source: SourceLink's repository URL and commit, and the folder for git.</summary>
public sealed record SourceRequest(string Directory, string? RepositoryUrl, string? Commit);

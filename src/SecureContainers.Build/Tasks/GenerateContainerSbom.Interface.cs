using Microsoft.Build.Framework;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// Writes the CycloneDX SBOM of an image the SDK just built: the image (by manifest digest), the app and every
/// NuGet package in its runtime closure for the RID. Written to a temp file and moved, so no half-written SBOM
/// is ever left behind.
/// </summary>
public sealed partial class GenerateContainerSbom
{
    /// <summary>Where to write the SBOM (<c>SecureContainerSbomDirectory</c> plus a per-image name).</summary>
    [Required]
    public string OutputFile { get; set; } = string.Empty;

    /// <summary>The project's <c>project.assets.json</c> (<c>ProjectAssetsFile</c>).</summary>
    [Required]
    public string ProjectAssetsFile { get; set; } = string.Empty;

    [Required]
    public string TargetFramework { get; set; } = string.Empty;

    /// <summary>
    /// The RID the app was published for (<c>RuntimeIdentifier</c>): selects the RID-specific closure in the assets
    /// file. Empty for a portable app, which the SDK puts into a Linux image as it is.
    /// </summary>
    public string? RuntimeIdentifier { get; set; }

    /// <summary>The image's platform RID (<c>ContainerRuntimeIdentifier</c>), recorded on the output item.</summary>
    public string? ContainerRuntimeIdentifier { get; set; }

    [Required]
    public string AppName { get; set; } = string.Empty;

    public string? AppVersion { get; set; }

    /// <summary>The destination registry (<c>ContainerRegistry</c>); empty for a tarball or the local daemon.</summary>
    public string? ImageRegistry { get; set; }

    [Required]
    public string ImageRepository { get; set; } = string.Empty;

    public string[] ImageTags { get; set; } = [];

    /// <summary>The SDK's <c>GeneratedContainerDigest</c>: the manifest digest the SBOM is tied to.</summary>
    public string? ImageDigest { get; set; }

    /// <summary>The base image as <c>registry/repository</c>, from the gate.</summary>
    public string? BaseImageName { get; set; }

    /// <summary>The exact base manifest digest the gate resolved.</summary>
    public string? BaseImageDigest { get; set; }

    /// <summary>Seconds since the Unix epoch for the SBOM's timestamp (<c>SOURCE_DATE_EPOCH</c>); empty for now.</summary>
    public string? SourceDateEpoch { get; set; }

    /// <summary>The app's source repository URL (<c>RepositoryUrl</c>), when known.</summary>
    public string? RepositoryUrl { get; set; }

    /// <summary>The base image pinned by digest (<c>registry/repository:tag@sha256:…</c>), from the gate; its layers are read from the scan cache.</summary>
    public string? PinnedBaseImage { get; set; }

    /// <summary>The SDK's <c>GeneratedContainerManifest</c>: its last layer is the app layer.</summary>
    public string? GeneratedManifest { get; set; }

    /// <summary><c>SelfContained</c> (also true for Native AOT): the runtime pack ships in the app, not the base.</summary>
    public bool SelfContained { get; set; }

    /// <summary>The SDK's <c>@(ResolvedRuntimePack)</c> items (NuGetPackageId, NuGetPackageVersion, FrameworkName, PackageDirectory).</summary>
    public ITaskItem[] RuntimePacks { get; set; } = [];

    /// <summary><c>SecureContainerSbomSpecVersion</c>: 1.5, 1.6 (default) or 1.7.</summary>
    public string? SpecVersion { get; set; }

    /// <summary><c>SecureContainerSbomIncludeBuildDependencies</c>: list build-only packages with scope <c>excluded</c>.</summary>
    public string? IncludeBuildDependencies { get; set; }

    /// <summary><c>SecureContainerCacheDirectory</c>: where the gate cached the base layers' scan results.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>The destination registry's credentials rule: the SDK's generic credentials apply to the output registry.</summary>
    public string? OutputRegistry { get; set; }

    /// <summary>The advisories the content gate matched (JSON written by <see cref="CheckPublishedContent"/>); missing for none.</summary>
    public string? VulnerabilitiesFile { get; set; }

    /// <summary>The SBOM written, with <c>ImageDigest</c> and <c>RuntimeIdentifier</c> metadata.</summary>
    [Output]
    public ITaskItem? SbomFile { get; private set; }
}

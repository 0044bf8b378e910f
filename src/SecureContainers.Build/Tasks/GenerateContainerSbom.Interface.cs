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

    /// <summary>The SBOM written, with <c>ImageDigest</c> and <c>RuntimeIdentifier</c> metadata.</summary>
    [Output]
    public ITaskItem? SbomFile { get; private set; }
}

using Microsoft.Build.Framework;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// Pushes an image's SBOM to the registry as an OCI artifact that refers to the image, after the SDK pushed the
/// image. Registry destinations only: tarballs and the local daemon keep the SBOM as a file.
/// </summary>
public sealed partial class AttachContainerSbom
{
    /// <summary>The SBOM file written by <see cref="GenerateContainerSbom"/>.</summary>
    [Required]
    public string SbomFile { get; set; } = string.Empty;

    /// <summary>The destination registry (<c>ContainerRegistry</c>).</summary>
    [Required]
    public string Registry { get; set; } = string.Empty;

    /// <summary>The image repository (<c>ContainerRepository</c>).</summary>
    [Required]
    public string Repository { get; set; } = string.Empty;

    /// <summary>The pushed manifest digest (<c>GeneratedContainerDigest</c>).</summary>
    [Required]
    public string ImageDigest { get; set; } = string.Empty;

    /// <summary>Seconds since the Unix epoch for the artifact's created annotation (<c>SOURCE_DATE_EPOCH</c>); empty for now.</summary>
    public string? SourceDateEpoch { get; set; }

    /// <summary>True when a failed attachment must fail the build (the Restricted profile); otherwise it warns.</summary>
    public bool Required { get; set; }

    /// <summary>The SBOM artifact's manifest digest, when attached.</summary>
    [Output]
    public string? ArtifactDigest { get; private set; }
}

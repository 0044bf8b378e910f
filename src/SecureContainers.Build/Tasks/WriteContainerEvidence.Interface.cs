using Microsoft.Build.Framework;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// The evidence step after the SDK built the image: a second look at the built image, the SBOM written and attached,
/// the digest signed and attested. <see cref="ContainerImageTask.Scope"/> is <c>Image</c> for one image and
/// <c>AllPlatforms</c> for the index of a multi-RID publish.
/// </summary>
public sealed partial class WriteContainerEvidence
{
    /// <summary>The check's <c>CheckHandle</c>; when its result is not in memory (another build node), the check runs again quietly.</summary>
    public string? CheckHandle { get; set; }

    /// <summary>The SDK's <c>GeneratedContainerDigest</c>: the manifest it pushed or wrote.</summary>
    public string? GeneratedDigest { get; set; }

    /// <summary>The SDK's <c>GeneratedContainerConfiguration</c>.</summary>
    public string? GeneratedConfiguration { get; set; }

    /// <summary>The SDK's <c>GeneratedContainerManifest</c>.</summary>
    public string? GeneratedManifest { get; set; }

    /// <summary>
    /// One item whose metadata describe the app and the build for the SBOM and provenance: <c>Name</c>, <c>Version</c>,
    /// <c>TargetFramework</c>, <c>SelfContained</c>, <c>SbomFile</c>, <c>Project</c>, <c>Configuration</c>,
    /// <c>SdkVersion</c>, <c>StartedOn</c>.
    /// </summary>
    public ITaskItem? App { get; set; }

    /// <summary>The SDK's <c>ResolvedRuntimePack</c> items (self-contained apps carry the runtime in their own layer).</summary>
    public ITaskItem[] RuntimePacks { get; set; } = [];

    /// <summary>The SBOM written, with its <c>ImageDigest</c> and <c>RuntimeIdentifier</c>.</summary>
    [Output]
    public ITaskItem? Sbom { get; set; }

    /// <summary>The digest that was signed, when signing ran.</summary>
    [Output]
    public string? SignedDigest { get; set; }
}

using SecureContainers.Core.Oci;
using SecureContainers.Core.Sbom.NuGetAssets;

namespace SecureContainers.Core.Sbom;

/// <summary>Everything <see cref="SbomBuilder"/> needs to describe one container image; one object carries all inputs.</summary>
public sealed record SbomInputs
{
    /// <summary><c>registry/repository</c> of the image, e.g. <c>localhost:5000/team/app</c> (no tag, no digest).</summary>
    public required string ImageName { get; init; }

    /// <summary>The tags pushed; the first one is the image component's version when there is one.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The image manifest digest once known; without it the image has no purl and no hash.</summary>
    public Digest? ManifestDigest { get; init; }

    /// <summary>The app's source repository (MSBuild <c>RepositoryUrl</c>), written as a <c>vcs</c> reference.</summary>
    public string? RepositoryUrl { get; init; }

    public required string AppName { get; init; }

    public required string AppVersion { get; init; }

    public required string TargetFramework { get; init; }

    public string? RuntimeIdentifier { get; init; }

    /// <summary>What ships with the app, from <see cref="ProjectAssetsReader"/>.</summary>
    public IReadOnlyList<NuGetLibrary> NuGetLibraries { get; init; } = [];

    /// <summary>From <see cref="SbomTimestamp.Resolve"/>; <c>null</c> writes no timestamp.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    public required string ToolName { get; init; }

    public required string ToolVersion { get; init; }

    /// <summary><c>registry/repository</c> of the base image, when known.</summary>
    public string? BaseImageName { get; init; }

    public Digest? BaseImageDigest { get; init; }

    public CycloneDxSpecVersion SpecVersion { get; init; } = CycloneDxSpecVersion.V1_6;
}

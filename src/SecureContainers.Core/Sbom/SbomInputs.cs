using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.NuGet;

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

    /// <summary>The base's verified Notary signature, recorded on the base component; null when none was verified.</summary>
    public Signing.Notary.NotaryBaseSignature? BaseImageSignature { get; init; }

    public CycloneDxSpecVersion SpecVersion { get; init; } = CycloneDxSpecVersion.V1_6;

    /// <summary>
    /// What the base image holds (from <see cref="ImageContentsAnalyzer"/>): its os-release, the dpkg/apk packages and
    /// the .NET shared frameworks, each with the layer that wrote it. <c>null</c> lists none of them.
    /// </summary>
    public ImageContentsReport? BaseImageContents { get; init; }

    /// <summary>
    /// The layer that holds the published app (and, for self-contained apps, the runtime it carries); written as the
    /// layer of the app, its NuGet packages and its runtime packs when known.
    /// </summary>
    public Digest? AppLayerDigest { get; init; }

    /// <summary>True for a self-contained (or Native AOT) app: it brings its own runtime, <see cref="RuntimePacks"/>.</summary>
    public bool SelfContained { get; init; }

    /// <summary>
    /// The runtime packs a self-contained app ships (MSBuild <c>@(ResolvedRuntimePack)</c>); ignored unless
    /// <see cref="SelfContained"/>. Written as <c>framework</c> components with <c>pkg:nuget</c> purls.
    /// </summary>
    public IReadOnlyList<SbomRuntimePack> RuntimePacks { get; init; } = [];

    /// <summary>
    /// The shared frameworks the app references (<see cref="NuGetRuntimeClosure.FrameworkReferences"/>); a
    /// framework-dependent app depends on the image's copy of each. Empty means <c>Microsoft.NETCore.App</c>.
    /// </summary>
    public IReadOnlyList<string> FrameworkReferences { get; init; } = [];

    /// <summary>
    /// The packages folders to read <c>.nuspec</c> files from (<see cref="NuGetRuntimeClosure.PackageFolders"/>), first
    /// match wins. Empty reads none: packages are listed without license, description and authors, and no SC5009.
    /// </summary>
    public IReadOnlyList<string> NuGetPackageFolders { get; init; } = [];

    /// <summary>
    /// Runtime-graph packages the image does not contain (<see cref="NuGetRuntimeClosure.NotShippedLibraries"/>), always
    /// listed with scope <c>excluded</c> and the reason, so that advisories about them can say <c>not_affected</c>.
    /// </summary>
    public IReadOnlyList<NotShippedLibrary> NotShippedNuGetLibraries { get; init; } = [];

    /// <summary>Restored but not shipped libraries (<see cref="NuGetRuntimeClosure.BuildOnlyLibraries"/>); used only with <see cref="IncludeBuildDependencies"/>.</summary>
    public IReadOnlyList<NuGetLibrary> BuildOnlyNuGetLibraries { get; init; } = [];

    /// <summary><c>SecureContainerSbomIncludeBuildDependencies</c>: also list <see cref="BuildOnlyNuGetLibraries"/>, with scope <c>excluded</c>.</summary>
    public bool IncludeBuildDependencies { get; init; }

    /// <summary>
    /// Advisories the vulnerability gate matched (suppressed ones with their analysis). Only those affecting a component
    /// of this SBOM are written: a multi-RID build checks the union of the platforms' closures.
    /// </summary>
    public IReadOnlyList<Vulnerabilities.SbomVulnerability> Vulnerabilities { get; init; } = [];
}

/// <summary>A .NET runtime pack a self-contained app ships, e.g. <c>Microsoft.NETCore.App.Runtime.linux-x64</c> 10.0.0.</summary>
/// <param name="Id">The NuGet package id (<c>%(ResolvedRuntimePack.NuGetPackageId)</c>).</param>
/// <param name="Version">The package version (<c>%(ResolvedRuntimePack.NuGetPackageVersion)</c>).</param>
/// <param name="FrameworkName">The shared framework it stands for (<c>%(ResolvedRuntimePack.FrameworkName)</c>), e.g. <c>Microsoft.NETCore.App</c>.</param>
/// <param name="PackageDirectory">Where NuGet extracted it (<c>%(ResolvedRuntimePack.PackageDirectory)</c>); the nuspec and the
/// <c>.nupkg.sha512</c> are read from there. <c>null</c> looks in <see cref="SbomInputs.NuGetPackageFolders"/>.</param>
public sealed record SbomRuntimePack(string Id, string Version, string FrameworkName, string? PackageDirectory = null);

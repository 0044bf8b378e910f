using System.Reflection;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Vulnerabilities;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.NuGet;

namespace SecureContainers.Build.Tasks;

public sealed partial class GenerateContainerSbom : SecureContainerTask
{
    private static readonly string ToolVersion =
        typeof(GenerateContainerSbom).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset timestamp = SbomTimestamp.Resolve(SourceDateEpoch, DateTimeOffset.UtcNow);
        CycloneDxSpecVersion specVersion = CycloneDxSpecVersions.Parse(SpecVersion);
        bool includeBuildDependencies = PropertyParser.ParseBoolean("SecureContainerSbomIncludeBuildDependencies", IncludeBuildDependencies, false, Sink);
        NuGetRuntimeClosure closure = ProjectAssetsReader.Read(ProjectAssetsFile, TargetFramework, NullIfEmpty(RuntimeIdentifier), Sink);
        if (Log.HasLoggedErrors)
        {
            return;
        }

        string imageName = string.IsNullOrEmpty(ImageRegistry) ? ImageRepository : $"{ImageRegistry}/{ImageRepository}";
        SbomInputs inputs = new()
        {
            ImageName = imageName,
            Tags = ImageTags,
            ManifestDigest = Digest.TryParse(ImageDigest, out Digest image) ? image : null,
            RepositoryUrl = NullIfEmpty(RepositoryUrl),
            AppName = AppName,
            AppVersion = string.IsNullOrEmpty(AppVersion) ? "0.0.0" : AppVersion,
            TargetFramework = TargetFramework,
            RuntimeIdentifier = NullIfEmpty(ContainerRuntimeIdentifier) ?? NullIfEmpty(RuntimeIdentifier),
            NuGetLibraries = closure.Libraries,
            BuildOnlyNuGetLibraries = closure.BuildOnlyLibraries,
            IncludeBuildDependencies = includeBuildDependencies,
            NuGetPackageFolders = closure.PackageFolders,
            FrameworkReferences = closure.FrameworkReferences,
            SelfContained = SelfContained,
            RuntimePacks = RuntimePacks.Select(p => new SbomRuntimePack(
                p.GetMetadata("NuGetPackageId"), p.GetMetadata("NuGetPackageVersion"), p.GetMetadata("FrameworkName"), NullIfEmpty(p.GetMetadata("PackageDirectory")))).ToArray(),
            Timestamp = timestamp,
            ToolName = "SecureContainers.Build",
            ToolVersion = ToolVersion,
            BaseImageName = NullIfEmpty(BaseImageName),
            BaseImageDigest = Digest.TryParse(BaseImageDigest, out Digest baseDigest) ? baseDigest : null,
            BaseImageContents = await ReadBaseImageAsync(cancellationToken).ConfigureAwait(false),
            AppLayerDigest = AppLayer(),
            SpecVersion = specVersion,
            Vulnerabilities = NullIfEmpty(VulnerabilitiesFile) is { } file && File.Exists(file)
                ? JsonSerializer.Deserialize<SbomVulnerability[]>(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false)) ?? []
                : [],
        };

        SbomWriter.WriteToFile(SbomBuilder.Build(inputs, Sink), OutputFile);
        Log.LogMessage(MessageImportance.High, "SecureContainers: SBOM of {0}@{1} ({2} NuGet packages, {3} OS packages) written to {4}",
            imageName, ImageDigest, closure.Packages.Count(), inputs.BaseImageContents?.Packages.Count ?? 0, OutputFile);

        TaskItem item = new(OutputFile);
        item.SetMetadata("ImageDigest", ImageDigest ?? string.Empty);
        item.SetMetadata("RuntimeIdentifier", ContainerRuntimeIdentifier ?? RuntimeIdentifier ?? string.Empty);
        SbomFile = item;
    }

    /// <summary>
    /// The base image's contents, from the layer scan cache the gate filled (no layer bytes are read again). Windows
    /// bases are not scanned by the gate and contribute no OS inventory.
    /// </summary>
    private async Task<ImageContentsReport?> ReadBaseImageAsync(CancellationToken cancellationToken)
    {
        if (NullIfEmpty(PinnedBaseImage) is not { } pinned || NullIfEmpty(ContainerRuntimeIdentifier) is not { } rid || rid.StartsWith("win", StringComparison.Ordinal))
        {
            return null;
        }

        if (BuildEngine4.GetRegisteredTaskObject(CheckContainerPolicy.BaseContentsKey(pinned, rid), RegisteredTaskObjectLifetime.Build) is ImageContentsReport fromGate)
        {
            return fromGate;
        }

        using RegistryClient registry = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable, outputRegistry: NullIfEmpty(OutputRegistry)));
        ResolvedImage baseImage = await registry.ResolveAsync(ImageReference.Parse(pinned), Platform.FromRuntimeIdentifier(rid), cancellationToken).ConfigureAwait(false);
        LayerScanner scanner = new(LayerScanLimits.Default, new LayerScanCache(NullIfEmpty(CacheDirectory) ?? LayerScanCache.DefaultDirectory));
        return await ImageInspector.InspectAsync(registry, scanner, baseImage, cancellationToken).ConfigureAwait(false);
    }

    private Digest? AppLayer() =>
        NullIfEmpty(GeneratedManifest) is { } json && ImageManifest.Parse(Encoding.UTF8.GetBytes(json)).Layers is { Count: > 0 } layers
            ? layers[^1].Digest
            : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

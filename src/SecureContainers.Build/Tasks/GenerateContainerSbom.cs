using System.Reflection;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Sbom.NuGetAssets;

namespace SecureContainers.Build.Tasks;

public sealed partial class GenerateContainerSbom : SecureContainerTask
{
    private static readonly string ToolVersion =
        typeof(GenerateContainerSbom).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    protected override System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset timestamp = SbomTimestamp.Resolve(SourceDateEpoch, DateTimeOffset.UtcNow);
        NuGetRuntimeClosure closure = ProjectAssetsReader.Read(ProjectAssetsFile, TargetFramework, NullIfEmpty(RuntimeIdentifier), Sink);
        if (Log.HasLoggedErrors)
        {
            return System.Threading.Tasks.Task.CompletedTask;
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
            Timestamp = timestamp,
            ToolName = "SecureContainers.Build",
            ToolVersion = ToolVersion,
            BaseImageName = NullIfEmpty(BaseImageName),
            BaseImageDigest = Digest.TryParse(BaseImageDigest, out Digest baseDigest) ? baseDigest : null,
        };

        SbomWriter.WriteToFile(SbomBuilder.Build(inputs), OutputFile);
        Log.LogMessage(MessageImportance.High, "SecureContainers: SBOM of {0}@{1} ({2} NuGet packages) written to {3}",
            imageName, ImageDigest, closure.Packages.Count(), OutputFile);

        TaskItem item = new(OutputFile);
        item.SetMetadata("ImageDigest", ImageDigest ?? string.Empty);
        item.SetMetadata("RuntimeIdentifier", ContainerRuntimeIdentifier ?? RuntimeIdentifier ?? string.Empty);
        SbomFile = item;
        return System.Threading.Tasks.Task.CompletedTask;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

using SecureContainers.Core.Oci;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Sbom.NuGetAssets;

namespace SecureContainers.Core.Tests.Sbom;

/// <summary>Inputs for a typical image: the real test app's NuGet closure, two tags, a known digest and base image.</summary>
internal static class SbomTestInputs
{
    public static readonly Digest ManifestDigest = Digest.Sha256("manifest"u8);

    public static readonly Digest BaseDigest = Digest.Sha256("base"u8);

    public static SbomInputs Create(IReadOnlyList<NuGetLibrary>? libraries = null) => new()
    {
        ImageName = "localhost:5000/team/app",
        Tags = ["1.0.0", "latest"],
        ManifestDigest = ManifestDigest,
        RepositoryUrl = "https://example.com/team/app.git",
        AppName = "app",
        AppVersion = "1.0.0",
        TargetFramework = "net10.0",
        RuntimeIdentifier = "linux-x64",
        NuGetLibraries = libraries ?? Closure().Libraries,
        Timestamp = DateTimeOffset.FromUnixTimeSeconds(1700000000),
        ToolName = "SecureContainers",
        ToolVersion = "0.1.0",
        BaseImageName = "localhost:5000/dotnet/runtime",
        BaseImageDigest = BaseDigest,
    };

    public static NuGetRuntimeClosure Closure() =>
        ProjectAssetsReader.Read(ProjectAssetsReaderTests.TestDataPath("app.project.assets.json"), "net10.0", "linux-x64");
}

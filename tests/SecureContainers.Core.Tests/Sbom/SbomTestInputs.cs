using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.NuGet;

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

    public static readonly Digest OsLayer = Digest.Sha256("os-layer"u8);

    public static readonly Digest DotNetLayer = Digest.Sha256("dotnet-layer"u8);

    public static readonly Digest AppLayer = Digest.Sha256("app-layer"u8);

    /// <summary>A Debian 12 base like the test bed's: a few dpkg packages (epoch, '+' and '~' versions, Pre-Depends folded into Depends) and two frameworks.</summary>
    public static ImageContentsReport DebianBase(IReadOnlyList<OsPackage>? packages = null, IReadOnlyList<DotNetFramework>? frameworks = null) => Report(
        new OsRelease("debian", "12", "bookworm", "Debian GNU/Linux 12 (bookworm)", new Dictionary<string, string>()),
        packages ??
        [
            new("deb", "libc6", "2.36-9+deb12u10", "amd64", "glibc", null, null, ["libgcc-s1"], OsLayer),
            new("deb", "libgcc-s1", "12.2.0-14+deb12u1", "amd64", "gcc-12", null, null, ["gcc-12-base", "libc6"], OsLayer),
            new("deb", "gcc-12-base", "12.2.0-14+deb12u1", "amd64", "gcc-12", null, null, [], OsLayer),
            new("deb", "libssl3", "3.0.15-1~deb12u1", "amd64", "openssl", null, null, ["libc6", "debconf", "debconf-2.0"], OsLayer),
            new("deb", "zlib1g", "1:1.2.13.dfsg-1", "amd64", "zlib", "1:1.2.13.dfsg-1", null, ["libc6"], OsLayer),
            new("deb", "tzdata", "2025b-0+deb12u1", "all", null, null, null, [], OsLayer),
        ],
        frameworks ??
        [
            new("Microsoft.NETCore.App", "10.0.0", "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0", DotNetLayer),
            new("Microsoft.AspNetCore.App", "10.0.0", "/usr/share/dotnet/shared/Microsoft.AspNetCore.App/10.0.0", DotNetLayer),
        ]);

    public static ImageContentsReport Report(OsRelease? release, IReadOnlyList<OsPackage> packages, IReadOnlyList<DotNetFramework> frameworks) =>
        new([], [], [], [], [], [], [], release, packages, [], frameworks);

    /// <summary>Everything the SBOM can carry except nuspec reading: the app, its closure, the base's OS and frameworks.</summary>
    public static SbomInputs Full(ImageContentsReport? contents = null) => Create() with
    {
        BaseImageContents = contents ?? DebianBase(),
        AppLayerDigest = AppLayer,
        FrameworkReferences = ["Microsoft.NETCore.App"],
    };
}

using System.Text.Json.Nodes;
using SecureContainers.Core.NuGet;

namespace SecureContainers.Core.Tests.Sbom;

/// <summary>What the reader hands the SBOM besides the shipped closure: build-only libraries, package folders, framework references.</summary>
public class ProjectAssetsReaderSbomInputsTests
{
    [Fact]
    public void BuildOnlyLibrariesAreExactlyTheRestoredOnesThatPublishDoesNotShip()
    {
        NuGetRuntimeClosure closure = SbomTestInputs.Closure();

        // The README's project: PrivateAssets="all" references and what only they bring in. The compile-only
        // CommandLineParser and Microsoft.Extensions.Primitives (PrivateAssets, yet Hosting needs it) are in the runtime
        // graph, so they are accounted for as not shipped instead, each with why.
        Assert.Equal(["CommandLineParser", "Microsoft.Extensions.Primitives"], closure.NotShippedLibraries.Select(n => n.Library.Id));
        Assert.StartsWith("restore resolved no runtime files for it on net10.0/linux-x64", closure.NotShippedLibraries[0].Reason);
        Assert.StartsWith("PrivateAssets=\"all\" keeps it out of publish", closure.NotShippedLibraries[1].Reason);
        Assert.Equal(
        [
            "Microsoft.Build.Framework", "Microsoft.Build.Utilities.Core", "Microsoft.CodeAnalysis.NetAnalyzers",
            "Microsoft.NET.StringTools", "Microsoft.VisualStudio.Setup.Configuration.Interop",
            "Microsoft.Win32.SystemEvents", "System.Configuration.ConfigurationManager", "System.Drawing.Common",
            "System.Security.Cryptography.ProtectedData", "System.Security.Permissions", "System.Windows.Extensions",
        ], closure.BuildOnlyLibraries.Select(l => l.Id));
        Assert.Empty(closure.BuildOnlyLibraries.Select(l => l.Id).Intersect(closure.Libraries.Select(l => l.Id)));
        Assert.All(closure.BuildOnlyLibraries, l => Assert.False(l.HasRuntimeAssets));
        Assert.True(closure.BuildOnlyLibraries.Single(l => l.Id == "Microsoft.Build.Utilities.Core").IsDirect);
        Assert.Contains("Microsoft.Build.Framework", closure.BuildOnlyLibraries.Single(l => l.Id == "Microsoft.Build.Utilities.Core").Dependencies);
    }

    [Fact]
    public void PackagesCarryTheirFolderFromTheAssetsFile()
    {
        NuGetRuntimeClosure closure = SbomTestInputs.Closure();

        Assert.Equal("newtonsoft.json/13.0.3", closure.Libraries.Single(l => l.Id == "Newtonsoft.Json").PackagePath);
        Assert.Null(closure.Libraries.Single(l => l.Id == "lib").PackagePath);
    }

    [Fact]
    public void FrameworkReferencesAreRead()
    {
        Assert.Equal(["Microsoft.NETCore.App"], SbomTestInputs.Closure().FrameworkReferences);
    }

    [Fact]
    public void PackageFoldersAreReadInRestoreOrder()
    {
        JsonObject assets = new AssetsFileBuilder().Package("A", "1.0.0").Reference("A", "1.0.0").ToJsonObject();
        assets["packageFolders"] = new JsonObject { ["/home/u/.nuget/packages/"] = new JsonObject(), ["/usr/share/dotnet/sdk/NuGetFallbackFolder"] = new JsonObject() };

        NuGetRuntimeClosure closure = ProjectAssetsReader.Parse(System.Text.Encoding.UTF8.GetBytes(assets.ToJsonString()), "x.json", "net10.0", "linux-x64");

        Assert.Equal(["/home/u/.nuget/packages/", "/usr/share/dotnet/sdk/NuGetFallbackFolder"], closure.PackageFolders);
    }
}

using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.NuGet;

namespace SecureContainers.Core.Tests.NuGet;

public class DepsJsonReaderTests
{
    // A real `dotnet publish -r linux-x64 --self-contained false` (SDK 10.0.401) of an app referencing Newtonsoft.Json
    // 13.0.3 and a project `lib`, which references System.CommandLine 2.0.0 (see Sbom/TestData/README.md).
    private static readonly string App3 = TestDataPath("app3.publish.deps.json");

    [Fact]
    public void PublishedAppListsItsPackagesProjectsGraphAndHashes()
    {
        DepsJsonFile deps = DepsJsonReader.Read(App3);

        Assert.Equal(".NETCoreApp,Version=v10.0/linux-x64", deps.RuntimeTarget);
        Assert.Equal(("app", "1.0.0", NuGetLibraryKind.Project), (deps.Application!.Id, deps.Application.Version, deps.Application.Kind));
        Assert.Equal(["Newtonsoft.Json", "lib"], deps.Application.Dependencies);
        Assert.Equal(["Newtonsoft.Json/13.0.3", "System.CommandLine/2.0.0", "lib/1.0.0"], deps.Libraries.Select(l => $"{l.Id}/{l.Version}"));

        NuGetLibrary json = deps.Libraries.Single(l => l.Id == "Newtonsoft.Json");
        Assert.Equal((NuGetLibraryKind.Package, true, true, "newtonsoft.json/13.0.3"), (json.Kind, json.IsDirect, json.HasRuntimeAssets, json.PackagePath));
        Assert.Equal(Convert.FromBase64String("HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ=="), Convert.FromHexString(json.Sha512Hex!));

        NuGetLibrary lib = deps.Libraries.Single(l => l.Id == "lib");
        Assert.Equal((NuGetLibraryKind.Project, true, null, null), (lib.Kind, lib.IsDirect, lib.Sha512Hex, lib.PackagePath));
        Assert.Equal(["System.CommandLine"], lib.Dependencies);
        Assert.False(deps.Libraries.Single(l => l.Id == "System.CommandLine").IsDirect);
        Assert.Empty(deps.RuntimePacks);
    }

    [Fact]
    public void SharedFrameworkManifestNamesNoApplication()
    {
        // The shape of /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/Microsoft.NETCore.App.deps.json.
        const string json = """
            {"runtimeTarget":{"name":".NETCoreApp,Version=v10.0/linux-x64","signature":""},"compilationOptions":{},
             "targets":{".NETCoreApp,Version=v10.0":{},".NETCoreApp,Version=v10.0/linux-x64":{
               "Microsoft.NETCore.App.Runtime.linux-x64/10.0.12":{"runtime":{"System.Private.CoreLib.dll":{}}}}},
             "libraries":{"Microsoft.NETCore.App.Runtime.linux-x64/10.0.12":{"type":"package","serviceable":true,"sha512":"","path":"microsoft.netcore.app.runtime.linux-x64/10.0.12"}}}
            """;

        DepsJsonFile deps = DepsJsonReader.Parse(Encoding.UTF8.GetBytes(json), "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/Microsoft.NETCore.App.deps.json");

        Assert.False(deps.IsApplication);
        Assert.Null(Assert.Single(deps.Libraries).Sha512Hex);
    }

    [Fact]
    public void SelfContainedAppsRuntimePackIsNotAPackage()
    {
        JsonObject root = JsonNode.Parse(File.ReadAllText(App3))!.AsObject();
        root["libraries"]!["runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/10.0.12"] = new JsonObject { ["type"] = "runtimepack", ["serviceable"] = false, ["sha512"] = "" };
        root["targets"]![".NETCoreApp,Version=v10.0/linux-x64"]!["runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/10.0.12"] = new JsonObject { ["runtime"] = new JsonObject { ["System.Private.CoreLib.dll"] = new JsonObject() } };

        DepsJsonFile deps = DepsJsonReader.Parse(Encoding.UTF8.GetBytes(root.ToJsonString()), "/app/app.deps.json");

        Assert.Equal(["runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/10.0.12"], deps.RuntimePacks);
        Assert.DoesNotContain(deps.Libraries, l => l.Id.StartsWith("runtimepack", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[]")]
    [InlineData("""{"libraries":{}}""")]
    [InlineData("""{"runtimeTarget":{"name":"x"},"targets":{"y":{}},"libraries":{}}""")]
    [InlineData("""{"runtimeTarget":{"name":"t"},"targets":{"t":{}},"libraries":{"NoVersion":{"type":"package"}}}""")]
    [InlineData("""{"runtimeTarget":{"name":"t"},"targets":{"t":{}},"libraries":{"P/1.0.0":{"type":"package","sha512":"md5-AAAA"}}}""")]
    [InlineData("""{"runtimeTarget":{"name":"t"},"targets":{"t":{}},"libraries":{"P/1.0.0":{"type":"package","sha512":"sha512-AAAA"}}}""")]
    [InlineData("""{"runtimeTarget":{"name":"t"},"targets":{"t":{"P/1.0.0":{"dependencies":[]}}},"libraries":{}}""")]
    public void MalformedManifestIsSC5011NamingTheFile(string json)
    {
        SecureContainerException e = Assert.Throws<SecureContainerException>(() => DepsJsonReader.Parse(Encoding.UTF8.GetBytes(json), "/app/app.deps.json"));

        Assert.Equal("SC5011", e.Diagnostic.Code);
        Assert.Contains("'/app/app.deps.json'", e.Diagnostic.Message);
    }

    [Fact]
    public void ManifestOverTheCapIsSC5012()
    {
        byte[] huge = new byte[DepsJsonReader.MaxBytes + 1];

        SecureContainerException e = Assert.Throws<SecureContainerException>(() => DepsJsonReader.Parse(huge, "/app/app.deps.json"));

        Assert.Equal("SC5012", e.Diagnostic.Code);
    }

    [Fact]
    public void RenamedManifestFallsBackToTheFirstProjectOfTheTarget()
    {
        DepsJsonFile deps = DepsJsonReader.Parse(File.ReadAllBytes(App3), "/app/renamed.deps.json");

        Assert.Equal("app", deps.Application!.Id);
    }

    private static string TestDataPath(string fileName, [CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "Sbom", "TestData", fileName);
}

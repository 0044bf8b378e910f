using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.NuGet;

namespace SecureContainers.Core.Tests.Sbom;

public class ProjectAssetsReaderTests
{
    private static readonly string AssetsPath = TestDataPath("app.project.assets.json");

    [Theory]
    [InlineData("app.project.assets.json", "net10.0", "linux-x64", "app.publish.deps.json")]
    [InlineData("app2.project.assets.json", "net10.0", "linux-x64", "app2.net10.0-linux-x64.publish.deps.json")]
    [InlineData("app2.project.assets.json", "net8.0", null, "app2.net8.0-portable.publish.deps.json")]
    [InlineData("superseded.project.assets.json", "net10.0", "linux-x64", "superseded.publish.deps.json")]
    public void ShippedPackagesAreExactlyThePublishedDepsJsonPackages(string assets, string targetFramework, string? rid, string depsJson)
    {
        NuGetRuntimeClosure closure = ProjectAssetsReader.Read(TestDataPath(assets), targetFramework, rid);

        using JsonDocument deps = JsonDocument.Parse(File.ReadAllBytes(TestDataPath(depsJson)));
        var published = deps.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(l => l.Value.GetProperty("type").GetString() == "package")
            .ToDictionary(l => l.Name, l => l.Value.GetProperty("sha512").GetString()!);

        Assert.Equal(published.Keys.Order(StringComparer.Ordinal), closure.Packages.Select(p => $"{p.Id}/{p.Version}").Order(StringComparer.Ordinal));
        foreach (NuGetLibrary package in closure.Packages)
        {
            string base64 = published[$"{package.Id}/{package.Version}"]["sha512-".Length..];
            Assert.Equal(Convert.FromBase64String(base64), Convert.FromHexString(package.Sha512Hex!));
        }
    }

    [Fact]
    public void PackagesTheSharedFrameworkSupersedesAreAccountedForAsNotShippedWithWhy()
    {
        // System.Text.Encodings.Web 4.5.0 and System.Net.Http 4.3.0, referenced directly: restore pruned them (the
        // framework provides newer copies) and publish ships nothing of them (the deps.json lists only the app).
        NuGetRuntimeClosure closure = ProjectAssetsReader.Read(TestDataPath("superseded.project.assets.json"), "net10.0", "linux-x64");

        Assert.Empty(closure.Packages);
        Dictionary<string, string> reasons = closure.NotShippedLibraries.ToDictionary(n => $"{n.Library.Id}/{n.Library.Version}", n => n.Reason);
        Assert.Equal(
            ["Microsoft.NETCore.Platforms/1.1.0", "Microsoft.NETCore.Targets/1.1.0", "System.Net.Http/4.3.0", "System.Text.Encodings.Web/4.5.0",
             "runtime.native.System.Net.Http/4.3.0", "runtime.native.System.Security.Cryptography.OpenSsl/4.3.0", "runtime.native.System/4.3.0"],
            reasons.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("superseded by the shared framework (Microsoft.NETCore.App): restore pruned System.Text.Encodings.Web (,10.0.32767], so the framework's own copy is what runs",
            reasons["System.Text.Encodings.Web/4.5.0"]);
        Assert.StartsWith("superseded by the shared framework (Microsoft.NETCore.App): restore pruned System.Net.Http (,4.3.32767]", reasons["System.Net.Http/4.3.0"]);
        Assert.StartsWith("restore resolved no runtime files for it on net10.0/linux-x64", reasons["runtime.native.System/4.3.0"]);
        Assert.True(closure.NotShippedLibraries.Single(n => n.Library.Id == "System.Net.Http").Library.IsDirect);
        Assert.DoesNotContain(closure.BuildOnlyLibraries, l => reasons.ContainsKey($"{l.Id}/{l.Version}"));
    }

    [Fact]
    public void PrivateAssetsAllPackageThroughWhichTheGraphRunsIsListedWithoutFiles()
    {
        // BenchmarkDotNet -> Microsoft.CodeAnalysis.CSharp (PrivateAssets="all": its dll is not published)
        // -> Microsoft.CodeAnalysis.Common (published): publish's deps.json keeps CSharp as the link, so do we.
        var diagnostics = new DiagnosticBag();

        NuGetRuntimeClosure closure = ProjectAssetsReader.Read(TestDataPath("app2.project.assets.json"), "net10.0", "linux-x64", diagnostics);

        NuGetLibrary csharp = closure.Libraries.Single(l => l.Id == "Microsoft.CodeAnalysis.CSharp");
        Assert.Equal((true, false), (csharp.IsDirect, csharp.HasRuntimeAssets));
        Assert.Equal(["Microsoft.CodeAnalysis.Common"], csharp.Dependencies);
        Assert.True(closure.Libraries.Single(l => l.Id == "Microsoft.CodeAnalysis.Common").HasRuntimeAssets);
        Assert.Contains(closure.Libraries, l => l.Id == "BenchmarkDotNet" && l.Dependencies.Contains("Microsoft.CodeAnalysis.CSharp"));
        Diagnostic warning = Assert.Single(diagnostics.Items);
        Assert.Equal("SC5005", warning.Code);
        Assert.Contains("'BenchmarkDotNet'", warning.Message);
    }

    [Fact]
    public void ReferencedProjectShipsWithItsOwnPackages()
    {
        NuGetRuntimeClosure closure = ProjectAssetsReader.Read(AssetsPath, "net10.0", "linux-x64");

        NuGetLibrary lib = Assert.Single(closure.Projects);
        Assert.Equal(("lib", "1.0.0", true, null), (lib.Id, lib.Version, lib.IsDirect, lib.Sha512Hex));
        Assert.Equal(["System.CommandLine"], lib.Dependencies);
        Assert.False(closure.Libraries.Single(l => l.Id == "System.CommandLine").IsDirect);
    }

    [Fact]
    public void PrivateAssetsAllPackagesAndWhatOnlyTheyBringInAreLeftOut()
    {
        NuGetRuntimeClosure closure = ProjectAssetsReader.Read(AssetsPath, "net10.0", "linux-x64");
        string[] ids = closure.Libraries.Select(l => l.Id).ToArray();

        // Analyzer, and build tooling plus its whole private dependency tree.
        Assert.DoesNotContain("Microsoft.CodeAnalysis.NetAnalyzers", ids);
        Assert.DoesNotContain("Microsoft.Build.Utilities.Core", ids);
        Assert.DoesNotContain("Microsoft.Build.Framework", ids);
        Assert.DoesNotContain("System.Configuration.ConfigurationManager", ids);
        Assert.DoesNotContain("System.Security.Permissions", ids);

        // Reached from the private tree and from Hosting's Logging.EventLog: the public path keeps it.
        Assert.Contains("System.Diagnostics.EventLog", ids);
    }

    [Fact]
    public void PrivateAssetsAllPackageThatOthersNeedIsLeftOutLikePublishDoesAndWarned()
    {
        var diagnostics = new DiagnosticBag();

        NuGetRuntimeClosure closure = ProjectAssetsReader.Read(AssetsPath, "net10.0", "linux-x64", diagnostics);

        Assert.DoesNotContain(closure.Libraries, l => l.Id == "Microsoft.Extensions.Primitives");
        Assert.DoesNotContain(closure.Libraries, l => l.Dependencies.Contains("Microsoft.Extensions.Primitives"));
        Diagnostic warning = Assert.Single(diagnostics.Items);
        Assert.Equal("SC5005", warning.Code);
        Assert.Contains("Microsoft.Extensions.Primitives", warning.Message);
    }

    [Fact]
    public void PackageWithRuntimeAssetsExcludedIsLeftOut()
    {
        // CommandLineParser is ExcludeAssets="runtime": NuGet gives it only a _._ placeholder, nothing is copied.
        NuGetRuntimeClosure closure = ProjectAssetsReader.Read(AssetsPath, "net10.0", "linux-x64");

        Assert.DoesNotContain(closure.Libraries, l => l.Id == "CommandLineParser");
    }

    [Fact]
    public void DirectFlagSeparatesTheProjectsReferencesFromTransitivePackages()
    {
        NuGetRuntimeClosure closure = ProjectAssetsReader.Read(AssetsPath, "net10.0", "linux-x64");

        Assert.Equal(
            ["Microsoft.Extensions.Hosting", "Newtonsoft.Json", "Polly", "lib"],
            closure.Libraries.Where(l => l.IsDirect).Select(l => l.Id));
        Assert.Equal(["Polly.Core"], closure.Libraries.Single(l => l.Id == "Polly").Dependencies);
    }

    [Fact]
    public void WithoutRuntimeIdentifierTheRidlessTargetIsUsed()
    {
        NuGetRuntimeClosure closure = ProjectAssetsReader.Read(AssetsPath, "net10.0", runtimeIdentifier: null);

        Assert.Equal("net10.0", closure.TargetKey);
        Assert.Contains(closure.Libraries, l => l.Id == "Newtonsoft.Json");
    }

    [Fact]
    public void Sha512IsConvertedFromBase64ToLowercaseHex()
    {
        byte[] hash = Enumerable.Range(0, 64).Select(i => (byte)(i * 4 + 3)).ToArray();
        byte[] json = new AssetsFileBuilder().Package("A", "1.0.0", sha512Base64: Convert.ToBase64String(hash)).Reference("A", "1.0.0").ToBytes();

        NuGetLibrary a = Assert.Single(ProjectAssetsReader.Parse(json, "x.json", "net10.0", "linux-x64").Libraries);

        Assert.Equal(128, a.Sha512Hex!.Length);
        Assert.StartsWith("03070b0f13171b1f", a.Sha512Hex);
        Assert.EndsWith("fbff", a.Sha512Hex);
    }

    [Fact]
    public void PackageWithoutAssetsIsKeptWhenItIsTheOnlyLinkToADependency()
    {
        // Meta -> Impl; nothing else references Impl, so dropping Meta would orphan it (the SDK keeps it too).
        byte[] json = new AssetsFileBuilder()
            .Package("Meta", "1.0.0", runtime: false, dependsOn: ["Impl"])
            .Package("Impl", "1.0.0")
            .Reference("Meta", "1.0.0")
            .ToBytes();

        NuGetRuntimeClosure closure = ProjectAssetsReader.Parse(json, "x.json", "net10.0", "linux-x64");

        Assert.Equal(["Impl", "Meta"], closure.Libraries.Select(l => l.Id));
        Assert.False(closure.Libraries.Single(l => l.Id == "Meta").HasRuntimeAssets);
    }

    [Fact]
    public void PackageWithoutAssetsIsDroppedWhenItsDependenciesAreReachedOtherwise()
    {
        byte[] json = new AssetsFileBuilder()
            .Package("Meta", "1.0.0", runtime: false, dependsOn: ["Impl"])
            .Package("Impl", "1.0.0")
            .Reference("Meta", "1.0.0")
            .Reference("Impl", "1.0.0")
            .ToBytes();

        NuGetRuntimeClosure closure = ProjectAssetsReader.Parse(json, "x.json", "net10.0", "linux-x64");

        Assert.Equal(["Impl"], closure.Libraries.Select(l => l.Id));
    }

    [Fact]
    public void DependencyOfAPrivatePackageShipsWhenAPublicReferenceAlsoNeedsIt()
    {
        byte[] json = new AssetsFileBuilder()
            .Package("Tool", "1.0.0", dependsOn: ["Shared", "ToolOnly"])
            .Package("Shared", "1.0.0")
            .Package("ToolOnly", "1.0.0")
            .Package("App.Lib", "1.0.0", dependsOn: ["Shared"])
            .Reference("Tool", "1.0.0", privateAssetsAll: true)
            .Reference("App.Lib", "1.0.0")
            .ToBytes();
        var diagnostics = new DiagnosticBag();

        NuGetRuntimeClosure closure = ProjectAssetsReader.Parse(json, "x.json", "net10.0", "linux-x64", diagnostics);

        Assert.Equal(["App.Lib", "Shared"], closure.Libraries.Select(l => l.Id));
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void TargetIsFoundThroughTheFrameworkWhenTheAliasDiffers()
    {
        JsonObject assets = new AssetsFileBuilder().Package("A", "1.0.0").Reference("A", "1.0.0").ToJsonObject();
        JsonObject frameworks = assets["project"]!["frameworks"]!.AsObject();
        JsonNode entry = frameworks["net10.0"]!.DeepClone();
        entry["targetAlias"] = "linux-build";
        frameworks.Remove("net10.0");
        frameworks["linux-build"] = entry;

        NuGetRuntimeClosure closure = ProjectAssetsReader.Parse(JsonSerializer.SerializeToUtf8Bytes(assets), "x.json", "linux-build", "linux-x64");

        Assert.Equal("net10.0/linux-x64", closure.TargetKey);
        Assert.Single(closure.Libraries);
    }

    [Fact]
    public void MissingFileIsSC5001NamingTheFileAndRestore()
    {
        string path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "project.assets.json");

        var ex = Assert.Throws<SecureContainerException>(() => ProjectAssetsReader.Read(path, "net10.0", "linux-x64"));

        Assert.Equal("SC5001", ex.Diagnostic.Code);
        Assert.Contains(path, ex.Diagnostic.Message);
        Assert.Contains("dotnet restore", ex.Diagnostic.Message);
    }

    [Theory]
    [InlineData("{ \"targets\": ")]
    [InlineData("[]")]
    [InlineData("{ \"targets\": {}, \"project\": { \"frameworks\": [] } }")]
    public void CorruptFileIsSC5002NamingTheFile(string json)
    {
        var ex = Assert.Throws<SecureContainerException>(() =>
            ProjectAssetsReader.Parse(System.Text.Encoding.UTF8.GetBytes(json), "/src/app/obj/project.assets.json", "net10.0", null));

        Assert.Equal("SC5002", ex.Diagnostic.Code);
        Assert.Contains("/src/app/obj/project.assets.json", ex.Diagnostic.Message);
        Assert.Contains("dotnet restore", ex.Diagnostic.Message);
    }

    [Fact]
    public void PackageMissingFromLibrariesIsSC5002()
    {
        JsonObject assets = new AssetsFileBuilder().Package("A", "1.0.0").Reference("A", "1.0.0").ToJsonObject();
        assets["libraries"]!.AsObject().Remove("A/1.0.0");

        var ex = Assert.Throws<SecureContainerException>(() =>
            ProjectAssetsReader.Parse(JsonSerializer.SerializeToUtf8Bytes(assets), "x.json", "net10.0", "linux-x64"));

        Assert.Equal("SC5002", ex.Diagnostic.Code);
        Assert.Contains("A/1.0.0", ex.Diagnostic.Message);
    }

    [Fact]
    public void RuntimeIdentifierNotRestoredIsSC5004AskingToSetIt()
    {
        var ex = Assert.Throws<SecureContainerException>(() => ProjectAssetsReader.Read(AssetsPath, "net10.0", "linux-arm64"));

        Assert.Equal("SC5004", ex.Diagnostic.Code);
        Assert.Contains("<RuntimeIdentifier>linux-arm64</RuntimeIdentifier>", ex.Diagnostic.Message);
        Assert.Contains("list linux-arm64 in <RuntimeIdentifiers>", ex.Diagnostic.Message); // the multi-RID publish's fix
        Assert.Contains("net10.0/linux-x64", ex.Diagnostic.Message);
    }

    [Fact]
    public void TargetFrameworkNotRestoredIsSC5003()
    {
        var ex = Assert.Throws<SecureContainerException>(() => ProjectAssetsReader.Read(AssetsPath, "net9.0", "linux-x64"));

        Assert.Equal("SC5003", ex.Diagnostic.Code);
        Assert.Contains("net9.0", ex.Diagnostic.Message);
    }

    internal static string TestDataPath(string fileName, [CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "TestData", fileName);
}

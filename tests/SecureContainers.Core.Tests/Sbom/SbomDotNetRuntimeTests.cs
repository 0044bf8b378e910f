using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Sbom;
using static SecureContainers.Core.Tests.Sbom.SbomJson;

namespace SecureContainers.Core.Tests.Sbom;

public sealed class SbomDotNetRuntimeTests : IDisposable
{
    private const string NetCore = "dotnet-framework:Microsoft.NETCore.App@10.0.0";
    private const string AspNetCore = "dotnet-framework:Microsoft.AspNetCore.App@10.0.0";

    private readonly TempPackagesFolder _packages = new();

    [Fact]
    public void SharedFrameworksInTheBaseAreFrameworkComponentsWithNvdCpes()
    {
        JsonElement bom = Written(SbomTestInputs.Full());

        JsonElement netCore = Component(bom, NetCore);
        Assert.Equal(("framework", "Microsoft.NETCore.App", "10.0.0"), (Text(netCore, "type"), Text(netCore, "name"), Text(netCore, "version")));
        Assert.Equal("cpe:2.3:a:microsoft:.net:10.0.0:*:*:*:*:*:*:*", Text(netCore, "cpe"));
        Assert.False(netCore.TryGetProperty("purl", out _));
        Assert.Equal(["/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0"], Properties(netCore, SbomPropertyNames.DotNetFrameworkPath));
        Assert.Equal([SbomTestInputs.DotNetLayer.ToString()], Properties(netCore, SbomPropertyNames.LayerDigest));
        Assert.Equal(["pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.0"], Properties(netCore, SbomPropertyNames.DotNetRuntimePackEquivalent));
        Assert.Equal("cpe:2.3:a:microsoft:asp.net_core:10.0.0:*:*:*:*:*:*:*", Text(Component(bom, AspNetCore), "cpe"));
    }

    [Fact]
    public void ImageDependsOnFrameworksAppOnTheOneItRunsOnAndAspNetOnNetCore()
    {
        Dictionary<string, string[]> graph = Graph(Written(SbomTestInputs.Full()));

        Assert.Contains(NetCore, graph.Single(e => e.Key.StartsWith("pkg:oci/", StringComparison.Ordinal)).Value);
        Assert.Contains(AspNetCore, graph.Single(e => e.Key.StartsWith("pkg:oci/", StringComparison.Ordinal)).Value);
        Assert.Contains(NetCore, graph["app:app@1.0.0"]);
        Assert.DoesNotContain(AspNetCore, graph["app:app@1.0.0"]);
        Assert.Equal([NetCore], graph[AspNetCore]);
    }

    [Theory]
    [InlineData("net10.0", "dotnet-framework:Microsoft.NETCore.App@10.0.3")]
    [InlineData("net8.0", "dotnet-framework:Microsoft.NETCore.App@8.0.21")]
    [InlineData("net9.0", null)]
    [InlineData("net11.0", null)]
    public void AppDependsOnTheFrameworkTheHostRollsForwardTo(string tfm, string? expected)
    {
        ImageContentsReport contents = SbomTestInputs.DebianBase(frameworks:
        [
            new("Microsoft.NETCore.App", "8.0.21", "/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.21", SbomTestInputs.DotNetLayer),
            new("Microsoft.NETCore.App", "10.0.1", "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.1", SbomTestInputs.DotNetLayer),
            new("Microsoft.NETCore.App", "10.0.3", "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.3", SbomTestInputs.DotNetLayer),
            new("Microsoft.NETCore.App", "10.0.4-rc.1.1", "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.4-rc.1.1", SbomTestInputs.DotNetLayer),
        ]);

        string[] appDeps = Graph(Written(SbomTestInputs.Full(contents) with { TargetFramework = tfm }))["app:app@1.0.0"];

        Assert.Equal(expected is null ? [] : [expected], appDeps.Where(d => d.StartsWith("dotnet-framework:", StringComparison.Ordinal)));
    }

    [Fact]
    public void SelfContainedAppDependsOnItsRuntimePackReadFromThePackageDirectory()
    {
        const string id = "Microsoft.NETCore.App.Runtime.linux-x64";
        _packages.AddNuspec(id, "10.0.0", """<authors>Microsoft</authors><license type="expression">MIT</license><description>Internal implementation package.</description>""");
        string sha512 = _packages.AddSha512(id, "10.0.0");
        SbomInputs inputs = SbomTestInputs.Full(SbomTestInputs.DebianBase(frameworks: [])) with
        {
            SelfContained = true,
            RuntimePacks = [new SbomRuntimePack(id, "10.0.0", "Microsoft.NETCore.App", _packages.PackageDirectory(id, "10.0.0"))],
        };
        var diagnostics = new DiagnosticBag();

        JsonElement bom = Written(inputs, diagnostics);

        const string purl = "pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.0";
        JsonElement pack = Component(bom, purl);
        Assert.Equal(("framework", purl, "cpe:2.3:a:microsoft:.net:10.0.0:*:*:*:*:*:*:*"), (Text(pack, "type"), Text(pack, "purl"), Text(pack, "cpe")));
        Assert.Equal(sha512, pack.GetProperty("hashes")[0].GetProperty("content").GetString());
        Assert.Equal("MIT", pack.GetProperty("licenses")[0].GetProperty("license").GetProperty("id").GetString());
        Assert.Equal(["Microsoft.NETCore.App"], Properties(pack, SbomPropertyNames.DotNetFrameworkName));
        Assert.Equal([SbomTestInputs.AppLayer.ToString()], Properties(pack, SbomPropertyNames.LayerDigest));
        Assert.Contains(purl, Graph(bom)["app:app@1.0.0"]);
        Assert.Equal(["true"], Properties(Component(bom, "app:app@1.0.0"), SbomPropertyNames.SelfContained));
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void SelfContainedAppDoesNotDependOnSharedFrameworksTheBaseAlsoHas()
    {
        SbomInputs inputs = SbomTestInputs.Full() with
        {
            SelfContained = true,
            RuntimePacks = [new SbomRuntimePack("Microsoft.NETCore.App.Runtime.linux-x64", "10.0.0", "Microsoft.NETCore.App")],
        };

        JsonElement bom = Written(inputs);

        Assert.Contains(NetCore, ComponentRefs(bom));
        Assert.DoesNotContain(NetCore, Graph(bom)["app:app@1.0.0"]);
    }

    [Fact]
    public void RuntimePacksOfAFrameworkDependentAppAreNotListed()
    {
        SbomInputs inputs = SbomTestInputs.Full() with { RuntimePacks = [new SbomRuntimePack("Microsoft.NETCore.App.Runtime.linux-x64", "10.0.0", "Microsoft.NETCore.App")] };

        Assert.DoesNotContain("pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.0", ComponentRefs(Written(inputs)));
    }

    [Theory]
    [InlineData("Microsoft.NETCore.App", "8.0.0-rc.2.23479.6", "cpe:2.3:a:microsoft:.net:8.0.0-rc.2.23479.6:*:*:*:*:*:*:*")]
    [InlineData("Microsoft.AspNetCore.App", "9.0.1+abc", "cpe:2.3:a:microsoft:asp.net_core:9.0.1\\+abc:*:*:*:*:*:*:*")]
    [InlineData("Microsoft.WindowsDesktop.App", "9.0.1", null)]
    public void CpeIsOnlyForNetAndAspNetCoreAndQuotesPunctuation(string name, string version, string? expected)
    {
        Assert.Equal(expected, SbomBuilder.DotNetCpe(name, version));
    }

    public void Dispose() => _packages.Dispose();
}

using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.NuGet;
using static SecureContainers.Core.Tests.Sbom.SbomJson;

namespace SecureContainers.Core.Tests.Sbom;

public sealed class SbomNuGetMetadataTests : IDisposable
{
    private readonly TempPackagesFolder _packages = new();

    [Fact]
    public void PackageCarriesLicenseDescriptionAuthorsScopeAndLayerFromItsNuspec()
    {
        _packages.AddNuspec("Polly", "8.5.2", """<authors>Michael Wolfenden, App vNext</authors><license type="expression">BSD-3-Clause</license><description>Resilience.</description><projectUrl>https://www.thepollyproject.org/</projectUrl>""");

        JsonElement polly = Component(Written(Inputs()), "pkg:nuget/Polly@8.5.2");

        Assert.Equal("BSD-3-Clause", polly.GetProperty("licenses")[0].GetProperty("license").GetProperty("id").GetString());
        Assert.Equal("Resilience.", Text(polly, "description"));
        Assert.Equal(["Michael Wolfenden", "App vNext"], polly.GetProperty("authors").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal("required", Text(polly, "scope"));
        Assert.Equal([SbomTestInputs.AppLayer.ToString()], Properties(polly, SbomPropertyNames.LayerDigest));
        Assert.Equal(("website", "https://www.thepollyproject.org/"), (polly.GetProperty("externalReferences")[0].GetProperty("type").GetString(), polly.GetProperty("externalReferences")[0].GetProperty("url").GetString()));
    }

    [Fact]
    public void CycloneDx15GetsTheAuthorsAsOneString()
    {
        _packages.AddNuspec("Polly", "8.5.2", "<authors>Michael Wolfenden, App vNext</authors>");

        JsonElement polly = Component(Written(Inputs() with { SpecVersion = CycloneDxSpecVersion.V1_5 }), "pkg:nuget/Polly@8.5.2");

        Assert.Equal("Michael Wolfenden, App vNext", Text(polly, "author"));
        Assert.False(polly.TryGetProperty("authors", out _));
    }

    [Fact]
    public void EveryPackageMissingFromThePackagesFolderIsWarnedAboutAndStillListed()
    {
        var diagnostics = new DiagnosticBag();
        SbomInputs inputs = Inputs();

        JsonElement bom = Written(inputs, diagnostics);

        string[] packages = inputs.NuGetLibraries.Where(l => l.Kind == NuGetLibraryKind.Package).Select(l => l.Id).ToArray();
        Assert.Equal(packages.Length, diagnostics.Items.Count(d => d.Descriptor.Code == "SC5009"));
        Assert.All(packages, id => Assert.Contains(ComponentRefs(bom), r => r.StartsWith("pkg:nuget/" + id + "@", StringComparison.Ordinal)));
    }

    [Fact]
    public void UnparsableNuspecIsWarnedAboutAndThePackageIsListedWithoutLicense()
    {
        _packages.AddRaw("Polly", "8.5.2", "not xml");
        var diagnostics = new DiagnosticBag();

        JsonElement polly = Component(Written(Inputs(), diagnostics), "pkg:nuget/Polly@8.5.2");

        Assert.False(polly.TryGetProperty("licenses", out _));
        Assert.Contains(diagnostics.Items, d => d.Descriptor.Code == "SC5008" && d.Message.Contains("polly.nuspec", StringComparison.Ordinal));
    }

    [Fact]
    public void NoPackagesFolderMeansNoNuspecLookupsAndNoWarnings()
    {
        var diagnostics = new DiagnosticBag();

        Written(SbomTestInputs.Full(), diagnostics);

        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void BuildOnlyPackagesAreListedAsExcludedOnlyWhenAskedFor()
    {
        NuGetRuntimeClosure closure = SbomTestInputs.Closure();
        SbomInputs inputs = SbomTestInputs.Full() with { BuildOnlyNuGetLibraries = closure.BuildOnlyLibraries };

        string[] without = ComponentRefs(Written(inputs));
        JsonElement with = Written(inputs with { IncludeBuildDependencies = true });

        Assert.DoesNotContain("pkg:nuget/Microsoft.CodeAnalysis.NetAnalyzers@10.0.401", without);
        JsonElement analyzers = Component(with, "pkg:nuget/Microsoft.CodeAnalysis.NetAnalyzers@10.0.401");
        Assert.Equal("excluded", Text(analyzers, "scope"));
        Assert.Equal(["true"], Properties(analyzers, SbomPropertyNames.NuGetDirect));
        Assert.Empty(Properties(analyzers, SbomPropertyNames.LayerDigest));
        Assert.Contains("pkg:nuget/Microsoft.CodeAnalysis.NetAnalyzers@10.0.401", Graph(with)["app:app@1.0.0"]);
        Assert.All(closure.BuildOnlyLibraries, l => Assert.Contains(ComponentRefs(with), r => r.Contains("/" + l.Id + "@", StringComparison.Ordinal)));
    }

    public void Dispose() => _packages.Dispose();

    private SbomInputs Inputs() => SbomTestInputs.Full() with { NuGetPackageFolders = [_packages.Root] };
}

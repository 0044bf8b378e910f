using System.Text.Json;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.NuGet;

namespace SecureContainers.Core.Tests.Sbom;

public class SbomBuilderTests
{
    [Fact]
    public void ImageIsTheSubjectWithPurlDigestHashAndTags()
    {
        JsonElement image = Written(SbomTestInputs.Create()).GetProperty("metadata").GetProperty("component");

        string purl = $"pkg:oci/app@sha256%3A{SbomTestInputs.ManifestDigest.Hex}?repository_url=localhost:5000/team/app&tag=1.0.0";
        Assert.Equal("container", image.GetProperty("type").GetString());
        Assert.Equal("localhost:5000/team/app", image.GetProperty("name").GetString());
        Assert.Equal("1.0.0", image.GetProperty("version").GetString());
        Assert.Equal(purl, image.GetProperty("purl").GetString());
        Assert.Equal(purl, image.GetProperty("bom-ref").GetString());
        JsonElement hash = Assert.Single(image.GetProperty("hashes").EnumerateArray());
        Assert.Equal(("SHA-256", SbomTestInputs.ManifestDigest.Hex), (hash.GetProperty("alg").GetString(), hash.GetProperty("content").GetString()));
        Assert.Equal(["1.0.0", "latest"], image.GetProperty("properties").EnumerateArray()
            .Where(p => p.GetProperty("name").GetString() == SbomPropertyNames.ImageTag)
            .Select(p => p.GetProperty("value").GetString()));
    }

    [Fact]
    public void ImageWithoutKnownDigestHasNoPurlAndNoHash()
    {
        JsonElement image = Written(SbomTestInputs.Create() with { ManifestDigest = null, Tags = [] })
            .GetProperty("metadata").GetProperty("component");

        Assert.False(image.TryGetProperty("purl", out _));
        Assert.False(image.TryGetProperty("hashes", out _));
        Assert.False(image.TryGetProperty("version", out _));
        Assert.Equal("image:localhost:5000/team/app", image.GetProperty("bom-ref").GetString());
    }

    [Fact]
    public void BaseImageIsRecordedAsTheImagesAncestor()
    {
        JsonElement ancestor = Assert.Single(Written(SbomTestInputs.Create())
            .GetProperty("metadata").GetProperty("component").GetProperty("pedigree").GetProperty("ancestors").EnumerateArray());

        Assert.Equal($"pkg:oci/runtime@sha256%3A{SbomTestInputs.BaseDigest.Hex}?repository_url=localhost:5000/dotnet/runtime", ancestor.GetProperty("purl").GetString());
        Assert.Equal(SbomTestInputs.BaseDigest.ToString(), ancestor.GetProperty("version").GetString());
    }

    [Fact]
    public void NuGetPackagesAreLibrariesWithPurlSha512AndDirectFlag()
    {
        JsonElement polly = Component(Written(SbomTestInputs.Create()), "pkg:nuget/Polly@8.5.2");
        NuGetLibrary source = SbomTestInputs.Closure().Libraries.Single(l => l.Id == "Polly");

        Assert.Equal("library", polly.GetProperty("type").GetString());
        Assert.Equal(("Polly", "8.5.2"), (polly.GetProperty("name").GetString(), polly.GetProperty("version").GetString()));
        Assert.Equal("pkg:nuget/Polly@8.5.2", polly.GetProperty("purl").GetString());
        JsonElement hash = Assert.Single(polly.GetProperty("hashes").EnumerateArray());
        Assert.Equal(("SHA-512", source.Sha512Hex), (hash.GetProperty("alg").GetString(), hash.GetProperty("content").GetString()));
        Assert.Equal("true", Property(polly, SbomPropertyNames.NuGetDirect));
        Assert.Equal("true", Property(polly, SbomPropertyNames.NuGetRuntimeAssets));
        Assert.Equal("false", Property(Component(Written(SbomTestInputs.Create()), "pkg:nuget/Polly.Core@8.5.2"), SbomPropertyNames.NuGetDirect));
    }

    [Fact]
    public void PackageWhoseFilesAreNotPublishedIsMarked()
    {
        NuGetRuntimeClosure closure = ProjectAssetsReader.Read(ProjectAssetsReaderTests.TestDataPath("app2.project.assets.json"), "net10.0", "linux-x64");

        JsonElement csharp = Component(Written(SbomTestInputs.Create(closure.Libraries)), "pkg:nuget/Microsoft.CodeAnalysis.CSharp@4.3.1");

        Assert.Equal("false", Property(csharp, SbomPropertyNames.NuGetRuntimeAssets));
    }

    [Fact]
    public void GraphRunsFromImageToAppToDirectReferencesToTheirDependencies()
    {
        JsonElement bom = Written(SbomTestInputs.Create());
        Dictionary<string, string[]> graph = bom.GetProperty("dependencies").EnumerateArray().ToDictionary(
            d => d.GetProperty("ref").GetString()!,
            d => d.GetProperty("dependsOn").EnumerateArray().Select(x => x.GetString()!).ToArray());
        string imageRef = bom.GetProperty("metadata").GetProperty("component").GetProperty("bom-ref").GetString()!;

        Assert.Equal(["app:app@1.0.0"], graph[imageRef]);
        Assert.Equal(
            ["pkg:nuget/Microsoft.Extensions.Hosting@10.0.14", "pkg:nuget/Newtonsoft.Json@13.0.3", "pkg:nuget/Polly@8.5.2", "project:lib@1.0.0"],
            graph["app:app@1.0.0"]);
        Assert.Equal(["pkg:nuget/Polly.Core@8.5.2"], graph["pkg:nuget/Polly@8.5.2"]);
        Assert.Equal(["pkg:nuget/System.CommandLine@2.0.0"], graph["project:lib@1.0.0"]);
        Assert.Empty(graph["pkg:nuget/Newtonsoft.Json@13.0.3"]);

        // Every component has an entry: a missing one would mean "dependencies unknown" to consumers.
        foreach (JsonElement component in bom.GetProperty("components").EnumerateArray())
        {
            Assert.True(graph.ContainsKey(component.GetProperty("bom-ref").GetString()!));
        }
    }

    [Fact]
    public void AppCarriesFrameworkRidAndSourceRepository()
    {
        JsonElement app = Component(Written(SbomTestInputs.Create()), "app:app@1.0.0");

        Assert.Equal("application", app.GetProperty("type").GetString());
        Assert.Equal("net10.0", Property(app, SbomPropertyNames.TargetFramework));
        Assert.Equal("linux-x64", Property(app, SbomPropertyNames.RuntimeIdentifier));
        JsonElement vcs = Assert.Single(app.GetProperty("externalReferences").EnumerateArray());
        Assert.Equal(("vcs", "https://example.com/team/app.git"), (vcs.GetProperty("type").GetString(), vcs.GetProperty("url").GetString()));
    }

    [Fact]
    public void DependencyOnALibraryNotInTheListIsRejected()
    {
        NuGetLibrary orphan = new("A", "1.0.0", NuGetLibraryKind.Package, new string('0', 128), true, true, ["Missing"]);

        Assert.Throws<ArgumentException>(() => SbomBuilder.Build(SbomTestInputs.Create([orphan])));
    }

    internal static JsonElement Written(SbomInputs inputs) =>
        JsonDocument.Parse(SbomWriter.Write(SbomBuilder.Build(inputs))).RootElement.Clone();

    private static JsonElement Component(JsonElement bom, string bomRef) =>
        bom.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("bom-ref").GetString() == bomRef);

    private static string? Property(JsonElement component, string name) =>
        component.GetProperty("properties").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name).GetProperty("value").GetString();
}

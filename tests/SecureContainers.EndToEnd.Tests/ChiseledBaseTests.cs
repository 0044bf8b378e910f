using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// A chiseled-Ubuntu-style base (eng/testbed/build-fixtures.sh, chiseled:1): chisel's manifest.wall beside
/// chisel-wrapper's status.d. The SBOM lists each package once, with the slices the fixture cut and the .deb's hash.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class ChiseledBaseTests
{
    [Fact]
    public async Task PublishOnAChiseledBaseListsEachPackageOnceWithItsSlices()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "chiseled");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("chiseled:1")}",
            $"ContainerRegistry={TestBed.Registry}",
            "ContainerRepository=e2e/chiseled",
            "ContainerImageTag=1.0",
        ]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.DoesNotContain(result.Warnings, w => w is "SC4034" or "SC4035" or "SC4036");
        int slices = Fixtures.Get("chiseled").GetProperty("chiselSlices").EnumerateObject().Sum(p => p.Value.GetArrayLength());
        Assert.Contains($"4 deb packages (chiseled: {slices} slices)", result.Output);
        string sbomPath = Directory.GetFiles(Path.Combine(sample.Directory, "bin", "Release", "securecontainers"), "*.cdx.json").Single();
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(sbomPath));
        AssertSbomMatchesTheFixture(sbom);
        sample.Succeeded();
    }

    [Fact]
    public async Task SbomGenerateOfTheChiseledBaseListsEachPackageOnceWithItsSlices()
    {
        string output = Path.Combine(TestBed.WorkRoot, "chiseled.cdx.json");
        ProcessResult generated = await CliTool.RunAsync(["sbom", "generate", Fixtures.Pinned("chiseled"), "-o", output]);

        Assert.True(generated.ExitCode == 0, generated.Output);
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(output));
        AssertSbomMatchesTheFixture(sbom);
        ProcessResult valid = await SbomFacts.ValidateAsync(output);
        Assert.True(valid.Succeeded, valid.Output);
    }

    private static void AssertSbomMatchesTheFixture(JsonDocument sbom)
    {
        JsonElement fixture = Fixtures.Get("chiseled");
        string[] expected = fixture.GetProperty("packages").EnumerateArray().Select(p => p.GetString()!).Order(StringComparer.Ordinal).ToArray();
        JsonElement[] debs = sbom.RootElement.GetProperty("components").EnumerateArray()
            .Where(c => c.TryGetProperty("purl", out JsonElement purl) && purl.GetString()!.StartsWith("pkg:deb/", StringComparison.Ordinal))
            .ToArray();

        // Once each: three have a status.d record and a manifest entry, zlib1g only the manifest entry.
        Assert.Equal(4, expected.Length);
        Assert.Equal(expected, debs.Select(c => $"{c.GetProperty("name").GetString()}={c.GetProperty("version").GetString()}").Order(StringComparer.Ordinal));
        Assert.Equal(new SortedSet<string>(expected, StringComparer.Ordinal), SbomFacts.OsPackages(sbom, "deb"));

        JsonElement slices = fixture.GetProperty("chiselSlices");
        JsonElement hashes = fixture.GetProperty("debSha256");
        Assert.All(debs, c =>
        {
            string name = c.GetProperty("name").GetString()!;
            string[] properties = c.GetProperty("properties").EnumerateArray()
                .Where(p => p.GetProperty("name").GetString() == "securecontainers:chisel:slices").Select(p => p.GetProperty("value").GetString()!).ToArray();
            Assert.Equal([string.Join(',', slices.GetProperty(name).EnumerateArray().Select(s => s.GetString()))], properties);
            JsonElement hash = Assert.Single(c.GetProperty("hashes").EnumerateArray());
            Assert.Equal(("SHA-256", hashes.GetProperty(name).GetString()), (hash.GetProperty("alg").GetString(), hash.GetProperty("content").GetString()));
        });
    }
}

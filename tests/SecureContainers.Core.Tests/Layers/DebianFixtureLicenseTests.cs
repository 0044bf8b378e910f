using System.Text.Json;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Tests.Layers;

/// <summary>
/// A fact over the test bed's Debian fixtures (eng/testbed/build-fixtures.sh): skipped with the reason when they have not
/// been built, except under SC_REQUIRE_TOOLS=1 (eng/test.sh builds them first), where their absence fails the test.
/// </summary>
public sealed class DebianFixturesFactAttribute : FactAttribute
{
    public DebianFixturesFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(ToolFactAttribute.RequireVariable) != "1" && !File.Exists(DebianFixtureLicenseTests.FactsFile))
        {
            Skip = $"{DebianFixtureLicenseTests.FactsFile} is missing: run eng/testbed/build-fixtures.sh. Set {ToolFactAttribute.RequireVariable}=1 to make this a failure.";
        }
    }
}

/// <summary>
/// The scanner's reading of the real fixtures' copyright files (straight from their OCI layouts) against the short
/// names build-fixtures.sh computed with awk from the same images unpacked by umoci (deb-licenses.json).
/// </summary>
public class DebianFixtureLicenseTests
{
    public static string Layouts => RepositoryRoot.Combine("artifacts", "testbed", "oci");

    public static string FactsFile => Path.Combine(Layouts, "deb-licenses.json");

    [DebianFixturesFact]
    public async Task EveryDebianFixturePackageHasTheShortNamesAnIndependentReadingOfTheImageFinds()
    {
        using JsonDocument facts = JsonDocument.Parse(await File.ReadAllBytesAsync(FactsFile));
        int withLicenses = 0;
        foreach (JsonProperty fixture in facts.RootElement.EnumerateObject())
        {
            ImageContentsReport report = ImageContentsAnalyzer.Analyze(await ScanLayoutAsync(fixture.Name));

            Dictionary<string, string[]> expected = fixture.Value.EnumerateObject().ToDictionary(
                p => p.Name, p => p.Value.ValueKind == JsonValueKind.Null ? [] : p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray());
            Dictionary<string, string[]> actual = report.Packages.ToDictionary(p => p.Name, p => p.CopyrightLicenses.ToArray());
            Assert.Equal(expected, actual);
            Assert.Empty(report.LicenseMessages);
            withLicenses += actual.Values.Count(l => l.Length > 0);
        }

        // fat alone has 50 packages with a machine-readable file (and 5 doc-directory links among them).
        Assert.True(withLicenses >= 50, $"only {withLicenses} packages with licenses");
    }

    private static async Task<ImageFileSystem> ScanLayoutAsync(string name)
    {
        string layout = Path.Combine(Layouts, name);
        string Blob(string digest) => Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);
        using JsonDocument index = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(layout, "index.json")));
        string manifestDigest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        using JsonDocument manifest = JsonDocument.Parse(await File.ReadAllBytesAsync(Blob(manifestDigest)));
        LayerRef[] layers = manifest.RootElement.GetProperty("layers").EnumerateArray()
            .Select(l => new LayerRef(Digest.Parse(l.GetProperty("digest").GetString()!), l.GetProperty("mediaType").GetString()!, l.GetProperty("size").GetInt64()))
            .ToArray();
        return await new LayerScanner(LayerScanLimits.Default, cache: null).ScanAsync(
            layers, (layer, _) => Task.FromResult<Stream>(File.OpenRead(Blob(layer.Digest.ToString()))), CancellationToken.None);
    }
}

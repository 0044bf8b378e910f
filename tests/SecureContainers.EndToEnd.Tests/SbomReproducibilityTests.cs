using System.Text.RegularExpressions;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// SBOMs are reproducible. The SDK (10.0.401) stamps image configs with the current time and the app layer's tar
/// entries with the files' build times, so two clean builds give different image and app layer digests; everything
/// else in the SBOM must be byte-identical for the same SOURCE_DATE_EPOCH.
/// </summary>
[Collection(EndToEndCollection.Name)]
public partial class SbomReproducibilityTests
{
    [Fact]
    public async Task TwoCleanBuildsDifferOnlyInTheImageAndAppLayerDigestFields()
    {
        Dictionary<string, string?> epoch = new() { ["SOURCE_DATE_EPOCH"] = "1700000000" };
        string[] properties =
        [
            $"ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")}",
            $"ContainerRegistry={TestBed.Registry}",
            "ContainerRepository=e2e/reproducible",
            "ContainerImageTag=1.0",
        ];

        List<(string Digest, string AppLayer, string Text)> builds = new();
        for (int i = 0; i < 2; i++)
        {
            // The second build reuses the name, so each keeps or drops its own logs as its iteration ends.
            using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "reproducible");
            PublishResult result = await sample.PublishAsync(properties, epoch);
            Assert.True(result.Succeeded, result.ToString());
            var manifest = await RegistryProbe.ManifestAsync("e2e/reproducible", "1.0");
            string text = File.ReadAllText(Path.Combine(sample.Directory, "bin", "Release", "securecontainers", "e2e_reproducible-linux-x64.cdx.json"));
            Assert.Contains("\"timestamp\": \"2023-11-14T22:13:20Z\"", text);
            string appLayer = manifest!.Value.Json.RootElement.GetProperty("layers").EnumerateArray().Last().GetProperty("digest").GetString()!;
            builds.Add((manifest.Value.Digest, appLayer, text));
            sample.Succeeded();
        }

        Assert.NotEqual(builds[0].Digest, builds[1].Digest);
        Assert.Equal(Mask(Mask(builds[0].Text, builds[0].Digest), builds[0].AppLayer), Mask(Mask(builds[1].Text, builds[1].Digest), builds[1].AppLayer));
    }

    /// <summary>Replaces a digest (plain and percent-encoded) and the content-derived serial number.</summary>
    private static string Mask(string sbom, string digest)
    {
        string hex = digest["sha256:".Length..];
        string masked = sbom.Replace(digest, "sha256:IMAGE").Replace(digest.Replace(":", "%3A"), "sha256%3AIMAGE").Replace(hex, "IMAGE");
        return SerialNumber().Replace(masked, "\"serialNumber\": \"urn:uuid:SERIAL\"");
    }

    [GeneratedRegex("\"serialNumber\": \"urn:uuid:[0-9a-f-]+\"")]
    private static partial Regex SerialNumber();
}

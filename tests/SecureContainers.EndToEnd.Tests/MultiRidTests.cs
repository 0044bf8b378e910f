using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// Multi-RID publishes (an inner build per RID, then an image index). The NuGet copy here serves runtime and apphost
/// packs for linux-x64 and win-x64 only, so the fixture index holds linux/amd64 and windows/amd64 manifests.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class MultiRidTests(SigningKeys keys) : IClassFixture<SigningKeys>
{
    private static string[] Properties(string baseImage, string repository) =>
    [
        $"ContainerBaseImage={TestBed.BaseImage(baseImage)}",
        $"ContainerRegistry={TestBed.Registry}",
        $"ContainerRepository={repository}",
        "ContainerImageTag=1.0",
        "RuntimeIdentifiers=\"linux-x64;win-x64\"",
    ];

    [Fact]
    public async Task EveryPlatformIsGatedAndNothingIsPushedWhenOneIsRoot()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "multi-root");
        PublishResult result = await sample.PublishAsync(Properties("multi-root:10.0", "e2e/multi-root"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SC2001", result.Errors);
        Assert.Contains("SC2008", result.Errors);
        Assert.Contains("linux/amd64", result.Output);
        Assert.Contains("windows/amd64", result.Output);
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/multi-root"));
        sample.Succeeded();
    }

    [Fact]
    public async Task NonRootIndexIsPushedWithAnSbomPerPlatform()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "multi-ok");
        PublishResult result = await sample.PublishAsync(Properties("multi:10.0", "e2e/multi-ok"));

        Assert.True(result.Succeeded, result.ToString());
        var index = await RegistryProbe.ManifestAsync("e2e/multi-ok", "1.0");
        Assert.NotNull(index);
        string[] platforms = index.Value.Json.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => m.GetProperty("platform").GetProperty("os").GetString() + "/" + m.GetProperty("platform").GetProperty("architecture").GetString())
            .Order().ToArray();
        Assert.Equal(["linux/amd64", "windows/amd64"], platforms);

        foreach ((string rid, JsonElement entry) in new[] { "linux-x64", "win-x64" }.Zip(index.Value.Json.RootElement.GetProperty("manifests").EnumerateArray()
                     .OrderBy(m => m.GetProperty("platform").GetProperty("os").GetString())))
        {
            string sbomPath = Path.Combine(sample.Directory, "bin", "Release", "securecontainers", $"e2e_multi-ok-{rid}.cdx.json");
            Assert.True(File.Exists(sbomPath), $"no SBOM for {rid}\n{result.Output}");
            Assert.Contains($"SBOM-ITEM: {sbomPath} rid={rid}", result.Output);
            using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(sbomPath));
            string purl = sbom.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("purl").GetString()!;
            Assert.Contains(entry.GetProperty("digest").GetString()!.Replace(":", "%3A"), purl);
            Assert.True((await SbomFacts.ValidateAsync(sbomPath)).Succeeded);

            var attached = await RegistryProbe.AttachedSbomAsync("e2e/multi-ok", entry.GetProperty("digest").GetString()!);
            Assert.NotNull(attached);
            Assert.Equal(File.ReadAllBytes(sbomPath), attached.Value.Sbom);
        }

        sample.Succeeded();
    }

    [Fact]
    public async Task SignedIndexPassesTheDocumentedVerifyWithSbomAndProvenanceRequired()
    {
        // Issue 9 item 7: the command docs/configuration.md and samples/pipelines promise, on the index tag.
        SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "multi-signed");
        PublishResult result = await sample.PublishAsync([.. Properties("multi:10.0", "e2e/multi-signed"), $"SecureContainerSigningKey={keys.PrivateKey}"], keys.Environment);
        Assert.True(result.Succeeded, result.ToString());

        ProcessResult verify = await CliTool.RunAsync(["verify", $"{TestBed.Registry}/e2e/multi-signed:1.0", "--key", keys.PublicKey, "--require-sbom", "--require-provenance"]);

        // Standard output and error arrive interleaved here, so the text report is checked, not the JSON one.
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Matches("(?m)^Verified: ", verify.Output);
        Assert.Matches(@"(?m)^  platform linux/amd64 sha256:[0-9a-f]{64}: verified$", verify.Output);
        Assert.Matches(@"(?m)^  platform windows/amd64 sha256:[0-9a-f]{64}: verified$", verify.Output);

        // The default format, both, also signs the index and every platform manifest with a Sigstore bundle referrer.
        var index = await RegistryProbe.ManifestAsync("e2e/multi-signed", "1.0");
        string[] subjects = [index!.Value.Digest, .. index.Value.Json.RootElement.GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("digest").GetString()!)];
        Assert.Equal(3, subjects.Length);
        foreach (string subject in subjects)
        {
            Assert.Contains("application/vnd.dev.sigstore.bundle.v0.3+json", await RegistryProbe.ReferrerArtifactTypesAsync("e2e/multi-signed", subject));
        }
    }
}

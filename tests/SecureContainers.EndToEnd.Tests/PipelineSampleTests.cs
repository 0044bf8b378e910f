using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// The pipeline samples cannot rot: both definitions run samples/pipelines/release.sh, and these tests run that same
/// script, and its variant for images pushed by another tool (release-archive.sh), against the test registry with a key
/// from `securecontainers keygen`.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class PipelineSampleTests(SigningKeys keys) : IClassFixture<SigningKeys>
{
    private static string Pipelines => Path.Combine(TestBed.RepoRoot, "samples", "pipelines");

    [Fact]
    public void TheAzurePipelineSignsWithAKeyThroughTheTestedReleaseScript()
    {
        string yaml = File.ReadAllText(Path.Combine(Pipelines, "azure-pipelines.yml"));
        Assert.Contains("samples/pipelines/release.sh", yaml);
        Assert.Contains("SECURECONTAINERS_KEY_PASSWORD", yaml);
        Assert.Contains("dotnet tool install --global SecureContainers.Cli", yaml);
    }

    [Fact]
    public void TheGitHubWorkflowSignsKeylessThroughTheTestedReleaseScript()
    {
        string yaml = File.ReadAllText(Path.Combine(Pipelines, "github-actions.yml"));
        Assert.Contains("samples/pipelines/release-keyless.sh", yaml);
        Assert.Contains("id-token: write", yaml);
        Assert.Contains("CERTIFICATE_IDENTITY: https://github.com/${{ github.workflow_ref }}", yaml);
        Assert.DoesNotContain("SIGNING_KEY", yaml);
        Assert.Contains("dotnet tool install --global SecureContainers.Cli", yaml);
    }

    [SigstoreMockFact]
    public async Task KeylessReleaseScriptPublishesAndVerifiesByTheWorkflowIdentity()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "pipeline-keyless");
        string output = Path.Combine(sample.Directory, "release");
        await CliTool.RunAsync(["--help"]);

        Dictionary<string, string?> environment = new()
        {
            ["PROJECT"] = sample.ProjectFile,
            ["REGISTRY"] = TestBed.Registry,
            ["REPOSITORY"] = "e2e/pipeline-keyless",
            ["TAG"] = "2.0.0",
            ["CERTIFICATE_IDENTITY"] = SigstoreMockFactAttribute.Variable("SC_SIGSTORE_IDENTITY"),
            ["CERTIFICATE_OIDC_ISSUER"] = SigstoreMockFactAttribute.Variable("SC_SIGSTORE_OIDC_ISSUER"),
            ["TRUSTED_ROOT"] = SigstoreMockFactAttribute.Variable("SC_SIGSTORE_TRUSTED_ROOT"),
            ["FULCIO_URL"] = SigstoreMockFactAttribute.Variable("SC_SIGSTORE_FULCIO_URL"),
            ["REKOR_URL"] = SigstoreMockFactAttribute.Variable("SC_SIGSTORE_REKOR_URL"),
            ["ACTIONS_ID_TOKEN_REQUEST_URL"] = SigstoreMockFactAttribute.Variable("SC_SIGSTORE_ACTIONS_ID_TOKEN_REQUEST_URL"),
            ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = SigstoreMockFactAttribute.Variable("SC_SIGSTORE_ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
            ["OUT_DIR"] = output,
            ["PUBLISH_ARGS"] = $"-p:ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")} -nodeReuse:false",
            ["SECURECONTAINERS"] = Path.Combine(TestBed.WorkRoot, "tools", "securecontainers"),
            ["NUGET_PACKAGES"] = TestBed.NuGetPackages,
            ["MSBUILDDISABLENODEREUSE"] = "1",
        };
        ProcessResult release = await ProcessRunner.RunAsync("bash", [Path.Combine(Pipelines, "release-keyless.sh")], sample.Directory, environment, TimeSpan.FromMinutes(8));

        Assert.True(release.Succeeded, release.Output);
        using JsonDocument verification = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "verification.json")));
        Assert.True(verification.RootElement.GetProperty("verified").GetBoolean(), verification.RootElement.ToString());
        Assert.True(File.Exists(Path.Combine(output, "sbom.cdx.json")));
        sample.Succeeded();
    }

    [Fact]
    public async Task ReleaseScriptPublishesVerifiesAndKeepsTheSbom()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "pipeline");
        string output = Path.Combine(sample.Directory, "release");
        await CliTool.RunAsync(["--help"]);
        string toolDirectory = Path.Combine(TestBed.WorkRoot, "tools");

        Dictionary<string, string?> environment = new(keys.Environment)
        {
            ["PROJECT"] = sample.ProjectFile,
            ["REGISTRY"] = TestBed.Registry,
            ["REPOSITORY"] = "e2e/pipeline",
            ["TAG"] = "2.0.0",
            ["SIGNING_KEY_FILE"] = keys.PrivateKey,
            ["PUBLIC_KEY_FILE"] = keys.PublicKey,
            ["OUT_DIR"] = output,
            ["PUBLISH_ARGS"] = $"-p:ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")} -nodeReuse:false",
            ["SECURECONTAINERS"] = Path.Combine(toolDirectory, "securecontainers"),
            ["NUGET_PACKAGES"] = TestBed.NuGetPackages,
            ["MSBUILDDISABLENODEREUSE"] = "1",
        };
        ProcessResult release = await ProcessRunner.RunAsync("bash", [Path.Combine(Pipelines, "release.sh")], sample.Directory, environment, TimeSpan.FromMinutes(8));

        Assert.True(release.Succeeded, release.Output);
        using JsonDocument verification = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "verification.json")));
        Assert.True(verification.RootElement.GetProperty("verified").GetBoolean(), verification.RootElement.ToString());
        string local = Path.Combine(sample.Directory, "bin", "Release", "securecontainers", "e2e_pipeline-linux-x64.cdx.json");
        Assert.Equal(File.ReadAllBytes(local), File.ReadAllBytes(Path.Combine(output, "sbom.cdx.json")));
        sample.Succeeded();
    }

    [Fact]
    public async Task ArchiveReleaseScriptPushesWithSkopeoCompletesTheEvidenceAndVerifies()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "pipeline-archive");
        string output = Path.Combine(sample.Directory, "release");
        await CliTool.RunAsync(["--help"]);

        Dictionary<string, string?> environment = new(keys.Environment)
        {
            ["PROJECT"] = sample.ProjectFile,
            ["REGISTRY"] = TestBed.Registry,
            ["REPOSITORY"] = "e2e/pipeline-archive",
            ["TAG"] = "2.0.0",
            ["SIGNING_KEY_FILE"] = keys.PrivateKey,
            ["PUBLIC_KEY_FILE"] = keys.PublicKey,
            ["OUT_DIR"] = output,
            ["PUBLISH_ARGS"] = $"-p:ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")} -nodeReuse:false",
            ["SKOPEO_ARGS"] = "--dest-tls-verify=false",
            ["SOURCE_REPOSITORY"] = "https://example.com/acme/shop",
            ["SOURCE_COMMIT"] = new string('a', 40),
            ["SECURECONTAINERS"] = Path.Combine(TestBed.WorkRoot, "tools", "securecontainers"),
            ["NUGET_PACKAGES"] = TestBed.NuGetPackages,
            ["MSBUILDDISABLENODEREUSE"] = "1",
        };
        ProcessResult release = await ProcessRunner.RunAsync("bash", [Path.Combine(Pipelines, "release-archive.sh")], sample.Directory, environment, TimeSpan.FromMinutes(8));

        Assert.True(release.Succeeded, release.Output);
        using JsonDocument verification = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "verification.json")));
        Assert.True(verification.RootElement.GetProperty("verified").GetBoolean(), verification.RootElement.ToString());
        string built = Path.Combine(output, "build-sbom", "e2e_pipeline-archive-linux-x64.cdx.json");
        Assert.Equal(File.ReadAllBytes(built), File.ReadAllBytes(Path.Combine(output, "sbom.cdx.json")));
        sample.Succeeded();
    }
}

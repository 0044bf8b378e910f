using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// A secured publish in a simulated GitHub Actions job signs keyless: the job's OIDC token (from the test bed's token
/// endpoint, audience sigstore), a Fulcio certificate from the sigstore project's mock, a Rekor entry per signature;
/// `verify` accepts the image for the workflow's identity and issuer only, and sigstore's own verifier accepts every
/// bundle in the registry.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class KeylessPublishTests
{
    private const string OtherIdentity = "https://github.com/someone-else/fork/.github/workflows/release.yml@refs/heads/main";
    private const string BundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private static string TrustedRoot => SigstoreMockFactAttribute.Variable("SC_SIGSTORE_TRUSTED_ROOT");

    private static string Identity => SigstoreMockFactAttribute.Variable("SC_SIGSTORE_IDENTITY");

    private static string Issuer => SigstoreMockFactAttribute.Variable("SC_SIGSTORE_OIDC_ISSUER");

    /// <summary>What a GitHub Actions runner gives a job with <c>id-token: write</c>.</summary>
    private static Dictionary<string, string?> GitHubActions => new()
    {
        ["GITHUB_ACTIONS"] = "true",
        ["GITHUB_REPOSITORY"] = "octo-org/octo-repo",
        ["GITHUB_WORKFLOW_REF"] = "octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main",
        ["ACTIONS_ID_TOKEN_REQUEST_URL"] = SigstoreMockFactAttribute.Variable("SC_SIGSTORE_ACTIONS_ID_TOKEN_REQUEST_URL"),
        ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = SigstoreMockFactAttribute.Variable("SC_SIGSTORE_ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
    };

    private static string[] Keyless =>
    [
        "SecureContainerSigningMode=keyless",
        $"SecureContainerFulcioUrl={SigstoreMockFactAttribute.Variable("SC_SIGSTORE_FULCIO_URL")}",
        $"SecureContainerRekorUrl={SigstoreMockFactAttribute.Variable("SC_SIGSTORE_REKOR_URL")}",
    ];

    private static string[] VerifyAs(string image, string identity, string issuer) =>
        ["verify", image, "--certificate-identity", identity, "--certificate-oidc-issuer", issuer, "--trusted-root", TrustedRoot];

    [SigstoreMockFact]
    public async Task AKeylessPublishVerifiesForTheWorkflowIdentityAndSigstoreAcceptsEveryBundle()
    {
        const string repository = "e2e/keyless";
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "keyless");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")}",
            $"ContainerRegistry={TestBed.Registry}",
            $"ContainerRepository={repository}",
            "ContainerImageTag=1.0",
            .. Keyless,
        ], GitHubActions, verbosity: "normal");
        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("keyless identity", result.Output);
        Assert.DoesNotContain(SigstoreMockFactAttribute.Variable("SC_SIGSTORE_ACTIONS_ID_TOKEN_REQUEST_TOKEN"), result.Output);

        string image = $"{TestBed.Registry}/{repository}:1.0";
        ProcessResult verified = await CliTool.RunAsync([.. VerifyAs(image, Identity, Issuer), "--require-sbom", "--require-provenance", "--output", "json"]);
        Assert.True(verified.ExitCode == 0, verified.Output);
        ProcessResult otherIdentity = await CliTool.RunAsync(VerifyAs(image, OtherIdentity, Issuer));
        Assert.True(otherIdentity.ExitCode == 1, otherIdentity.Output);
        ProcessResult otherIssuer = await CliTool.RunAsync(VerifyAs(image, Identity, "https://gitlab.com"));
        Assert.True(otherIssuer.ExitCode == 1, otherIssuer.Output);

        // Bundles only (keyless), each carrying the certificate and its Rekor entry, each accepted by sigstore's verifier.
        string digest = (await RegistryProbe.ManifestAsync(repository, "1.0"))!.Value.Digest;
        Assert.Null(await RegistryProbe.ManifestAsync(repository, RegistryProbe.CosignTag(digest, "sig")));
        var index = await RegistryProbe.ManifestAsync(repository, "sha256-" + digest["sha256:".Length..]);
        JsonElement[] bundles = index!.Value.Json.RootElement.GetProperty("manifests").EnumerateArray()
            .Where(e => e.GetProperty("artifactType").GetString() == BundleType).ToArray();
        Assert.Equal(3, bundles.Length);
        foreach (JsonElement entry in bundles)
        {
            var manifest = await RegistryProbe.ManifestAsync(repository, entry.GetProperty("digest").GetString()!);
            JsonElement layer = Assert.Single(manifest!.Value.Json.RootElement.GetProperty("layers").EnumerateArray());
            byte[] bundle = await RegistryProbe.BlobAsync(repository, layer.GetProperty("digest").GetString()!);
            using JsonDocument parsed = JsonDocument.Parse(bundle);
            JsonElement material = parsed.RootElement.GetProperty("verificationMaterial");
            Assert.True(material.TryGetProperty("certificate", out _));
            Assert.Single(material.GetProperty("tlogEntries").EnumerateArray());

            ProcessResult accepted = await SigstoreJs.VerifyKeylessAsync(bundle, TrustedRoot, Identity, Issuer, digest);
            Assert.True(accepted.ExitCode == 0, accepted.Output);
            ProcessResult refused = await SigstoreJs.VerifyKeylessAsync(bundle, TrustedRoot, OtherIdentity, Issuer, digest);
            Assert.True(refused.ExitCode == 1, refused.Output);
        }

        sample.Succeeded();
    }

    [SigstoreMockFact]
    public async Task AKeylessMultiPlatformPublishVerifiesOnTheIndex()
    {
        const string repository = "e2e/keyless-multi";
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "keyless-multi");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("multi:10.0")}",
            $"ContainerRegistry={TestBed.Registry}",
            $"ContainerRepository={repository}",
            "ContainerImageTag=1.0",
            "RuntimeIdentifiers=\"linux-x64;win-x64\"",
            .. Keyless,
        ], GitHubActions);
        Assert.True(result.Succeeded, result.ToString());

        ProcessResult verified = await CliTool.RunAsync([.. VerifyAs($"{TestBed.Registry}/{repository}:1.0", Identity, Issuer), "--require-sbom"]);
        Assert.True(verified.ExitCode == 0, verified.Output);
        sample.Succeeded();
    }

    [Fact]
    public async Task KeylessWithoutAnIdentityTokenFailsBeforeAnythingIsPushed()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "keyless-no-token");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")}",
            $"ContainerRegistry={TestBed.Registry}",
            "ContainerRepository=e2e/keyless-no-token",
            "ContainerImageTag=1.0",
            "SecureContainerSigningMode=keyless",
        ], new Dictionary<string, string?> { ["ACTIONS_ID_TOKEN_REQUEST_URL"] = null, ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = null, ["SIGSTORE_ID_TOKEN"] = null });

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SC6050", result.Errors);
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/keyless-no-token"));
        sample.Succeeded();
    }
}

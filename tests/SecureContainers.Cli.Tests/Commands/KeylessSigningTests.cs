using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.TestUtilities.Signing;

namespace SecureContainers.Cli.Tests.Commands;

/// <summary>
/// `sign --keyless` and `attest --keyless` against the offline sigstore test bed (the sigstore project's mock Fulcio and
/// Rekor, a GitHub Actions token endpoint), then `verify` by certificate identity and issuer under the mock's trusted
/// root; and the signer options checked before anything is written.
/// </summary>
public class KeylessSigningTests
{
    private const string Repo = "team/app";
    private const string OtherIdentity = "https://github.com/someone-else/fork/.github/workflows/release.yml@refs/heads/main";
    private static readonly Platform Amd64 = new("linux", "amd64");

    private static CliHarness InGitHubActions()
    {
        CliHarness cli = new();
        Func<string, string?> actions = SigstoreMock.GitHubActionsEnvironment();
        cli.Environment["ACTIONS_ID_TOKEN_REQUEST_URL"] = actions("ACTIONS_ID_TOKEN_REQUEST_URL")!;
        cli.Environment["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = actions("ACTIONS_ID_TOKEN_REQUEST_TOKEN")!;
        return cli;
    }

    private static string[] Services => ["--fulcio-url", SigstoreMock.FulcioUrl.ToString(), "--rekor-url", SigstoreMock.RekorUrl.ToString()];

    private static string[] Identity(string identity, string issuer) =>
        ["--certificate-identity", identity, "--certificate-oidc-issuer", issuer, "--trusted-root", SigstoreMock.TrustedRoot];

    [SigstoreMockFact]
    public async Task AKeylessSignatureVerifiesForTheWorkflowIdentityOnly()
    {
        SigstoreMock.EnsureRunning();
        CliHarness cli = InGitHubActions();
        cli.Registry.AddImage(Repo, "1.0", Amd64);
        string image = $"{CliHarness.Host}/{Repo}:1.0";

        CliResult sign = await cli.RunAsync(["sign", image, "--keyless", .. Services, "--output", "json"]);
        CliResult verified = await cli.RunAsync(["verify", image, .. Identity(SigstoreMock.Identity, SigstoreMock.Issuer), "--output", "json"]);
        CliResult otherIdentity = await cli.RunAsync(["verify", image, .. Identity(OtherIdentity, SigstoreMock.Issuer)]);
        CliResult otherIssuer = await cli.RunAsync(["verify", image, .. Identity(SigstoreMock.Identity, "https://gitlab.com")]);

        Assert.True(sign.ExitCode == ExitCode.Success, sign.Error);
        using JsonDocument signed = JsonDocument.Parse(sign.StandardOutput);
        Assert.Equal("bundle", signed.RootElement.GetProperty("signatureFormat").GetString());
        Assert.Equal(JsonValueKind.Null, signed.RootElement.GetProperty("keyFingerprint").ValueKind);
        Assert.Contains(SigstoreMock.Issuer, signed.RootElement.GetProperty("signer").GetString());
        Assert.True(verified.ExitCode == ExitCode.Success, verified.Error + verified.Output);
        Assert.Equal(ExitCode.Failure, otherIdentity.ExitCode);
        Assert.Contains("SC6071", otherIdentity.Error);
        Assert.Equal(ExitCode.Failure, otherIssuer.ExitCode);
        Assert.Contains("SC6071", otherIssuer.Error);
    }

    [SigstoreMockFact]
    public async Task AKeylessSbomAttestationSatisfiesRequireSbom()
    {
        SigstoreMock.EnsureRunning();
        CliHarness cli = InGitHubActions();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        string reference = $"{CliHarness.Host}/{Repo}:1.0";
        using TempFile sbom = new(CliHarness.Sbom(Repo, image.Digest));

        CliResult sign = await cli.RunAsync(["sign", reference, "--keyless", .. Services]);
        CliResult attest = await cli.RunAsync(["attest", reference, "--keyless", .. Services, "--sbom", sbom.Path]);
        CliResult verify = await cli.RunAsync(["verify", reference, .. Identity(SigstoreMock.Identity, SigstoreMock.Issuer), "--require-sbom"]);

        Assert.True(sign.ExitCode == ExitCode.Success, sign.Error);
        Assert.True(attest.ExitCode == ExitCode.Success, attest.Error);
        Assert.Contains("https://cyclonedx.org/bom", attest.Output);
        Assert.True(verify.ExitCode == ExitCode.Success, verify.Error + verify.Output);
    }

    [Theory]
    [InlineData("neither --key nor --keyless")]
    [InlineData("both --key and --keyless", "--key", "k.pem", "--keyless")]
    [InlineData("--tlog-upload is for --key", "--keyless", "--tlog-upload")]
    [InlineData("--fulcio-url is for --keyless", "--key", "k.pem", "--fulcio-url", "https://fulcio.example")]
    [InlineData("is not an absolute https URL", "--keyless", "--rekor-url", "http://rekor.example")]
    public async Task SignerOptionsThatDoNotNameOneSignerAreAUsageErrorBeforeAnythingIsWritten(string why, params string[] options)
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);

        CliResult sign = await cli.RunAsync(["sign", $"{CliHarness.Host}/{Repo}:1.0", .. options]);

        Assert.Equal(ExitCode.UsageError, sign.ExitCode);
        Assert.Contains("SC1109", sign.Error);
        Assert.Contains(why, sign.Error);
        Assert.Equal(0, cli.Registry.CountRequests(r => r.Method != HttpMethod.Get && r.Method != HttpMethod.Head));
    }

    [Fact]
    public async Task KeylessWithoutAnIdentityTokenSaysWhereTokensComeFromAndWritesNothing()
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);

        CliResult sign = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:1.0", "--keyless");

        Assert.Equal(ExitCode.UsageError, sign.ExitCode);
        Assert.Contains("SC6050", sign.Error);
        Assert.Contains("SIGSTORE_ID_TOKEN", sign.Error);
        Assert.Equal(0, cli.Registry.CountRequests(r => r.Method != HttpMethod.Get && r.Method != HttpMethod.Head));
    }
}

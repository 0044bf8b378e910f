using System.Text;
using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Signing.Cosign;

namespace SecureContainers.Cli.Tests.Commands;

public class AttestCommandTests
{
    private const string Repo = "team/app";
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private static readonly Platform Amd64 = new("linux", "amd64");

    [Fact]
    public async Task SignedAndAttestedImagePassesVerifyRequiringSbomAndProvenance()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TestKeys keys = new();
        using TestKeys other = new();
        using TempFile sbom = new(CliHarness.Sbom(Repo, image.Digest));
        string reference = $"{CliHarness.Host}/{Repo}:1.0";

        CliResult sign = await cli.RunAsync("sign", reference, "--key", keys.PrivateKey);
        CliResult attest = await cli.RunAsync("attest", reference, "--key", keys.PrivateKey, "--sbom", sbom.Path, "--provenance",
            "--source-repository", "https://token@github.com/team/app.git", "--source-commit", Commit);
        CliResult verified = await cli.RunAsync("verify", reference, "--key", keys.PublicKey, "--require-sbom", "--require-provenance", "--output", "json");
        CliResult refused = await cli.RunAsync("verify", reference, "--key", other.PublicKey, "--require-sbom", "--require-provenance");

        Assert.Equal(ExitCode.Success, sign.ExitCode);
        Assert.Equal(ExitCode.Success, attest.ExitCode);
        Assert.Equal("", attest.Error);
        Assert.Equal(ExitCode.Success, verified.ExitCode);
        using JsonDocument report = JsonDocument.Parse(verified.StandardOutput);
        Assert.True(report.RootElement.GetProperty("verified").GetBoolean());
        Assert.Equal(["https://cyclonedx.org/bom", "https://slsa.dev/provenance/v1"],
            report.RootElement.GetProperty("predicateTypes").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(ExitCode.Failure, refused.ExitCode);
    }

    [Fact]
    public async Task ProvenanceNamesTheSourceWithoutCredentials()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TestKeys keys = new();

        await cli.RunAsync("attest", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--provenance",
            "--source-repository", "https://user:token@github.com/team/app.git", "--source-commit", Commit);

        string statement = await StatementAsync(cli, image.Digest, 0);
        Assert.Contains("git+https://github.com/team/app", statement);
        Assert.Contains(Commit, statement);
        Assert.DoesNotContain("token", statement);
    }

    [Fact]
    public async Task RepeatedAttestationWithSourceDateEpochAddsNothing()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TestKeys keys = new();
        using TempFile sbom = new(CliHarness.Sbom(Repo, image.Digest));
        cli.Environment["SOURCE_DATE_EPOCH"] = "1767225600";
        string[] args = ["attest", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--sbom", sbom.Path, "--provenance", "--output", "json"];

        await cli.RunAsync(args);
        cli.Now = cli.Now.AddHours(1);
        CliResult second = await cli.RunAsync(args);

        Assert.Equal(ExitCode.Success, second.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(second.StandardOutput);
        Assert.All(doc.RootElement.GetProperty("attestations").EnumerateArray(), a => Assert.False(a.GetProperty("added").GetBoolean()));
        Assert.Equal(2, SignCommandTests.LayerCount(cli.Registry.ManifestAt(Repo, CosignNames.AttestationTag(image.Digest))!));
        Assert.Contains("2026-01-01T00:00:00Z", await StatementAsync(cli, image.Digest, 1));
    }

    [Fact]
    public async Task WithoutSourceDateEpochProvenanceIsDatedByTheImageSoRepeatingItAddsNothing()
    {
        CliHarness cli = new();
        byte[] config = """{"architecture":"amd64","os":"linux","created":"2026-03-04T05:06:07Z","config":{"User":"1654"},"rootfs":{"type":"layers","diff_ids":[]}}"""u8.ToArray();
        Descriptor configBlob = cli.Registry.AddBlob(config, MediaTypes.OciConfigV1);
        Digest digest = cli.Registry.AddManifest(Repo, "1.0", FakeRegistry.ManifestJson(MediaTypes.OciManifestV1, configBlob, []), MediaTypes.OciManifestV1);
        using TestKeys keys = new();
        string[] args = ["attest", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--provenance", "--output", "json"];

        await cli.RunAsync(args);
        cli.Now = cli.Now.AddHours(1);
        CliResult second = await cli.RunAsync(args);

        Assert.Equal(ExitCode.Success, second.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(second.StandardOutput);
        Assert.All(doc.RootElement.GetProperty("attestations").EnumerateArray(), a => Assert.False(a.GetProperty("added").GetBoolean()));
        Assert.All(doc.RootElement.GetProperty("bundles").EnumerateArray(), b => Assert.False(b.GetProperty("added").GetBoolean()));
        Assert.Contains("2026-03-04T05:06:07Z", await StatementAsync(cli, digest, 0));
    }

    [Fact]
    public async Task NothingToAttestIsAUsageErrorBeforeAnyRequest()
    {
        CliHarness cli = new();
        using TestKeys keys = new();

        CliResult result = await cli.RunAsync("attest", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC1105: ", result.Error);
        Assert.Equal(0, cli.Registry.CountRequests(_ => true));
    }

    [Theory]
    [InlineData("--source-commit", "abc123", "SC1106")]
    [InlineData("--source-repository", "not a url", "SC1106")]
    public async Task InvalidSourceIsAUsageErrorBeforeAnyRequest(string option, string value, string code)
    {
        CliHarness cli = new();
        using TestKeys keys = new();

        CliResult result = await cli.RunAsync("attest", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--provenance", option, value);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith($"error {code}: ", result.Error);
        Assert.Equal(0, cli.Registry.CountRequests(_ => true));
    }

    [Fact]
    public async Task SourceOptionWithoutProvenanceIsAUsageError()
    {
        CliHarness cli = new();
        using TestKeys keys = new();
        using TempFile sbom = new(CliHarness.Sbom(Repo, Digest.Sha256([1])));

        CliResult result = await cli.RunAsync("attest", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--sbom", sbom.Path, "--source-commit", Commit);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC1107: ", result.Error);
        Assert.Contains("--source-commit", result.Error);
    }

    [Fact]
    public async Task SbomThatIsNotCycloneDxIsRefusedBeforeTheKeyIsUnlocked()
    {
        CliHarness cli = new();
        using TestKeys keys = new("pw");
        using TempFile sbom = new(Encoding.UTF8.GetBytes("{\"spdxVersion\":\"SPDX-2.3\"}"));
        bool prompted = false;
        cli.ReadSecret = _ => { prompted = true; return "pw"; };

        CliResult result = await cli.RunAsync("attest", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--sbom", sbom.Path);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC1103: ", result.Error);
        Assert.False(prompted);
    }

    /// <summary>The in-toto statement in layer <paramref name="index"/> of the image's attestation manifest.</summary>
    private static async Task<string> StatementAsync(CliHarness cli, Digest image, int index)
    {
        using JsonDocument manifest = JsonDocument.Parse(cli.Registry.ManifestAt(Repo, CosignNames.AttestationTag(image))!);
        Digest layer = Digest.Parse(manifest.RootElement.GetProperty("layers")[index].GetProperty("digest").GetString()!);
        using HttpClient http = new(cli.Registry, disposeHandler: false);
        byte[] envelope = await http.GetByteArrayAsync($"https://{CliHarness.Host}/v2/{Repo}/blobs/{layer}");
        using JsonDocument dsse = JsonDocument.Parse(envelope);
        return Encoding.UTF8.GetString(Convert.FromBase64String(dsse.RootElement.GetProperty("payload").GetString()!));
    }
}

using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.TestUtilities.Validation;

namespace SecureContainers.Cli.Tests.Commands;

/// <summary><c>--signature-format</c> of sign and attest: cosign v3 bundles as referrers, the legacy tags, or both.</summary>
public class SignatureFormatTests
{
    private const string Repo = "team/app";
    private const string BundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";
    private static readonly Platform Amd64 = new("linux", "amd64");

    private static JsonElement[] FallbackEntries(FakeRegistry registry, Digest subject)
    {
        using JsonDocument doc = JsonDocument.Parse(registry.ManifestAt(Repo, RegistryClient.ReferrersTag(subject)) ?? "{\"manifests\":[]}"u8.ToArray());
        return doc.RootElement.GetProperty("manifests").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Fact]
    public async Task SignWithTheBundleFormatPushesOneBundleReferrerAndNoSigTagAndAddsNothingTheSecondTime()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        cli.Environment["SOURCE_DATE_EPOCH"] = "1700000000";
        using TestKeys keys = new();

        CliResult first = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--signature-format", "bundle", "--output", "json");
        CliResult again = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}@{image.Digest}", "--key", keys.PrivateKey, "--signature-format", "bundle", "--output", "json");

        Assert.Equal(ExitCode.Success, first.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(first.StandardOutput);
        Assert.Equal("bundle", doc.RootElement.GetProperty("signatureFormat").GetString());
        Assert.False(doc.RootElement.TryGetProperty("signature", out _));
        JsonElement bundle = Assert.Single(doc.RootElement.GetProperty("bundles").EnumerateArray());
        Assert.Equal("https://sigstore.dev/cosign/sign/v1", bundle.GetProperty("predicateType").GetString());
        Assert.True(bundle.GetProperty("added").GetBoolean());
        Assert.Null(cli.Registry.ManifestAt(Repo, CosignNames.SignatureTag(image.Digest)));

        JsonElement entry = Assert.Single(FallbackEntries(cli.Registry, image.Digest));
        Assert.Equal(bundle.GetProperty("manifest").GetString(), entry.GetProperty("digest").GetString());
        Assert.Equal(BundleType, entry.GetProperty("artifactType").GetString());
        Assert.Equal("2023-11-14T22:13:20Z", entry.GetProperty("annotations").GetProperty("org.opencontainers.image.created").GetString());

        using JsonDocument second = JsonDocument.Parse(again.StandardOutput);
        Assert.False(Assert.Single(second.RootElement.GetProperty("bundles").EnumerateArray()).GetProperty("added").GetBoolean());
        Assert.Single(FallbackEntries(cli.Registry, image.Digest));
    }

    [Fact]
    public async Task TheDefaultFormatIsBothSignatureAndBundle()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TestKeys keys = new();

        CliResult result = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--output", "json");

        Assert.Equal(ExitCode.Success, result.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("both", doc.RootElement.GetProperty("signatureFormat").GetString());
        Assert.True(doc.RootElement.TryGetProperty("signature", out _));
        Assert.Single(doc.RootElement.GetProperty("bundles").EnumerateArray());
        Assert.NotNull(cli.Registry.ManifestAt(Repo, CosignNames.SignatureTag(image.Digest)));
    }

    [Theory]
    [InlineData("sign")]
    [InlineData("attest")]
    public async Task AnotherWordIsAUsageErrorBeforeAnyRequest(string verb)
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TestKeys keys = new();

        CliResult result = await cli.RunAsync(verb, $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--provenance", "--signature-format", "Bundle");

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC1101: ", result.Error);
        Assert.Contains("'bundle'", result.Error);
        Assert.Equal(0, cli.Registry.CountRequests(_ => true));
    }

    [Fact]
    public async Task AttestWithTheBundleFormatWritesOneBundlePerStatementAndNoAttTag()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TempFile sbom = new(CliHarness.Sbom(Repo, image.Digest));
        using TestKeys keys = new();

        CliResult result = await cli.RunAsync("attest", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--sbom", sbom.Path, "--provenance",
            "--signature-format", "bundle", "--output", "json");

        Assert.Equal(ExitCode.Success, result.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        Assert.Empty(doc.RootElement.GetProperty("attestations").EnumerateArray());
        Assert.Equal(["https://cyclonedx.org/bom", "https://slsa.dev/provenance/v1"],
            doc.RootElement.GetProperty("bundles").EnumerateArray().Select(b => b.GetProperty("predicateType").GetString()));
        Assert.Null(cli.Registry.ManifestAt(Repo, CosignNames.AttestationTag(image.Digest)));
        Assert.Equal(2, FallbackEntries(cli.Registry, image.Digest).Count(e => e.GetProperty("artifactType").GetString() == BundleType));
    }

    [SigstoreVerifierFact]
    public async Task SigstoresJsVerifierAcceptsWhatSignAndAttestWrite()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TempFile sbom = new(CliHarness.Sbom(Repo, image.Digest));
        using TestKeys keys = new();
        using TestKeys other = new();

        Assert.Equal(ExitCode.Success, (await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--signature-format", "bundle")).ExitCode);
        Assert.Equal(ExitCode.Success, (await cli.RunAsync("attest", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--sbom", sbom.Path, "--provenance",
            "--signature-format", "bundle")).ExitCode);

        using RegistryClient client = new(cli.Registry.Options());
        JsonElement[] entries = FallbackEntries(cli.Registry, image.Digest);
        Assert.Equal(3, entries.Length);
        foreach (JsonElement entry in entries)
        {
            (_, string mediaType, byte[] manifest) = await client.GetManifestAsync(CliHarness.Host, Repo, entry.GetProperty("digest").GetString()!, CancellationToken.None);
            Descriptor layer = Assert.Single(ImageManifest.Parse(manifest, mediaType).Layers);
            await using DigestVerifyingStream stream = await client.OpenBlobAsync(CliHarness.Host, Repo, layer, CancellationToken.None);
            using MemoryStream bytes = new();
            await stream.CopyToAsync(bytes);

            SigstoreVerdict verdict = SigstoreJsVerifier.VerifyWithKey(bytes.ToArray(), File.ReadAllText(keys.PublicKey), image.Digest.ToString());
            Assert.True(verdict.Ok, verdict.ToString());
            Assert.False(SigstoreJsVerifier.VerifyWithKey(bytes.ToArray(), File.ReadAllText(other.PublicKey)).Ok);
        }
    }
}

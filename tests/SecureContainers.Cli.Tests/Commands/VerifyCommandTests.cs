using SecureContainers.TestUtilities.Signing;
using System.Text.Json;

namespace SecureContainers.Cli.Tests.Commands;

/// <summary>
/// `verify` on a multi-platform image as a signed multi-RID publish leaves it: the command docs/configuration.md and
/// samples/pipelines promise (`verify &lt;index tag&gt; --key --require-sbom --require-provenance`) must pass.
/// </summary>
public sealed class VerifyCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly SignedIndexFixture _f;

    public VerifyCommandTests() => _f = new SignedIndexFixture(_cli.Registry);

    public void Dispose() => _f.Dispose();

    private static string IndexTag => $"{CliHarness.Host}/{SignedIndexFixture.Repository}:{SignedIndexFixture.Tag}";

    [Fact]
    public async Task SignedMultiRidIndexPassesTheDocumentedReleaseGateAndReportsEachPlatform()
    {
        await _f.PublishSignedAsync();

        CliResult result = await _cli.RunAsync("verify", IndexTag, "--key", _f.PublicKeyPath, "--require-sbom", "--require-provenance");

        Assert.True(result.ExitCode == ExitCode.Success, result.Output + result.Error);
        Assert.Equal("", result.Error);
        Assert.StartsWith($"Verified: {CliHarness.Host}/{SignedIndexFixture.Repository}@{_f.IndexDigest} with key", result.Output);
        Assert.Contains($"  platform linux/amd64 {_f.Amd64.Digest}: verified", result.Output);
        Assert.Contains($"  platform linux/arm64/v8 {_f.Arm64.Digest}: verified", result.Output);
        Assert.Contains("    predicate types: https://cyclonedx.org/bom, https://slsa.dev/provenance/v1", result.Output);
    }

    [Fact]
    public async Task ValidChecksPrintNoEmptyParentheses()
    {
        await _f.PublishSignedAsync();

        CliResult result = await _cli.RunAsync("verify", IndexTag, "--key", _f.PublicKeyPath);

        Assert.Equal(ExitCode.Success, result.ExitCode);
        Assert.Contains(": valid\n", result.Output.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("()", result.Output);
    }

    [Fact]
    public async Task PlatformWithoutSbomFailsWithSC6023NamingItInTextAndJson()
    {
        _f.AddIndex();
        await _f.SignPlatformAsync(_f.Amd64);
        await _f.SignPlatformAsync(_f.Arm64, sbom: false);
        await _f.SignIndexAsync();

        CliResult text = await _cli.RunAsync("verify", IndexTag, "--key", _f.PublicKeyPath, "--require-sbom", "--require-provenance");
        CliResult json = await _cli.RunAsync("verify", IndexTag, "--key", _f.PublicKeyPath, "--require-sbom", "--require-provenance", "--output", "json");

        Assert.Equal(ExitCode.Failure, text.ExitCode);
        Assert.StartsWith("NOT verified:", text.Output);
        Assert.Contains($"  platform linux/arm64/v8 {_f.Arm64.Digest}: NOT verified (SC6023)", text.Output);
        string error = Assert.Single(text.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error SC6023:", error);
        Assert.Contains("linux/arm64/v8", error);

        Assert.Equal(ExitCode.Failure, json.ExitCode);
        using JsonDocument report = JsonDocument.Parse(json.StandardOutput);
        JsonElement arm = report.RootElement.GetProperty("platforms")[1];
        Assert.Equal("linux/arm64/v8", arm.GetProperty("platform").GetString());
        Assert.False(arm.GetProperty("verified").GetBoolean());
        Assert.Equal("SC6023", report.RootElement.GetProperty("failureCode").GetString());
    }

    [Fact]
    public async Task PlatformSignedWithAnotherKeyFails()
    {
        _f.AddIndex();
        await _f.SignPlatformAsync(_f.Amd64);
        await _f.SignPlatformAsync(_f.Arm64, signer: _f.OtherSigner);
        await _f.SignIndexAsync();

        CliResult result = await _cli.RunAsync("verify", IndexTag, "--key", _f.PublicKeyPath);

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.Contains("error SC6021:", result.Error);
        Assert.Contains($"  platform linux/arm64/v8 {_f.Arm64.Digest}: NOT verified (SC6021)", result.Output);
    }

    [Fact]
    public async Task PlatformOptionVerifiesThatPlatformManifestOnly()
    {
        _f.AddIndex();
        await _f.SignPlatformAsync(_f.Amd64);

        CliResult result = await _cli.RunAsync("verify", IndexTag, "--platform", "linux/amd64", "--key", _f.PublicKeyPath, "--require-sbom", "--require-provenance");

        Assert.True(result.ExitCode == ExitCode.Success, result.Output + result.Error);
        Assert.StartsWith($"Verified: {CliHarness.Host}/{SignedIndexFixture.Repository}@{_f.Amd64.Digest}", result.Output);
        Assert.DoesNotContain("platform ", result.Output);
    }

    [Fact]
    public async Task AttestationManifestIsSkippedWithANoteAndDoesNotFailTheGate()
    {
        await _f.PublishSignedAsync(withAttestationManifest: true);

        CliResult result = await _cli.RunAsync("verify", IndexTag, "--key", _f.PublicKeyPath, "--require-sbom", "--require-provenance");

        Assert.True(result.ExitCode == ExitCode.Success, result.Output + result.Error);
        Assert.StartsWith("message SC6027:", result.Error);
        Assert.Contains("(unknown/unknown): attestation manifest, not a platform image", result.Output);
    }
}

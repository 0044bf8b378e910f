using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Signing.Cosign;

namespace SecureContainers.Cli.Tests.Commands;

public class SignCommandTests
{
    private const string Repo = "team/app";
    private static readonly Platform Amd64 = new("linux", "amd64");

    [Fact]
    public async Task SignatureVerifiesWithThePublicKeyAndNotWithAnother()
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TestKeys keys = new();
        using TestKeys other = new();

        CliResult sign = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey);
        CliResult verified = await cli.RunAsync("verify", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PublicKey);
        CliResult refused = await cli.RunAsync("verify", $"{CliHarness.Host}/{Repo}:1.0", "--key", other.PublicKey);

        Assert.Equal(ExitCode.Success, sign.ExitCode);
        Assert.Equal("", sign.Error);
        Assert.Contains(".sig", sign.Output);
        Assert.Equal(ExitCode.Success, verified.ExitCode);
        Assert.Equal(ExitCode.Failure, refused.ExitCode);

        // Signed in both formats (the default), the bundle is what verify reads: cosign's "bundles win".
        Assert.Contains("error SC6071: ", refused.Error);
        Assert.Contains("SC6074", refused.Error);
    }

    [Fact]
    public async Task ALegacyOnlySignatureIsRefusedWithAnotherKeyAsBefore()
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TestKeys keys = new();
        using TestKeys other = new();

        CliResult sign = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--signature-format", "legacy");
        CliResult refused = await cli.RunAsync("verify", $"{CliHarness.Host}/{Repo}:1.0", "--key", other.PublicKey);

        Assert.Equal(ExitCode.Success, sign.ExitCode);
        Assert.Equal(ExitCode.Failure, refused.ExitCode);
        Assert.Contains("error SC6021: ", refused.Error);
    }

    [Fact]
    public async Task SigningTheSameDigestAgainAppendsNoSecondSignature()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TestKeys keys = new();

        CliResult first = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--output", "json");
        CliResult second = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}@{image.Digest}", "--key", keys.PrivateKey, "--output", "json");

        Assert.Equal(ExitCode.Success, second.ExitCode);
        Assert.Equal(SignatureManifest(first), SignatureManifest(second));
        Assert.Equal(1, LayerCount(cli.Registry.ManifestAt(Repo, CosignNames.SignatureTag(image.Digest))!));
    }

    [Fact]
    public async Task EncryptedKeyTakesItsPasswordFromTheNamedVariable()
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TestKeys keys = new("s3cret-pw");
        cli.Environment["RELEASE_KEY_PASSWORD"] = "s3cret-pw";

        CliResult result = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--key-password-variable", "RELEASE_KEY_PASSWORD");

        Assert.Equal(ExitCode.Success, result.ExitCode);
        Assert.DoesNotContain("s3cret-pw", result.Output + result.Error);
    }

    [Fact]
    public async Task EncryptedKeyWithoutPasswordAsksAtATerminal()
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TestKeys keys = new("typed-pw");
        List<string> prompts = new();
        cli.ReadSecret = prompt => { prompts.Add(prompt); return "typed-pw"; };

        CliResult result = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey);

        Assert.Equal(ExitCode.Success, result.ExitCode);
        Assert.Single(prompts);
        Assert.Contains("SECURECONTAINERS_KEY_PASSWORD", prompts[0]);
    }

    [Fact]
    public async Task EncryptedKeyWithoutPasswordOrTerminalFailsBeforeAnyRequest()
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TestKeys keys = new("pw");
        int before = cli.Registry.CountRequests(_ => true);

        CliResult result = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC6005: ", result.Error);
        Assert.Contains("--key-password-variable", result.Error);
        Assert.Equal(before, cli.Registry.CountRequests(_ => true));
    }

    [Fact]
    public async Task WrongPasswordIsAUsageErrorAndPushesNothing()
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TestKeys keys = new("right");
        cli.Environment["SECURECONTAINERS_KEY_PASSWORD"] = "wrong";

        CliResult result = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC6004: ", result.Error);
        Assert.Equal(0, cli.Registry.CountRequests(r => r.Method != HttpMethod.Get && r.Method != HttpMethod.Head));
    }

    [Fact]
    public async Task PushRefusedIsAFailureThatNamesThePushCredentials()
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);
        cli.Registry.RequireBearer();
        cli.Registry.PushCredentials = ("pusher", "push-pw");
        using TestKeys keys = new();

        CliResult result = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:1.0", "--key", keys.PrivateKey, "--output", "json");

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.StartsWith("error SC3112: ", result.Error);
        Assert.Contains("DOTNET_CONTAINER_PUSH_REGISTRY_UNAME", result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(1, doc.RootElement.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task PlatformSignsThatPlatformsManifest()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage amd = cli.Registry.AddImage(Repo, null, Amd64, layers: [[1]]);
        FakeRegistry.FakeImage arm = cli.Registry.AddImage(Repo, null, new Platform("linux", "arm64"), layers: [[2]]);
        cli.Registry.AddIndex(Repo, "multi", MediaTypes.OciIndexV1, amd, arm);
        using TestKeys keys = new();

        CliResult result = await cli.RunAsync("sign", $"{CliHarness.Host}/{Repo}:multi", "--key", keys.PrivateKey, "--platform", "linux/arm64", "--output", "json");

        Assert.Equal(ExitCode.Success, result.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(arm.Digest.ToString(), doc.RootElement.GetProperty("digest").GetString());
        Assert.NotNull(cli.Registry.ManifestAt(Repo, CosignNames.SignatureTag(arm.Digest)));
    }

    private static string SignatureManifest(CliResult result)
    {
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        return doc.RootElement.GetProperty("signature").GetProperty("manifest").GetString()!;
    }

    internal static int LayerCount(byte[] manifest)
    {
        using JsonDocument doc = JsonDocument.Parse(manifest);
        return doc.RootElement.GetProperty("layers").GetArrayLength();
    }
}

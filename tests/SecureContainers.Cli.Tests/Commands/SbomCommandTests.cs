using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Cli.Tests.Commands;

public class SbomCommandTests
{
    private const string Repo = "team/app";
    private static readonly Platform Amd64 = new("linux", "amd64");
    private static readonly Platform Arm64 = new("linux", "arm64");

    [Fact]
    public async Task ByTagWritesTheAttachedSbomToStandardOutput()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        byte[] sbom = CliHarness.Sbom(Repo, image.Digest);
        await cli.AttachAsync(Repo, image, sbom);

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.Equal(ExitCode.Success, result.ExitCode);
        Assert.Equal(sbom, result.StandardOutput);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task FindsTheNewestSbomAttachedThroughTheReferrersApi()
    {
        CliHarness cli = new();
        cli.Registry.ReferrersApi = true;
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        byte[] older = CliHarness.Sbom(Repo, image.Digest, "older");
        byte[] newer = CliHarness.Sbom(Repo, image.Digest, "newer");
        await cli.AttachAsync(Repo, image, newer, "2025-06-01T12:00:00Z");
        await cli.AttachAsync(Repo, image, older, "2024-01-01T00:00:00Z");

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0");

        // The newest is chosen by its created annotation, which only the API's entries carry here: there is no referrers tag.
        Assert.Equal(ExitCode.Success, result.ExitCode);
        Assert.Equal(newer, result.StandardOutput);
        string tag = RegistryClient.ReferrersTag(image.Digest);
        Assert.Null(cli.Registry.ManifestAt(Repo, tag));
        Assert.Equal(0, cli.Registry.CountRequests(r => r.Uri.AbsolutePath.EndsWith("/manifests/" + tag, StringComparison.Ordinal)));
        Assert.Equal(1, cli.Registry.CountRequests(r => r.Uri.AbsolutePath.EndsWith($"/referrers/{image.Digest}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ResolvesTheTagOnceAndThenWorksByDigest()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        await cli.AttachAsync(Repo, image, CliHarness.Sbom(Repo, image.Digest));
        int before = cli.Registry.CountRequests(r => r.Uri.AbsolutePath.EndsWith("/manifests/1.0", StringComparison.Ordinal));

        await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.Equal(1, cli.Registry.CountRequests(r => r.Uri.AbsolutePath.EndsWith("/manifests/1.0", StringComparison.Ordinal)) - before);
    }

    [Fact]
    public async Task ByDigest()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, null, Amd64);
        byte[] sbom = CliHarness.Sbom(Repo, image.Digest);
        await cli.AttachAsync(Repo, image, sbom);

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}@{image.Digest}");

        Assert.Equal(ExitCode.Success, result.ExitCode);
        Assert.Equal(sbom, result.StandardOutput);
    }

    [Fact]
    public async Task IndexWithPlatformReadsThatPlatformsSbomAndDefaultsToLinuxAmd64()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage amd = cli.Registry.AddImage(Repo, null, Amd64, layers: [[1]]);
        FakeRegistry.FakeImage arm = cli.Registry.AddImage(Repo, null, Arm64, layers: [[2]]);
        cli.Registry.AddIndex(Repo, "multi", MediaTypes.OciIndexV1, amd, arm);
        byte[] amdSbom = CliHarness.Sbom(Repo, amd.Digest, "amd");
        byte[] armSbom = CliHarness.Sbom(Repo, arm.Digest, "arm");
        await cli.AttachAsync(Repo, amd, amdSbom);
        await cli.AttachAsync(Repo, arm, armSbom);

        CliResult armResult = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:multi", "--platform", "linux/arm64");
        CliResult defaultResult = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:multi");

        Assert.Equal(ExitCode.Success, armResult.ExitCode);
        Assert.Equal(armSbom, armResult.StandardOutput);
        Assert.Equal(ExitCode.Success, defaultResult.ExitCode);
        Assert.Equal(amdSbom, defaultResult.StandardOutput);
    }

    [Fact]
    public async Task IndexWithOnePlatformNeedsNoPlatformOption()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage arm = cli.Registry.AddImage(Repo, null, Arm64);
        cli.Registry.AddIndex(Repo, "arm-only", MediaTypes.OciIndexV1, arm);
        byte[] sbom = CliHarness.Sbom(Repo, arm.Digest);
        await cli.AttachAsync(Repo, arm, sbom);

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:arm-only");

        Assert.Equal(ExitCode.Success, result.ExitCode);
        Assert.Equal(sbom, result.StandardOutput);
    }

    [Fact]
    public async Task PlatformTheIndexLacksIsAUsageError()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage amd = cli.Registry.AddImage(Repo, null, Amd64);
        cli.Registry.AddIndex(Repo, "multi", MediaTypes.OciIndexV1, amd);

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:multi", "--platform", "linux/s390x");

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC3104: ", result.Error);
    }

    [Fact]
    public async Task PlatformOtherThanASinglePlatformImagesIsAUsageError()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        await cli.AttachAsync(Repo, image, CliHarness.Sbom(Repo, image.Digest));

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0", "--platform", "linux/arm64");

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC3105: ", result.Error);
    }

    [Fact]
    public async Task NoneAttachedIsFailureWithCode()
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.StartsWith("error SC5201: ", result.Error);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task ReferrerWhoseSubjectIsAnotherImageIsRefused()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64, layers: [[1]]);
        FakeRegistry.FakeImage other = cli.Registry.AddImage(Repo, "other", Amd64, layers: [[2]]);
        Descriptor artifact = await cli.AttachAsync(Repo, other, CliHarness.Sbom(Repo, image.Digest));
        // A referrers tag that (wrongly) lists the other image's SBOM artifact under this image.
        cli.Registry.AddManifest(Repo, RegistryClient.ReferrersTag(image.Digest), ReferrersIndex(artifact), MediaTypes.OciIndexV1);

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.StartsWith("error SC5202: ", result.Error);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task SbomNamingAnotherImageIsRefused()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64, layers: [[1]]);
        FakeRegistry.FakeImage other = cli.Registry.AddImage(Repo, "other", Amd64, layers: [[2]]);
        await cli.AttachAsync(Repo, image, CliHarness.Sbom(Repo, other.Digest));

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.StartsWith("error SC5204: ", result.Error);
        Assert.Contains(other.Digest.ToString(), result.Error);
    }

    [Fact]
    public async Task TamperedSbomLayerIsRefused()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        byte[] sbom = CliHarness.Sbom(Repo, image.Digest);
        await cli.AttachAsync(Repo, image, sbom);
        byte[] altered = (byte[])sbom.Clone();
        altered[^2] ^= 1;
        cli.Registry.TamperBlob(Digest.Sha256(sbom), altered);

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.StartsWith("error SC3106: ", result.Error);
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task SeveralAttachedPicksTheNewestByCreatedAnnotation()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        byte[] older = CliHarness.Sbom(Repo, image.Digest, "older");
        byte[] newer = CliHarness.Sbom(Repo, image.Digest, "newer");
        byte[] undated = CliHarness.Sbom(Repo, image.Digest, "undated");
        await cli.AttachAsync(Repo, image, older, "2024-01-01T00:00:00Z");
        await cli.AttachAsync(Repo, image, newer, "2025-06-01T12:00:00Z");
        await cli.AttachAsync(Repo, image, undated);

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.Equal(ExitCode.Success, result.ExitCode);
        Assert.Equal(newer, result.StandardOutput);
    }

    [Fact]
    public async Task OutputOptionWritesTheExactBytesAndNothingToStandardOutput()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        byte[] sbom = CliHarness.Sbom(Repo, image.Digest);
        await cli.AttachAsync(Repo, image, sbom);
        string dir = Directory.CreateTempSubdirectory("sc-cli-").FullName;
        string file = Path.Combine(dir, "app.cdx.json");
        File.WriteAllText(file, "previous");

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0", "-o", file);

        Assert.Equal(ExitCode.Success, result.ExitCode);
        Assert.Equal(sbom, File.ReadAllBytes(file));
        Assert.Empty(result.StandardOutput);
        Assert.Equal([file], Directory.GetFiles(dir));
        Assert.Contains(image.Digest.ToString(), result.Output);
    }

    [Fact]
    public async Task FailureLeavesTheOutputFileUntouched()
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);
        string dir = Directory.CreateTempSubdirectory("sc-cli-").FullName;
        string file = Path.Combine(dir, "app.cdx.json");
        File.WriteAllText(file, "previous");

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0", "--output", file);

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.Equal("previous", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("registry.test/Team/App:1.0")]
    [InlineData("registry.test/team/app:bad tag")]
    [InlineData("registry.test/team/app@sha256:1234")]
    public async Task BadReferenceIsAUsageErrorBeforeAnyRequest(string reference)
    {
        CliHarness cli = new();

        CliResult result = await cli.RunAsync("sbom", reference);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC3001: ", result.Error);
        Assert.Equal(0, cli.Registry.CountRequests(_ => true));
    }

    [Theory]
    [InlineData("linux")]
    [InlineData("linux/")]
    [InlineData("Linux/AMD64")]
    [InlineData("linux/arm64/v8/extra")]
    public async Task BadPlatformIsAUsageError(string platform)
    {
        CliHarness cli = new();

        CliResult result = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0", "--platform", platform);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC1102: ", result.Error);
    }

    [Theory]
    [InlineData("sbom", "registry.test/team/app:1.0", "--bogus")]
    [InlineData("sbom")]
    [InlineData("sbom", "a", "b")]
    [InlineData("sbom", "registry.test/team/app:1.0", "--platform")]
    [InlineData("no-such-command")]
    [InlineData]
    public async Task BadCommandLineIsAUsageErrorWithCode(params string[] args)
    {
        CliHarness cli = new();

        CliResult result = await cli.RunAsync(args);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC1101: ", result.Error);
        Assert.All(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("error SC1101: ", line));
        Assert.Empty(result.StandardOutput);
    }

    [Fact]
    public async Task ClosedLoopbackPortIsRegistryUnreachable()
    {
        CliHarness cli = new() { RegistryOptions = () => new RegistryClientOptions { Delay = (_, _) => Task.CompletedTask } };

        CliResult result = await cli.RunAsync("sbom", $"localhost:{ClosedPort()}/team/app:1.0");

        Assert.Equal(ExitCode.RegistryUnreachable, result.ExitCode);
        Assert.StartsWith("error SC3101: ", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task HelpListsTheCommandAndSucceeds()
    {
        CliHarness cli = new();

        CliResult root = await cli.RunAsync("--help");
        CliResult sbom = await cli.RunAsync("sbom", "--help");

        Assert.Equal(ExitCode.Success, root.ExitCode);
        Assert.Contains("sbom", root.Output);
        Assert.Equal(ExitCode.Success, sbom.ExitCode);
        Assert.Contains("--platform", sbom.Output);
        Assert.Contains("--output", sbom.Output);
    }

    private static byte[] ReferrersIndex(Descriptor entry) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        schemaVersion = 2,
        mediaType = MediaTypes.OciIndexV1,
        manifests = new[] { new { mediaType = entry.MediaType, digest = entry.Digest.ToString(), size = entry.Size, artifactType = entry.ArtifactType } },
    });

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

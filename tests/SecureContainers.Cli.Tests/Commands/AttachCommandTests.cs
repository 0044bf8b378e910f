using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Cli.Tests.Commands;

public class AttachCommandTests
{
    private const string Repo = "team/app";
    private static readonly Platform Amd64 = new("linux", "amd64");

    [Fact]
    public async Task AttachedSbomIsWhatTheSbomVerbReadsBack()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TempFile file = new(CliHarness.Sbom(Repo, image.Digest));

        CliResult attach = await cli.RunAsync("attach", $"{CliHarness.Host}/{Repo}:1.0", "--sbom", file.Path);
        CliResult read = await cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.Equal(ExitCode.Success, attach.ExitCode);
        Assert.Contains($"{CliHarness.Host}/{Repo}@{image.Digest}", attach.Output);
        Assert.Equal("", attach.Error);
        Assert.Equal(ExitCode.Success, read.ExitCode);
        Assert.Equal(File.ReadAllBytes(file.Path), read.StandardOutput);
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, "1767225600")]
    public async Task AttachingTheSameFileTwiceAddsNoSecondReferrer(bool sbomHasTimestamp, string? sourceDateEpoch)
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TempFile file = new(sbomHasTimestamp ? WithTimestamp(CliHarness.Sbom(Repo, image.Digest), "2026-01-02T03:04:05Z") : CliHarness.Sbom(Repo, image.Digest));
        if (sourceDateEpoch is not null)
        {
            cli.Environment["SOURCE_DATE_EPOCH"] = sourceDateEpoch;
        }

        CliResult first = await cli.RunAsync("attach", $"{CliHarness.Host}/{Repo}:1.0", "--sbom", file.Path, "--output", "json");
        cli.Now = cli.Now.AddHours(1);
        CliResult second = await cli.RunAsync("attach", $"{CliHarness.Host}/{Repo}:1.0", "--sbom", file.Path, "--output", "json");

        Assert.Equal(ExitCode.Success, second.ExitCode);
        Assert.Equal(Referrer(first), Referrer(second));
        byte[] index = cli.Registry.ManifestAt(Repo, RegistryClient.ReferrersTag(image.Digest))!;
        using JsonDocument doc = JsonDocument.Parse(index);
        Assert.Equal(1, doc.RootElement.GetProperty("manifests").GetArrayLength());
    }

    [Theory]
    [InlineData("{\"bomFormat\":\"SPDX\",\"specVersion\":\"1.6\"}")]
    [InlineData("{\"spdxVersion\":\"SPDX-2.3\"}")]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    public async Task FileThatIsNotCycloneDxIsRefusedBeforeAnyRequest(string content)
    {
        CliHarness cli = new();
        cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TempFile file = new(System.Text.Encoding.UTF8.GetBytes(content));
        int before = cli.Registry.CountRequests(_ => true);

        CliResult result = await cli.RunAsync("attach", $"{CliHarness.Host}/{Repo}:1.0", "--sbom", file.Path);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC1103: ", result.Error);
        Assert.Equal(before, cli.Registry.CountRequests(_ => true));
    }

    [Fact]
    public async Task MissingFileIsAUsageError()
    {
        CliHarness cli = new();

        CliResult result = await cli.RunAsync("attach", $"{CliHarness.Host}/{Repo}:1.0", "--sbom", Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")));

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC1104: ", result.Error);
        Assert.Equal(0, cli.Registry.CountRequests(_ => true));
    }

    [Fact]
    public async Task JsonReportNamesTheDigestAndTheReferrer()
    {
        CliHarness cli = new();
        FakeRegistry.FakeImage image = cli.Registry.AddImage(Repo, "1.0", Amd64);
        using TempFile file = new(CliHarness.Sbom(Repo, image.Digest));

        CliResult result = await cli.RunAsync("attach", $"{CliHarness.Host}/{Repo}:1.0", "--sbom", file.Path, "--output", "json");

        Assert.Contains("\"artifactType\":\"application/vnd.cyclonedx+json\"", System.Text.Encoding.UTF8.GetString(result.StandardOutput));
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        JsonElement root = doc.RootElement;
        Assert.Equal("attach", root.GetProperty("command").GetString());
        Assert.True(root.GetProperty("succeeded").GetBoolean());
        Assert.Equal(0, root.GetProperty("exitCode").GetInt32());
        Assert.Equal(image.Digest.ToString(), root.GetProperty("digest").GetString());
        Assert.Equal("application/vnd.cyclonedx+json", root.GetProperty("referrer").GetProperty("artifactType").GetString());
        Assert.Equal(0, root.GetProperty("diagnostics").GetArrayLength());
    }

    private static byte[] WithTimestamp(byte[] sbom, string timestamp)
    {
        System.Text.Json.Nodes.JsonNode node = System.Text.Json.Nodes.JsonNode.Parse(sbom)!;
        node["metadata"]!["timestamp"] = timestamp;
        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static string Referrer(CliResult result)
    {
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        return doc.RootElement.GetProperty("referrer").GetProperty("digest").GetString()!;
    }
}

using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using SecureContainers.TestUtilities.Validation;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Cli.Tests.Commands;

/// <summary>`check` and `sbom generate` on images any tool pushed, in-process against the in-memory registry.</summary>
public sealed class CheckCommandTests : IDisposable
{
    private const string Repo = "team/app";
    private const string SecretValue = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
    private static readonly Platform Amd64 = new("linux", "amd64");

    // A real publish's manifest: Newtonsoft.Json 13.0.3 (direct), project lib, System.CommandLine 2.0.0 through lib.
    private static readonly byte[] AppDepsJson = File.ReadAllBytes(
        RepositoryRoot.Combine("tests", "SecureContainers.Core.Tests", "Sbom", "TestData", "app3.publish.deps.json"));

    // The same app on Newtonsoft.Json 12.0.3, inside GHSA-5crp-9r3c-p9vr's "(, 13.0.1)" (high) in the test feed.
    private static readonly byte[] VulnerableDepsJson = Encoding.UTF8.GetBytes(
        Encoding.UTF8.GetString(AppDepsJson).Replace("Newtonsoft.Json/13.0.3", "Newtonsoft.Json/12.0.3", StringComparison.Ordinal)
            .Replace("\"Newtonsoft.Json\": \"13.0.3\"", "\"Newtonsoft.Json\": \"12.0.3\"", StringComparison.Ordinal));

    private readonly CliHarness _cli = new();

    public void Dispose()
    {
        if (Directory.Exists(_cli.LayerCacheDirectory))
        {
            Directory.Delete(_cli.LayerCacheDirectory, recursive: true);
        }
    }

    private static byte[] Layer(params (string Path, string? Content)[] entries) => Layer(AppDepsJson, entries);

    private static byte[] Layer(byte[] depsJson, params (string Path, string? Content)[] entries)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach ((string path, string? content) in entries)
            {
                var entry = new PaxTarEntry(content is null ? TarEntryType.Directory : TarEntryType.RegularFile, path) { Mode = (UnixFileMode)0b110_100_100 };
                if (content is not null)
                {
                    entry.DataStream = new MemoryStream(path.EndsWith(".deps.json", StringComparison.Ordinal) && content.Length == 0 ? depsJson : Encoding.UTF8.GetBytes(content));
                }
                else
                {
                    entry.Mode = (UnixFileMode)0b111_101_101;
                }

                writer.WriteEntry(entry);
            }
        }

        var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(tar.ToArray());
        }

        return gz.ToArray();
    }

    private static byte[] BaseLayer() => Layer(("etc", null), ("etc/passwd", "root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1654:1654::/home/app:/usr/sbin/nologin\n"));

    private static byte[] AppLayer(string appsettings = "{ \"Logging\": { \"LogLevel\": \"Information\" } }\n") =>
        Layer(("app", null), ("app/app.deps.json", ""), ("app/appsettings.json", appsettings));

    private FakeRegistry.FakeImage Push(string? user, byte[]? app = null) =>
        _cli.Registry.AddImage(Repo, "1.0", Amd64, user, layers: [BaseLayer(), app ?? AppLayer()]);

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.StandardOutput).RootElement;

    [Fact]
    public async Task ImageRunningAsRootFailsWithSC2001()
    {
        Push(user: "root");

        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.Contains("error SC2001:", result.Error);
        Assert.Contains("NOT passed", result.Output);
    }

    [Fact]
    public async Task ImageWithoutUserFailsWithSC2001()
    {
        Push(user: null);

        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0", "--output", "json");

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.Contains(Json(result).GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("code").GetString() == "SC2001");
    }

    [Fact]
    public async Task CleanImagePassesAndReportsItsPackages()
    {
        FakeRegistry.FakeImage image = Push(user: "app");

        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0", "--output", "json");

        Assert.True(result.ExitCode == ExitCode.Success, result.Error);
        JsonElement json = Json(result);
        Assert.Equal(("check", true, true), (json.GetProperty("command").GetString(), json.GetProperty("succeeded").GetBoolean(), json.GetProperty("passed").GetBoolean()));
        Assert.Equal(image.Digest.ToString(), json.GetProperty("digest").GetString());
        Assert.Equal("none", json.GetProperty("base").GetProperty("source").GetString());
        Assert.Equal(["Newtonsoft.Json@13.0.3", "System.CommandLine@2.0.0"],
            json.GetProperty("packages").EnumerateArray().Select(p => $"{p.GetProperty("id").GetString()}@{p.GetProperty("version").GetString()}"));

        // Checked against nuget.org's address by default (served in-process by the test feed): 13.0.3 is outside the advisory.
        Assert.Equal([NuGetFeedOptions.NuGetOrg], Assert.Single(_cli.AdvisorySources));
        Assert.Contains(_cli.NuGetFeed.Requests, u => u.AbsolutePath == "/v3/vulnerability/base.json");
        Assert.Empty(json.GetProperty("advisories").EnumerateArray());
        Assert.DoesNotContain(json.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("code").GetString()!.StartsWith("SC70", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Baseline", ExitCode.Success, "warning")]
    [InlineData("Restricted", ExitCode.Failure, "error")]
    public async Task VulnerablePackageFromTheFeedIsSC7001AndTheProfileDecidesTheExitCode(string profile, ExitCode expected, string severity)
    {
        Push(user: "app", Layer(VulnerableDepsJson, ("app", null), ("app/app.deps.json", "")));
        TestUtilities.NuGet.TestNuGetFeed feed = new("https://feed.test");
        _cli.VulnerabilitySource = new NuGetFeedVulnerabilitySource(new NuGetFeedOptions { Sources = [feed.ServiceIndex], CreateHandler = feed.CreateHandler });

        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0", "--profile", profile, "--nuget-source", feed.ServiceIndex, "--output", "json");

        Assert.True(result.ExitCode == expected, result.Error);
        Assert.Contains($"{severity} SC7001: ", result.Error);
        JsonElement advisory = Assert.Single(Json(result).GetProperty("advisories").EnumerateArray());
        Assert.Equal(("GHSA-5crp-9r3c-p9vr", "high", "Newtonsoft.Json", "12.0.3", "SC7001"),
            (advisory.GetProperty("id").GetString(), advisory.GetProperty("severity").GetString(), advisory.GetProperty("package").GetString(),
             advisory.GetProperty("version").GetString(), advisory.GetProperty("code").GetString()));
        Assert.Equal([feed.ServiceIndex], Assert.Single(_cli.AdvisorySources));
    }

    [Fact]
    public async Task RepeatedNuGetSourcesAreAllAskedAndTheImageArgumentStillParses()
    {
        Push(user: "app", Layer(VulnerableDepsJson, ("app", null), ("app/app.deps.json", "")));

        CliResult result = await _cli.RunAsync("check", "--nuget-source", "https://down.test/v3/index.json", "--nuget-source", NuGetFeedOptions.NuGetOrg, $"{CliHarness.Host}/{Repo}:1.0");

        Assert.Equal(["https://down.test/v3/index.json", NuGetFeedOptions.NuGetOrg], Assert.Single(_cli.AdvisorySources));
        // The reachable feed still finds the advisory; the other one is a warning, in the tool's words.
        Assert.Contains("warning SC7001: ", result.Error);
        Assert.Contains("warning SC7004: ", result.Error);
        Assert.DoesNotContain("nuget.config", result.Error);
    }

    [Fact]
    public async Task NoAdvisoriesSkipsTheCheckWithAWarningAndAsksNoFeed()
    {
        Push(user: "app", Layer(VulnerableDepsJson, ("app", null), ("app/app.deps.json", "")));

        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0", "--no-advisories", "--profile", "Restricted");

        Assert.True(result.ExitCode == ExitCode.Success, result.Error);
        Assert.Contains("warning SC7008: ", result.Error);
        Assert.Contains("2 NuGet package(s)", result.Error);
        Assert.Empty(_cli.AdvisorySources);
        Assert.Empty(_cli.NuGetFeed.Requests);
    }

    [Theory]
    [InlineData("http://feed.example/v3/index.json")]
    [InlineData("./packages")]
    [InlineData("https://user:secret@feed.example/v3/index.json")]
    public async Task AnUnusableNuGetSourceIsAUsageErrorBeforeAnyNetworkAccess(string source)
    {
        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0", "--nuget-source", source);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC1108: ", result.Error);
        Assert.Empty(_cli.Registry.Requests);
        Assert.Empty(_cli.NuGetFeed.Requests);
    }

    [Fact]
    public async Task NoAdvisoriesWithANuGetSourceIsAUsageError()
    {
        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0", "--no-advisories", "--nuget-source", NuGetFeedOptions.NuGetOrg);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith("error SC1108: ", result.Error);
    }

    [Fact]
    public async Task SecretInTheAppLayerFailsWithItsInImagePathAndNeverItsValue()
    {
        Push(user: "app", AppLayer("{\n  \"GitHub\": {\n    \"Token\": \"" + SecretValue + "\"\n  }\n}\n"));

        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0", "--output", "json");

        Assert.True(result.ExitCode == ExitCode.Failure, result.Error);
        Assert.Contains("error SC7106: File '/app/appsettings.json' line 3", result.Error);
        Assert.DoesNotContain(SecretValue, result.Error + Encoding.UTF8.GetString(result.StandardOutput));
    }

    [Fact]
    public async Task KnownVulnerablePackageInTheDepsJsonIsReported()
    {
        Push(user: "app");
        _cli.VulnerabilitySource = new FixedSource(("newtonsoft.json", Advisory.FromUrl("https://github.com/advisories/GHSA-test-test-test", VulnerabilitySeverity.Critical, "[13.0.0, 13.0.4)", "audit")));

        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0", "--output", "json");

        JsonElement advisory = Assert.Single(Json(result).GetProperty("advisories").EnumerateArray());
        Assert.Equal(("Newtonsoft.Json", "13.0.3"), (advisory.GetProperty("package").GetString(), advisory.GetProperty("version").GetString()));
        Assert.Contains("SC7001", result.Error);
    }

    /// <summary>A Debian 7 base whose nginx-full is inside the real DSA-3029-1 (fixed 1.2.1-2.2+wheezy3) and whose nginx-common is at the fix.</summary>
    private static byte[] Debian7BaseLayer() => Layer(
        ("etc", null), ("etc/passwd", "app:x:1654:1654::/home/app:/usr/sbin/nologin\n"),
        ("etc/os-release", "ID=debian\nVERSION_ID=\"7\"\nPRETTY_NAME=\"Debian GNU/Linux 7 (wheezy)\"\n"),
        ("var", null), ("var/lib", null), ("var/lib/dpkg", null),
        ("var/lib/dpkg/status",
            "Package: nginx-full\nStatus: install ok installed\nArchitecture: amd64\nSource: nginx\nVersion: 1.2.1-2.2+wheezy2\n\n" +
            "Package: nginx-common\nStatus: install ok installed\nArchitecture: all\nSource: nginx\nVersion: 1.2.1-2.2+wheezy3\n"));

    private static readonly string OsvTestData = RepositoryRoot.Combine("tests", "SecureContainers.Core.Tests", "Vulnerabilities", "Osv", "TestData");

    [Fact]
    public async Task TheDatabaseFindsTheBasesOsPackageAndTheNuGetPackageWithTheirFixes()
    {
        _cli.Registry.AddImage(Repo, "1.0", Amd64, "app", layers: [Debian7BaseLayer(), Layer(VulnerableDepsJson, ("app", null), ("app/app.deps.json", ""))]);

        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0", "--no-advisories", "--db", OsvTestData, "--output", "json");

        Assert.True(result.ExitCode == ExitCode.Success, result.Error);
        var found = Json(result).GetProperty("advisories").EnumerateArray()
            .Select(a => (a.GetProperty("id").GetString(), a.GetProperty("package").GetString(), a.GetProperty("version").GetString(), a.GetProperty("fixedVersion").GetString()))
            .ToArray();
        Assert.Equal(
            [("DSA-3029-1", "nginx-full", "1.2.1-2.2+wheezy2", "1.2.1-2.2+wheezy3"), ("GHSA-5crp-9r3c-p9vr", "Newtonsoft.Json", "12.0.3", "13.0.1")],
            found.Order());
        Assert.Contains("warning SC7213: ", result.Error);
        // The newest record in TestData is from 2025: stale today, said, and only a warning under Baseline.
        Assert.Contains("warning SC7214: ", result.Error);
        Assert.DoesNotContain("SC7008", result.Error);
        Assert.Empty(_cli.NuGetFeed.Requests);
    }

    [Fact]
    public async Task RestrictedFailsOnTheDatabasesFixableHighFindingAndItsAge()
    {
        _cli.Registry.AddImage(Repo, "1.0", Amd64, "app", layers: [Debian7BaseLayer(), Layer(VulnerableDepsJson, ("app", null), ("app/app.deps.json", ""))]);

        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0", "--no-advisories", "--db", OsvTestData, "--profile", "Restricted");

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.Contains("error SC7001: ", result.Error);
        Assert.Contains("error SC7214: ", result.Error);
        Assert.Contains("pass it with --db", result.Error);
        Assert.DoesNotContain("SecureContainerVulnerabilityDatabaseMaxAge", result.Error);
        Assert.Contains("warning SC7213: ", result.Error);
    }

    [Fact]
    public async Task BaseNamedByOptionLimitsTheSecretScanToTheAppLayers()
    {
        _cli.Registry.AddImage("base/runtime", "10.0", Amd64, "app", layers: [BaseLayer()]);
        Push(user: "app");

        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0", "--base", $"{CliHarness.Host}/base/runtime:10.0", "--output", "json");

        JsonElement json = Json(result);
        Assert.Equal("option", json.GetProperty("base").GetProperty("source").GetString());
        Assert.Equal($"{CliHarness.Host}/base/runtime:10.0", json.GetProperty("base").GetProperty("reference").GetString());
    }

    [Fact]
    public async Task BadBaseReferenceIsAUsageErrorBeforeAnyNetworkAccess()
    {
        CliResult result = await _cli.RunAsync("check", $"{CliHarness.Host}/{Repo}:1.0", "--base", "Not A Reference");

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.Contains("SC3001", result.Error);
        Assert.Empty(_cli.Registry.Requests);
    }

    [Fact]
    public async Task SbomGenerateListsTheDepsJsonPackages()
    {
        FakeRegistry.FakeImage image = Push(user: "app");

        CliResult result = await _cli.RunAsync("sbom", "generate", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.True(result.ExitCode == ExitCode.Success, result.Error);
        JsonElement sbom = Json(result);
        Assert.Equal("CycloneDX", sbom.GetProperty("bomFormat").GetString());
        string[] purls = sbom.GetProperty("components").EnumerateArray().Where(c => c.TryGetProperty("purl", out _)).Select(c => c.GetProperty("purl").GetString()!).ToArray();
        Assert.Contains("pkg:nuget/Newtonsoft.Json@13.0.3", purls);
        Assert.Contains("pkg:nuget/System.CommandLine@2.0.0", purls);
        Assert.Contains(image.Digest.Hex, sbom.GetProperty("metadata").GetProperty("component").GetProperty("purl").GetString());
    }

    [Fact]
    public async Task SbomOfAnImageStillFetchesTheAttachedSbom()
    {
        // `sbom IMAGE` (the parent command's argument) and `sbom generate IMAGE` (the subcommand) live side by side.
        FakeRegistry.FakeImage image = Push(user: "app");
        await _cli.AttachAsync(Repo, image, CliHarness.Sbom(Repo, image.Digest, marker: "attached"));

        CliResult result = await _cli.RunAsync("sbom", $"{CliHarness.Host}/{Repo}:1.0");

        Assert.True(result.ExitCode == ExitCode.Success, result.Error);
        Assert.Contains("attached", Encoding.UTF8.GetString(result.StandardOutput));
    }

    [ValidatorTheory(SchemaValidator.CycloneDx)]
    [InlineData("1.5")]
    [InlineData("1.6")]
    [InlineData("1.7")]
    public async Task GeneratedSbomIsValidCycloneDx(string specVersion)
    {
        Push(user: "app");
        string file = Path.Combine(_cli.LayerCacheDirectory, "out.cdx.json");
        Directory.CreateDirectory(_cli.LayerCacheDirectory);

        CliResult result = await _cli.RunAsync("sbom", "generate", $"{CliHarness.Host}/{Repo}:1.0", "-o", file, "--spec-version", specVersion);

        Assert.True(result.ExitCode == ExitCode.Success, result.Error);
        (string node, string script) = NodeValidator.Require(SchemaValidator.CycloneDx);
        (int exitCode, string output) = NodeValidator.Run(node, script, file, specVersion);
        Assert.True(exitCode == 0, output);
    }

    private sealed class FixedSource(params (string Id, Advisory Advisory)[] advisories) : IVulnerabilitySource
    {
        public Task<VulnerabilityData> GetAdvisoriesAsync(IReadOnlyCollection<string> packageIds, CancellationToken cancellationToken) =>
            Task.FromResult(new VulnerabilityData(
                advisories.GroupBy(a => a.Id).ToDictionary(g => g.Key, g => (IReadOnlyList<Advisory>)g.Select(a => a.Advisory).ToArray()),
                ["audit"],
                []));
    }
}

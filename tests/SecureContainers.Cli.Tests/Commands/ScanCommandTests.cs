using System.Text;
using System.Text.Json;
using SecureContainers.Core.Layers;
using SecureContainers.Core.NuGet;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Cli.Tests.Commands;

/// <summary>
/// <c>scan</c> and <c>diff</c> on SBOMs the build would write (SbomBuilder), against the real OSV records in
/// Core.Tests/Vulnerabilities/Osv/TestData: DSA-3029-1 (Debian 7 nginx, no severity) and GHSA-5crp-9r3c-p9vr
/// (Newtonsoft.Json before 13.0.1, high).
/// </summary>
public sealed class ScanCommandTests : IDisposable
{
    private const string Repo = "team/app";
    private static readonly string OsvTestData = RepositoryRoot.Combine("tests", "SecureContainers.Core.Tests", "Vulnerabilities", "Osv", "TestData");
    private readonly string _dir = Directory.CreateTempSubdirectory("sc-scan-").FullName;
    private readonly CliHarness _cli = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Sbom(string newtonsoft, string nginx = "1.2.1-2.2+wheezy2", Digest? digest = null, string release = "7")
    {
        Digest layer = Digest.Sha256("os"u8);
        ImageContentsReport contents = new([], [], [], [], [], [], [],
            new OsRelease("debian", release, null, $"Debian GNU/Linux {release}", new Dictionary<string, string>()),
            [
                new OsPackage("deb", "nginx-full", nginx, "amd64", "nginx", null, null, [], layer),
                new OsPackage("deb", "nginx-common", "1.2.1-2.2+wheezy3", "all", "nginx", null, null, [], layer),
            ],
            [], []);
        return SbomWriter.Write(SbomBuilder.Build(new SbomInputs
        {
            ImageName = $"{CliHarness.Host}/{Repo}",
            ManifestDigest = digest,
            AppName = "app",
            AppVersion = "1.0.0",
            TargetFramework = "net10.0",
            RuntimeIdentifier = "linux-x64",
            NuGetLibraries = [new NuGetLibrary("Newtonsoft.Json", newtonsoft, NuGetLibraryKind.Package, null, IsDirect: true, HasRuntimeAssets: true, [])],
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(1700000000),
            ToolName = "SecureContainers",
            ToolVersion = "0.1.0",
            BaseImageContents = contents,
        }));
    }

    private string Save(byte[] content, string name = "app.cdx.json")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static JsonElement[] Findings(CliResult result)
    {
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        return doc.RootElement.GetProperty("findings").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Fact]
    public async Task AnSbomFileWithAFindingAtTheThresholdExitsOneWithTheFindingsInJson()
    {
        CliResult result = await _cli.RunAsync("scan", Save(Sbom("12.0.3")), "--db", OsvTestData, "--output", "json");

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("scan", doc.RootElement.GetProperty("command").GetString());
        Assert.Equal("file", doc.RootElement.GetProperty("source").GetString());
        Assert.Equal("high", doc.RootElement.GetProperty("failOn").GetString());
        JsonElement newtonsoft = Findings(result).Single(f => f.GetProperty("id").GetString() == "GHSA-5crp-9r3c-p9vr");
        Assert.Equal("pkg:nuget/Newtonsoft.Json@12.0.3", newtonsoft.GetProperty("purl").GetString());
        Assert.Equal("12.0.3", newtonsoft.GetProperty("installedVersion").GetString());
        Assert.Equal("13.0.1", newtonsoft.GetProperty("fixedVersion").GetString());
        Assert.Equal("high", newtonsoft.GetProperty("severity").GetString());
        Assert.Equal(JsonValueKind.Number, newtonsoft.GetProperty("score").ValueKind);
        Assert.Equal("NuGet", newtonsoft.GetProperty("ecosystem").GetString());
        Assert.True(newtonsoft.GetProperty("fails").GetBoolean());
        Assert.False(newtonsoft.GetProperty("suppressed").GetBoolean());
        Assert.Contains("CVE-2024-21907", newtonsoft.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));

        JsonElement nginx = Findings(result).Single(f => f.GetProperty("id").GetString() == "DSA-3029-1");
        Assert.Equal("Debian:7", nginx.GetProperty("ecosystem").GetString());
        Assert.Equal("unknown", nginx.GetProperty("severity").GetString());
        Assert.Equal(JsonValueKind.Null, nginx.GetProperty("score").ValueKind);
        Assert.False(nginx.GetProperty("fails").GetBoolean());
    }

    [Fact]
    public async Task BelowTheThresholdExitsZeroAndTheTextListsTheFindings()
    {
        CliResult result = await _cli.RunAsync("scan", Save(Sbom("12.0.3")), "--db", OsvTestData, "--fail-on", "critical");

        Assert.Equal(ExitCode.Success, result.ExitCode);
        Assert.Contains("passed: none at or above critical", result.Output);
        Assert.Contains("GHSA-5crp-9r3c-p9vr", result.Output);
        Assert.Contains("DSA-3029-1", result.Output);
    }

    [Fact]
    public async Task TheImagesAttachedSbomIsFetchedAndScanned()
    {
        FakeRegistry.FakeImage image = _cli.Registry.AddImage(Repo, "1.0", new Platform("linux", "amd64"));
        await _cli.AttachAsync(Repo, image, Sbom("12.0.3", digest: image.Digest));

        CliResult result = await _cli.RunAsync("scan", $"{CliHarness.Host}/{Repo}:1.0", "--db", OsvTestData, "--output", "json");

        Assert.True(result.ExitCode == ExitCode.Failure, result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("image", doc.RootElement.GetProperty("source").GetString());
        Assert.Equal($"{CliHarness.Host}/{Repo}@{image.Digest}", doc.RootElement.GetProperty("sbom").GetString());
        Assert.Contains(Findings(result), f => f.GetProperty("id").GetString() == "GHSA-5crp-9r3c-p9vr");
    }

    [Fact]
    public async Task SarifOutputIsASarifLogWithTheFailingFindingAsAnError()
    {
        CliResult result = await _cli.RunAsync("scan", Save(Sbom("12.0.3")), "--db", OsvTestData, "--output", "sarif");

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        using JsonDocument sarif = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        JsonElement[] results = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal("error", results.Single(r => r.GetProperty("ruleId").GetString() == "GHSA-5crp-9r3c-p9vr").GetProperty("level").GetString());
    }

    [Theory]
    [InlineData("SC1118", new[] { "scan", "{sbom}", "--db", "/nonexistent/osv" })]
    [InlineData("SC1117", new[] { "scan", "/nonexistent/app.cdx.json", "--db", "{db}" })]
    [InlineData("SC1117", new[] { "scan", "{notsbom}", "--db", "{db}" })]
    [InlineData("SC1117", new[] { "diff", "{sbom}", "{notsbom}" })]
    [InlineData("SC1101", new[] { "scan", "{sbom}", "--db", "{db}", "--fail-on", "severe" })]
    [InlineData("SC1101", new[] { "scan", "{sbom}" })]
    [InlineData("SC3001", new[] { "scan", "Not An Image", "--db", "{db}" })]
    public async Task UsageErrorsExitTwoWithTheirCode(string code, string[] args)
    {
        string sbom = Save(Sbom("13.0.1"));
        string notSbom = Save("""{"spdxVersion":"SPDX-2.3"}"""u8.ToArray(), "spdx.json");
        string[] resolved = args.Select(a => a.Replace("{sbom}", sbom, StringComparison.Ordinal).Replace("{notsbom}", notSbom, StringComparison.Ordinal)
            .Replace("{db}", OsvTestData, StringComparison.Ordinal)).ToArray();

        CliResult result = await _cli.RunAsync(resolved);

        Assert.Equal(ExitCode.UsageError, result.ExitCode);
        Assert.StartsWith($"error {code}: ", result.Error);
    }

    [Fact]
    public async Task AnImageWithoutAnSbomIsACodedFailure()
    {
        _cli.Registry.AddImage(Repo, "1.0", new Platform("linux", "amd64"));

        CliResult result = await _cli.RunAsync("scan", $"{CliHarness.Host}/{Repo}:1.0", "--db", OsvTestData);

        Assert.Equal(ExitCode.Failure, result.ExitCode);
        Assert.StartsWith("error SC5201: ", result.Error);
    }

    [Fact]
    public async Task DiffListsThePackageChangesAndTheVulnerabilitiesFixedAndIntroduced()
    {
        string old = Save(Sbom("12.0.3"), "old.cdx.json");
        string @new = Save(Sbom("13.0.1", nginx: "1.2.1-2.2+wheezy1"), "new.cdx.json");

        CliResult result = await _cli.RunAsync("diff", old, @new, "--db", OsvTestData, "--output", "json");

        Assert.True(result.ExitCode == ExitCode.Success, result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.StandardOutput);
        JsonElement root = doc.RootElement;
        Assert.Equal("diff", root.GetProperty("command").GetString());
        JsonElement upgraded = Assert.Single(root.GetProperty("upgraded").EnumerateArray());
        Assert.Equal(("nuget/newtonsoft.json", "12.0.3", "13.0.1"),
            (upgraded.GetProperty("key").GetString(), upgraded.GetProperty("oldVersion").GetString(), upgraded.GetProperty("newVersion").GetString()));
        JsonElement downgraded = Assert.Single(root.GetProperty("downgraded").EnumerateArray());
        Assert.Equal("deb/debian/nginx-full?arch=amd64", downgraded.GetProperty("key").GetString());
        Assert.Empty(root.GetProperty("added").EnumerateArray());
        Assert.Empty(root.GetProperty("removed").EnumerateArray());
        Assert.True(root.GetProperty("unchanged").GetInt32() > 0);
        JsonElement fixedOne = Assert.Single(root.GetProperty("vulnerabilities").GetProperty("fixed").EnumerateArray());
        Assert.Equal("GHSA-5crp-9r3c-p9vr", fixedOne.GetProperty("id").GetString());
        Assert.Empty(root.GetProperty("vulnerabilities").GetProperty("introduced").EnumerateArray());
    }

    [Fact]
    public async Task DiffOfTwoBasesInTextListsAddedAndRemovedPackages()
    {
        string old = Save(Sbom("13.0.1"), "old.cdx.json");
        string @new = Save(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Sbom("13.0.1")).Replace("nginx-common", "nginx-light", StringComparison.Ordinal)), "new.cdx.json");

        CliResult result = await _cli.RunAsync("diff", old, @new);

        Assert.Equal(ExitCode.Success, result.ExitCode);
        Assert.Contains("  + deb/debian/nginx-light?arch=all 1.2.1-2.2+wheezy3", result.Output);
        Assert.Contains("  - deb/debian/nginx-common?arch=all 1.2.1-2.2+wheezy3", result.Output);
    }
}

using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// The release pipeline's rescan and diff against images the build published with their SBOMs attached: <c>scan</c>
/// finds a vulnerability whose record was added to the database after the publish, and <c>diff</c> lists what moving
/// to another base changed. The records are the real ones in Core.Tests/Vulnerabilities/Osv/TestData.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class ScanAndDiffTests
{
    private const string NewtonsoftAdvisory = "GHSA-5crp-9r3c-p9vr";

    private static string OsvRecord(string name) =>
        Path.Combine(TestBed.RepoRoot, "tests", "SecureContainers.Core.Tests", "Vulnerabilities", "Osv", "TestData", name);

    private static string[] Push(string baseImage, string repository) =>
    [
        $"ContainerBaseImage={baseImage}",
        $"ContainerRegistry={TestBed.Registry}",
        $"ContainerRepository={repository}",
        "ContainerImageTag=1.0",
    ];

    [Fact]
    public async Task ScanOfAnImagePublishedBeforeTheRecordWasAddedReportsItWithExitCodeOne()
    {
        // The app references Newtonsoft.Json 12.0.3, inside GHSA-5crp-9r3c-p9vr (high, fixed 13.0.1).
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "scan-later");
        sample.ReplaceInProject("Include=\"Newtonsoft.Json\" Version=\"13.0.3\"", "Include=\"Newtonsoft.Json\" Version=\"12.0.3\"");
        PublishResult result = await sample.PublishAsync(Push(TestBed.BaseImage("aspnet:10.0"), "e2e/scan-later"));
        Assert.True(result.Succeeded, result.ToString());
        string image = $"{TestBed.Registry}/e2e/scan-later:1.0";

        // The database on the day of the release: the Debian record only.
        string before = Path.Combine(sample.Directory, "osv-before");
        Directory.CreateDirectory(before);
        File.Copy(OsvRecord("DSA-3029-1.json"), Path.Combine(before, "DSA-3029-1.json"));
        ProcessResult clean = await CliTool.RunAsync(["scan", image, "--db", before, "--output", "json"]);
        Assert.True(clean.ExitCode == 0, clean.Output);
        using (JsonDocument doc = JsonDocument.Parse(clean.StandardOutput))
        {
            Assert.Equal("image", doc.RootElement.GetProperty("source").GetString());
            Assert.Empty(doc.RootElement.GetProperty("findings").EnumerateArray());
            Assert.True(doc.RootElement.GetProperty("componentsChecked").GetInt32() > 10);
        }

        // A week later the NuGet record is in the database: the same image, unchanged, now fails.
        string after = Path.Combine(sample.Directory, "osv-after");
        Directory.CreateDirectory(after);
        File.Copy(OsvRecord("DSA-3029-1.json"), Path.Combine(after, "DSA-3029-1.json"));
        File.Copy(OsvRecord($"{NewtonsoftAdvisory}.json"), Path.Combine(after, $"{NewtonsoftAdvisory}.json"));
        ProcessResult found = await CliTool.RunAsync(["scan", image, "--db", after, "--output", "json"]);
        Assert.True(found.ExitCode == 1, found.Output);
        using (JsonDocument doc = JsonDocument.Parse(found.StandardOutput))
        {
            JsonElement finding = Assert.Single(doc.RootElement.GetProperty("findings").EnumerateArray());
            Assert.Equal(NewtonsoftAdvisory, finding.GetProperty("id").GetString());
            Assert.Equal("pkg:nuget/Newtonsoft.Json@12.0.3", finding.GetProperty("purl").GetString());
            Assert.Equal("13.0.1", finding.GetProperty("fixedVersion").GetString());
            Assert.True(finding.GetProperty("fails").GetBoolean());
        }

        // The SARIF a pipeline uploads validates against the SARIF 2.1.0 schema.
        ProcessResult sarif = await CliTool.RunAsync(["scan", image, "--db", after, "--output", "sarif"]);
        Assert.Equal(1, sarif.ExitCode);
        string sarifPath = Path.Combine(sample.Directory, "scan.sarif");
        File.WriteAllText(sarifPath, sarif.StandardOutput);
        Assert.Contains(NewtonsoftAdvisory, sarif.StandardOutput);
        ProcessResult valid = await ProcessRunner.RunAsync("node", [Path.Combine(TestBed.RepoRoot, "eng", "sbom-validator", "validate-sarif.mjs"), sarifPath], TestBed.RepoRoot);
        Assert.True(valid.Succeeded, valid.Output);

        // The SBOM the build attached still validates against the CycloneDX schema.
        string sbomPath = Path.Combine(sample.Directory, "bin", "Release", "securecontainers", "e2e_scan-later-linux-x64.cdx.json");
        Assert.True((await SbomFacts.ValidateAsync(sbomPath)).Succeeded);
        sample.Succeeded();
    }

    [Fact]
    public async Task DiffOfTwoPublishesOnTwoBasesListsThePackageChanges()
    {
        using SampleWorkspace debian = SampleWorkspace.Create("AspNetApi", "diff-debian");
        PublishResult first = await debian.PublishAsync(Push(TestBed.BaseImage("aspnet:10.0"), "e2e/diff-debian"));
        Assert.True(first.Succeeded, first.ToString());
        using SampleWorkspace azure = SampleWorkspace.Create("AspNetApi", "diff-azurelinux");
        PublishResult second = await azure.PublishAsync(Push(TestBed.BaseImage("azurelinux:3.0"), "e2e/diff-azurelinux"));
        Assert.True(second.Succeeded, second.ToString());

        ProcessResult diff = await CliTool.RunAsync(
            ["diff", $"{TestBed.Registry}/e2e/diff-debian:1.0", $"{TestBed.Registry}/e2e/diff-azurelinux:1.0", "--db", OsvRecord(""), "--output", "json"]);

        Assert.True(diff.ExitCode == 0, diff.Output);
        using JsonDocument doc = JsonDocument.Parse(diff.StandardOutput);
        JsonElement root = doc.RootElement;
        Assert.Equal("diff", root.GetProperty("command").GetString());
        Assert.Equal("image", root.GetProperty("old").GetProperty("source").GetString());
        string[] removed = root.GetProperty("removed").EnumerateArray().Select(c => c.GetProperty("key").GetString()!).ToArray();
        string[] added = root.GetProperty("added").EnumerateArray().Select(c => c.GetProperty("key").GetString()!).ToArray();
        Assert.Contains(removed, k => k.StartsWith("deb/debian/libc6", StringComparison.Ordinal));
        Assert.Equal(43, added.Count(k => k.StartsWith("rpm/", StringComparison.Ordinal)));
        Assert.All(root.GetProperty("added").EnumerateArray(), c =>
        {
            Assert.Equal(JsonValueKind.Null, c.GetProperty("oldVersion").ValueKind);
            Assert.False(string.IsNullOrEmpty(c.GetProperty("newVersion").GetString()));
        });

        // The app and its NuGet packages are the same in both.
        Assert.DoesNotContain(removed.Concat(added), k => k.StartsWith("nuget/", StringComparison.Ordinal));
        Assert.True(root.GetProperty("unchanged").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Object, root.GetProperty("vulnerabilities").ValueKind);

        ProcessResult text = await CliTool.RunAsync(["diff", $"{TestBed.Registry}/e2e/diff-debian:1.0", $"{TestBed.Registry}/e2e/diff-azurelinux:1.0"]);
        Assert.True(text.ExitCode == 0, text.Output);
        Assert.Contains("Removed (", text.StandardOutput);
        Assert.Contains("Added (", text.StandardOutput);
        debian.Succeeded();
        azure.Succeeded();
    }
}

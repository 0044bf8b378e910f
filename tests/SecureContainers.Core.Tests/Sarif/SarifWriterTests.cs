using System.Text;
using System.Text.Json;
using SecureContainers.Core.Sarif;

namespace SecureContainers.Core.Tests.Sarif;

public class SarifWriterTests
{
    private static readonly SarifTool Tool = new("SecureContainers", "0.1.0", new Uri("https://example.com/securecontainers"), new Uri("https://example.com/securecontainers/docs/diagnostics.md"));

    private static readonly SarifRule[] Rules =
    [
        new("SC7108", "Jwt", "JSON Web Token", "A signed JWT.", SarifLevel.Error),
        new("SC7001", "VulnerablePackage", "Vulnerable package", "A package with a known advisory.", SarifLevel.Warning),
    ];

    private static SarifRun Run(params SarifResult[] results) =>
        new(Tool, Rules, results) { UriBaseDescriptions = new Dictionary<string, string> { ["PUBLISHDIR"] = "publish dir" } };

    private static JsonElement Parse(SarifRun run) => JsonDocument.Parse(SarifWriter.Write(run)).RootElement;

    private static readonly SarifResult FileResult = new("SC7108", SarifLevel.Error, "File 'wwwroot/my app.js' line 3 contains a JWT.", new SarifPhysicalLocation("PUBLISHDIR", "wwwroot/my app.js", 3));

    private static readonly SarifResult PackageResult = new("SC7001", SarifLevel.Warning, "Newtonsoft.Json 12.0.1 has GHSA-5crp-9r3c-p9vr.", new SarifLogicalLocation("Newtonsoft.Json", "pkg:nuget/Newtonsoft.Json@12.0.1", "module"))
    {
        Properties = new Dictionary<string, string> { ["severity"] = "high", ["advisory"] = "https://github.com/advisories/GHSA-5crp-9r3c-p9vr" },
    };

    [Fact]
    public void OutputIsIdenticalWhateverTheInputOrder()
    {
        byte[] a = SarifWriter.Write(Run(FileResult, PackageResult));
        byte[] b = SarifWriter.Write(Run(PackageResult, FileResult) with { Rules = [.. Rules.Reverse()] });

        Assert.Equal(a, b);
        Assert.Equal((byte)'\n', a[^1]);
        Assert.DoesNotContain((byte)'\r', a);
    }

    [Fact]
    public void ToolRulesAndResultsHaveTheSarifShape()
    {
        JsonElement root = Parse(Run(FileResult, PackageResult));
        JsonElement run = root.GetProperty("runs")[0];
        JsonElement driver = run.GetProperty("tool").GetProperty("driver");
        JsonElement[] rules = driver.GetProperty("rules").EnumerateArray().ToArray();
        JsonElement[] results = run.GetProperty("results").EnumerateArray().ToArray();

        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Equal(["SC7001", "SC7108"], rules.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal("https://example.com/securecontainers/docs/diagnostics.md#sc7108", rules[1].GetProperty("helpUri").GetString());
        Assert.Equal("error", rules[1].GetProperty("defaultConfiguration").GetProperty("level").GetString());

        JsonElement file = results.Single(r => r.GetProperty("ruleId").GetString() == "SC7108");
        JsonElement artifact = file.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
        Assert.Equal(1, file.GetProperty("ruleIndex").GetInt32());
        Assert.Equal("wwwroot/my%20app.js", artifact.GetProperty("uri").GetString());
        Assert.Equal("PUBLISHDIR", artifact.GetProperty("uriBaseId").GetString());
        Assert.Equal(3, file.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32());

        JsonElement package = results.Single(r => r.GetProperty("ruleId").GetString() == "SC7001");
        JsonElement logical = package.GetProperty("locations")[0].GetProperty("logicalLocations")[0];
        Assert.Equal("pkg:nuget/Newtonsoft.Json@12.0.1", logical.GetProperty("fullyQualifiedName").GetString());
        Assert.Equal("high", package.GetProperty("properties").GetProperty("severity").GetString());
        Assert.False(package.TryGetProperty("suppressions", out _));
    }

    [Fact]
    public void SuppressedResultCarriesAnExternalSuppressionWithItsJustification()
    {
        JsonElement result = Parse(Run(FileResult with { SuppressionJustification = "demo token for docs" })).GetProperty("runs")[0].GetProperty("results")[0];
        JsonElement suppression = Assert.Single(result.GetProperty("suppressions").EnumerateArray());

        Assert.Equal("external", suppression.GetProperty("kind").GetString());
        Assert.Equal("demo token for docs", suppression.GetProperty("justification").GetString());
    }

    [Fact]
    public void FingerprintDependsOnRuleAndLocationOnly()
    {
        static string Fingerprint(SarifResult r) =>
            Parse(Run(r)).GetProperty("runs")[0].GetProperty("results")[0].GetProperty("partialFingerprints").GetProperty(SarifWriter.FingerprintKey).GetString()!;

        string original = Fingerprint(FileResult);

        Assert.Equal(original, Fingerprint(FileResult with { Message = "another wording", Location = new SarifPhysicalLocation("PUBLISHDIR", "wwwroot/my app.js", 40) }));
        Assert.NotEqual(original, Fingerprint(FileResult with { Location = new SarifPhysicalLocation("PUBLISHDIR", "wwwroot/other.js", 3) }));
        Assert.NotEqual(original, Fingerprint(FileResult with { RuleId = "SC7001" }));
        Assert.Matches("^[0-9a-f]{64}$", original);
    }

    [Fact]
    public void RepeatedFindingsInOneFileGetDistinctFingerprints()
    {
        JsonElement[] results = Parse(Run(FileResult, FileResult with { Location = new SarifPhysicalLocation("PUBLISHDIR", "wwwroot/my app.js", 9) }))
            .GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToArray();

        Assert.Equal(2, results.Select(r => r.GetProperty("partialFingerprints").GetProperty(SarifWriter.FingerprintKey).GetString()).Distinct().Count());
    }

    [Fact]
    public void ResultWithAnUnknownRuleIsRefused()
    {
        Assert.Throws<ArgumentException>(() => SarifWriter.Write(Run(FileResult with { RuleId = "SC7999" })));
        Assert.Throws<ArgumentException>(() => SarifWriter.Write(Run() with { Rules = [Rules[0], Rules[0]] }));
    }

    [Fact]
    public void WriteToFileReplacesAtomicallyAndReportsFailuresWithACode()
    {
        string dir = Directory.CreateTempSubdirectory("sarif-").FullName;
        try
        {
            string path = Path.Combine(dir, "report.sarif");
            File.WriteAllText(path, "old");
            SarifWriter.WriteToFile(Run(FileResult), path);

            Assert.Equal(SarifWriter.Write(Run(FileResult)), File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(dir));

            var ex = Assert.Throws<SecureContainers.Core.Diagnostics.SecureContainerException>(() => SarifWriter.WriteToFile(Run(FileResult), Path.Combine(path, "r.sarif")));
            Assert.Equal("SC7190", ex.Diagnostic.Code);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void OutputHasNoByteOrderMarkAndIsUtf8()
    {
        byte[] bytes = SarifWriter.Write(Run(FileResult with { Message = "naïve – ünïcode" }));

        Assert.NotEqual(0xEF, bytes[0]);
        Assert.Contains("naïve – ünïcode", Encoding.UTF8.GetString(bytes));
    }
}

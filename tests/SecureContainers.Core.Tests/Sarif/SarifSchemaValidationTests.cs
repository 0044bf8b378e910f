using System.Text;
using SecureContainers.Core.Sarif;
using SecureContainers.Core.Secrets;
using SecureContainers.Core.Tests.Secrets;

namespace SecureContainers.Core.Tests.Sarif;

/// <summary>
/// Checks writer output against the SARIF 2.1.0 JSON schema through eng/sbom-validator/validate-sarif.mjs (the schema
/// ships in the npm package @microsoft/jest-sarif; ajv-draft-04 validates it). Without node or node_modules the
/// tests are skipped with that reason, unless SC_REQUIRE_VALIDATOR=1 makes that a failure, as for the SBOM validator.
/// </summary>
public sealed class SarifSchemaValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sarif-schema-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [ValidatorFact(SchemaValidator.Sarif)]
    public void SecretScanReportWithEveryRuleAndLocationKindIsValidSarif()
    {
        (string node, string script) = Validator();

        using var publish = new PublishDirectory();
        publish.Write("keys/a b.pem", TestSecrets.Pkcs8Pem());
        publish.Write("appsettings.json", $$"""{ "Password": "{{TestSecrets.Password()}}" }""");
        publish.WriteBytes("c.pfx", [1]);
        publish.Write(".git/HEAD", "ref");
        SecretScanResult scan = SecretScanner.Scan(
            new SecretScanInput
            {
                PublishDirectory = publish.Root,
                EnvironmentVariables = new Dictionary<string, string> { ["DB_PASSWORD"] = "p" },
                Labels = new Dictionary<string, string> { ["t"] = TestSecrets.Jwt() },
                Entrypoint = ["app", TestSecrets.GitHubPat()],
            },
            new SecretScanOptions { Exclusions = [new SecretScanExclusion("*.pfx", null, "empty test file")] });
        Assert.Contains(scan.Findings, f => f.IsSuppressed);

        var tool = new SarifTool("SecureContainers", "0.1.0", new Uri("https://example.com/sc"), new Uri("https://example.com/sc/docs/diagnostics.md"));
        (int exitCode, string output) = Run(node, script, Save(SarifWriter.Write(SecretSarif.ToRun(scan, tool))));

        Assert.True(exitCode == 0, output);
    }

    [ValidatorFact(SchemaValidator.Sarif)]
    public void PackageResultsWithPropertiesAndNoOptionalToolFieldsAreValidSarif()
    {
        (string node, string script) = Validator();

        var run = new SarifRun(
            new SarifTool("SecureContainers", "0.1.0"),
            [new SarifRule("SC7001", "VulnerablePackage", "Vulnerable package", "A package with a known advisory.", SarifLevel.Error)],
            [
                new SarifResult("SC7001", SarifLevel.Note, "Below the threshold.", new SarifLogicalLocation("System.Text.Encodings.Web", "pkg:nuget/System.Text.Encodings.Web@4.5.0", "module"))
                {
                    Properties = new Dictionary<string, string> { ["severity"] = "critical" },
                    SuppressionJustification = "not reachable",
                },
            ]);

        (int exitCode, string output) = Run(node, script, Save(SarifWriter.Write(run)));

        Assert.True(exitCode == 0, output);
    }

    [ValidatorFact(SchemaValidator.Sarif)]
    public void AnSbomScanWithOsNuGetAndSuppressedFindingsIsValidSarif()
    {
        (string node, string script) = Validator();
        System.Text.Json.Nodes.JsonNode sbom = System.Text.Json.Nodes.JsonNode.Parse(Vulnerabilities.SbomScannerTests.Sbom())!;
        sbom["vulnerabilities"] = System.Text.Json.Nodes.JsonNode.Parse("""[{ "id": "GHSA-5crp-9r3c-p9vr", "analysis": { "state": "not_affected", "detail": "not reachable" } }]""");
        Core.Vulnerabilities.ScanThreshold.TryParse("unknown", out var threshold);
        Core.Vulnerabilities.SbomScanResult scan = Core.Vulnerabilities.SbomScanner.Scan(
            Vulnerabilities.SbomScannerTests.Read(Encoding.UTF8.GetBytes(sbom.ToJsonString())),
            Vulnerabilities.SbomScannerTests.Database(Vulnerabilities.SbomScannerTests.OsvTestData()), threshold, new Core.Diagnostics.DiagnosticBag());
        Assert.Equal(2, scan.Findings.Count);
        Assert.Contains(scan.Findings, f => f.Finding.Suppressed);
        Core.Vulnerabilities.VulnerabilityReport report = scan.ToReport();

        (int exitCode, string output) = Run(node, script, Save(SarifWriter.Write(new SarifRun(new SarifTool("SecureContainers", "0.1.0"),
            Core.Vulnerabilities.VulnerabilitySarif.Rules(report), Core.Vulnerabilities.VulnerabilitySarif.Results(report)))));

        Assert.True(exitCode == 0, output);
    }

    [ValidatorFact(SchemaValidator.Sarif)]
    public void ValidatorRejectsADocumentOutsideTheSchema()
    {
        (string node, string script) = Validator();

        // Proves the checks above can fail: "fatal" is not a SARIF level.
        var run = new SarifRun(new SarifTool("x", "1"), [new SarifRule("SC7101", "A", "a", "a", SarifLevel.Error)], [new SarifResult("SC7101", SarifLevel.Error, "m", new SarifPhysicalLocation("PUBLISHDIR", "a", 1))]);
        string broken = Encoding.UTF8.GetString(SarifWriter.Write(run)).Replace("\"level\": \"error\"", "\"level\": \"fatal\"");

        (int exitCode, string output) = Run(node, script, Save(Encoding.UTF8.GetBytes(broken)));

        Assert.Equal(1, exitCode);
        Assert.Contains("level", output);
    }

    private string Save(byte[] content)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".sarif");
        File.WriteAllBytes(path, content);
        return path;
    }

    private static (string Node, string Script) Validator() => NodeValidator.Require(SchemaValidator.Sarif);

    private static (int ExitCode, string Output) Run(string node, string script, string file) => NodeValidator.Run(node, script, file);
}

using System.Text;
using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>Vulnerable packages, secrets and risky ports caught before push, with the SBOM and SARIF as evidence.</summary>
[Collection(EndToEndCollection.Name)]
public class ContentGateTests
{
    private const string NewtonsoftAdvisory = "GHSA-5crp-9r3c-p9vr";
    private const string EncodingsAdvisory = "GHSA-ghhp-997w-qr28";
    private const string PrivateKey = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgE2eT0o7b9qK3sP1x\nq8Yc7mZ2v4cN6hR1wXyT5uJ3aLehRANCAAQ4p0bq3o5Zr2Y9vTn8XwKc1dE6fG7h\n-----END PRIVATE KEY-----\n";

    private static string[] Push(string repository, params string[] extra) =>
    [
        $"ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")}",
        $"ContainerRegistry={TestBed.Registry}",
        $"ContainerRepository={repository}",
        "ContainerImageTag=1.0",
        .. extra,
    ];

    /// <summary>Restricted without the other Restricted rules (pinned base, signing), so the vulnerability rule is alone.</summary>
    private static string[] Restricted(string repository) =>
    [
        $"ContainerBaseImage={Fixtures.Pinned("aspnet")}",
        $"ContainerRegistry={TestBed.Registry}",
        $"ContainerRepository={repository}",
        "ContainerImageTag=1.0",
        "SecureContainerProfile=Restricted",
        "SecureContainerRequireSigning=false",
    ];

    private static string[] ScCodes(IEnumerable<string> codes) => codes.Where(c => c.StartsWith("SC", StringComparison.Ordinal)).Distinct().Order().ToArray();

    private static SampleWorkspace VulnerableDirect(string name)
    {
        SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", name);
        sample.ReplaceInProject("Include=\"Newtonsoft.Json\" Version=\"13.0.3\"", "Include=\"Newtonsoft.Json\" Version=\"12.0.3\"");
        return sample;
    }

    private static SampleWorkspace VulnerableTransitive(string name)
    {
        // Pruning drops packages the shared framework provides; with it off, WebEncoders 2.1.0 ships System.Text.Encodings.Web 4.5.0.
        SampleWorkspace sample = SampleWorkspace.Create("ConsoleWorker", name);
        sample.AddToProject("""
            <PropertyGroup><RestoreEnablePackagePruning>false</RestoreEnablePackagePruning></PropertyGroup>
            <ItemGroup><PackageReference Include="Microsoft.Extensions.WebEncoders" Version="2.1.0" /></ItemGroup>
            """);
        return sample;
    }

    [Fact]
    public async Task VulnerableDirectPackageWarnsUnderBaselineAndIsRecordedInSbomAndSarif()
    {
        Assert.NotNull(TestBed.AdvisoryFeed);
        using SampleWorkspace sample = VulnerableDirect("vuln-direct");
        PublishResult result = await sample.PublishAsync(Push("e2e/vuln-direct"));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("SC7001", result.Warnings);
        Assert.Contains(NewtonsoftAdvisory, result.Output);

        string sbomPath = Path.Combine(sample.Directory, "bin", "Release", "securecontainers", "e2e_vuln-direct-linux-x64.cdx.json");
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(sbomPath));
        JsonElement vulnerability = Assert.Single(sbom.RootElement.GetProperty("vulnerabilities").EnumerateArray());
        Assert.Equal(NewtonsoftAdvisory, vulnerability.GetProperty("id").GetString());
        Assert.Equal("pkg:nuget/Newtonsoft.Json@12.0.3", vulnerability.GetProperty("affects")[0].GetProperty("ref").GetString());
        Assert.True((await SbomFacts.ValidateAsync(sbomPath)).Succeeded);

        string sarifPath = sbomPath.Replace(".cdx.json", ".sarif", StringComparison.Ordinal);
        Assert.True(File.Exists(sarifPath), sarifPath);
        Assert.Contains(NewtonsoftAdvisory, File.ReadAllText(sarifPath));
        ProcessResult sarif = await ProcessRunner.RunAsync("node", [Path.Combine(TestBed.RepoRoot, "eng", "sbom-validator", "validate-sarif.mjs"), sarifPath], TestBed.RepoRoot);
        Assert.True(sarif.Succeeded, sarif.Output);
        sample.Succeeded();
    }

    [Fact]
    public async Task VulnerableDirectPackageFailsRestrictedAndPushesNothing()
    {
        using SampleWorkspace sample = VulnerableDirect("vuln-direct-restricted");
        PublishResult result = await sample.PublishAsync(Restricted("e2e/vuln-direct-restricted"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal(["SC7001"], ScCodes(result.Errors));
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/vuln-direct-restricted"));
        sample.Succeeded();
    }

    [Fact]
    public async Task VulnerableTransitivePackageIsCaughtWithTheReferenceThatBringsIt()
    {
        using SampleWorkspace sample = VulnerableTransitive("vuln-transitive");
        PublishResult result = await sample.PublishAsync(Restricted("e2e/vuln-transitive"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal(["SC7001"], ScCodes(result.Errors));
        Assert.Contains(EncodingsAdvisory, result.Output);
        Assert.Contains("Microsoft.Extensions.WebEncoders", result.Output);
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/vuln-transitive"));
        sample.Succeeded();
    }

    [Fact]
    public async Task SuppressedAdvisoryPassesWithItsJustificationInTheSbom()
    {
        using SampleWorkspace sample = VulnerableDirect("vuln-suppressed");
        sample.AddToProject($"""
            <ItemGroup>
              <SecureContainerVulnerabilitySuppression Include="{NewtonsoftAdvisory}" Justification="Only JsonConvert.SerializeObject of our own types is used; the DoS needs attacker-controlled JSON input." />
            </ItemGroup>
            """);
        PublishResult result = await sample.PublishAsync(Restricted("e2e/vuln-suppressed"));

        Assert.True(result.Succeeded, result.ToString());
        string sbomPath = Path.Combine(sample.Directory, "bin", "Release", "securecontainers", "e2e_vuln-suppressed-linux-x64.cdx.json");
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(sbomPath));
        JsonElement analysis = Assert.Single(sbom.RootElement.GetProperty("vulnerabilities").EnumerateArray()).GetProperty("analysis");
        Assert.Contains("attacker-controlled JSON", analysis.GetProperty("detail").GetString());
        sample.Succeeded();
    }

    [Fact]
    public async Task SupersededPackagesCriticalAdvisoryIsNotAffectedInSbomAndSarifAndRestrictedPasses()
    {
        // Referenced directly, System.Text.Encodings.Web 4.5.0 is resolved (NuGet's audit warns about its critical
        // advisory) but not shipped: the shared framework's copy supersedes it. The image is not affected.
        Assert.NotNull(TestBed.AdvisoryFeed);
        using SampleWorkspace sample = SampleWorkspace.Create("ConsoleWorker", "vuln-superseded");
        sample.AddToProject("""
            <PropertyGroup><NoWarn>$(NoWarn);NU1510;NU1903;NU1904</NoWarn></PropertyGroup>
            <ItemGroup><PackageReference Include="System.Text.Encodings.Web" Version="4.5.0" /></ItemGroup>
            """);
        PublishResult result = await sample.PublishAsync(Restricted("e2e/vuln-superseded"));

        Assert.True(result.Succeeded, result.ToString());
        Assert.DoesNotContain("SC7001", result.Errors.Concat(result.Warnings));
        Assert.Contains("SC7014", result.Output);

        string sbomPath = Path.Combine(sample.Directory, "bin", "Release", "securecontainers", "e2e_vuln-superseded-linux-x64.cdx.json");
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(sbomPath));
        JsonElement component = sbom.RootElement.GetProperty("components").EnumerateArray()
            .Single(c => c.GetProperty("bom-ref").GetString() == "pkg:nuget/System.Text.Encodings.Web@4.5.0");
        Assert.Equal("excluded", component.GetProperty("scope").GetString());
        string why = component.GetProperty("properties").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "securecontainers:nuget:notShipped").GetProperty("value").GetString()!;
        Assert.StartsWith("superseded by the shared framework (Microsoft.NETCore.App)", why);
        JsonElement vulnerability = sbom.RootElement.GetProperty("vulnerabilities").EnumerateArray().Single(v => v.GetProperty("id").GetString() == EncodingsAdvisory);
        JsonElement analysis = vulnerability.GetProperty("analysis");
        Assert.Equal("not_affected", analysis.GetProperty("state").GetString());
        Assert.Equal("code_not_present", analysis.GetProperty("justification").GetString());
        Assert.Contains(why, analysis.GetProperty("detail").GetString());
        Assert.True((await SbomFacts.ValidateAsync(sbomPath)).Succeeded);

        // What ships is still exactly the deps.json: the app's publish output has no such dll.
        Assert.DoesNotContain(Directory.GetFiles(sample.Directory, "System.Text.Encodings.Web.dll", SearchOption.AllDirectories),
            f => f.Contains($"{Path.DirectorySeparatorChar}publish{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

        string sarifPath = sbomPath.Replace(".cdx.json", ".sarif", StringComparison.Ordinal);
        using JsonDocument sarif = JsonDocument.Parse(File.ReadAllBytes(sarifPath));
        JsonElement result0 = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Single(r => r.GetProperty("message").GetProperty("text").GetString()!.Contains(EncodingsAdvisory, StringComparison.Ordinal));
        Assert.Contains(why, result0.GetProperty("suppressions")[0].GetProperty("justification").GetString());
        ProcessResult validation = await ProcessRunner.RunAsync("node", [Path.Combine(TestBed.RepoRoot, "eng", "sbom-validator", "validate-sarif.mjs"), sarifPath], TestBed.RepoRoot);
        Assert.True(validation.Succeeded, validation.Output);
        sample.Succeeded();
    }

    [Fact]
    public async Task PrivateKeyInThePublishOutputFailsAndIsNeverPrinted()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "secret-key");
        sample.WriteFile("certs/server.pem", PrivateKey);
        sample.AddToProject("""<ItemGroup><None Include="certs/server.pem" CopyToPublishDirectory="PreserveNewest" /></ItemGroup>""");
        PublishResult result = await sample.PublishAsync(Push("e2e/secret-key"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SC7101", result.Errors);
        Assert.Contains("certs/server.pem", result.Output);
        string keyLine = PrivateKey.Split('\n')[1];
        Assert.DoesNotContain(keyLine, result.Output);
        foreach (string file in Directory.GetFiles(Path.Combine(sample.Directory, "bin", "Release", "securecontainers")))
        {
            Assert.DoesNotContain(keyLine, File.ReadAllText(file));
        }

        Assert.Empty(await RegistryProbe.TagsAsync("e2e/secret-key"));
        sample.Succeeded();
    }

    [Fact]
    public async Task ExcludedSecretWithJustificationPasses()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "secret-excluded");
        sample.WriteFile("certs/server.pem", PrivateKey);
        sample.AddToProject("""
            <ItemGroup>
              <None Include="certs/server.pem" CopyToPublishDirectory="PreserveNewest" />
              <SecureContainerSecretScanExclude Include="certs/" Justification="Throw-away key for the integration test environment, rotated daily." />
            </ItemGroup>
            """);
        PublishResult result = await sample.PublishAsync(Push("e2e/secret-excluded"));

        Assert.True(result.Succeeded, result.ToString());
        Assert.DoesNotContain("SC7101", result.Errors);
        sample.Succeeded();
    }

    [Fact]
    public async Task SecretLookingConfigurationWarnsWithoutShowingValuesAnywhere()
    {
        string password = "Pw!" + Random(24), dbPassword = "Db!" + Random(24), token = "tok_" + Random(24), dotenv = "Env!" + Random(24);
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "secret-config");
        sample.WriteFile("appsettings.json", $$"""{ "Database": { "Password": "{{password}}" }, "ConnectionStrings": { "Main": "Server=db;User Id=app;Password={{dbPassword}}" } }""");
        sample.WriteFile("deploy/.env", $"API_PASSWORD={dotenv}\n");
        sample.AddToProject($"""
            <ItemGroup>
              <ContainerEnvironmentVariable Include="PAYMENTS_API_TOKEN" Value="{token}" />
              <None Include="deploy/.env" CopyToPublishDirectory="PreserveNewest" />
            </ItemGroup>
            """);
        PublishResult result = await sample.PublishAsync(Push("e2e/secret-config"));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(["SC7120", "SC7121", "SC7122", "SC7123"], ScCodes(result.Warnings).Where(c => c.StartsWith("SC712", StringComparison.Ordinal)));
        string evidence = string.Concat(Directory.GetFiles(Path.Combine(sample.Directory, "bin", "Release", "securecontainers")).Select(File.ReadAllText));
        Assert.Contains(".sarif", string.Join(" ", Directory.GetFiles(Path.Combine(sample.Directory, "bin", "Release", "securecontainers"))));
        foreach (string secret in new[] { password, dbPassword, token, dotenv })
        {
            Assert.DoesNotContain(secret, result.Output);
            Assert.DoesNotContain(secret, evidence);
        }

        sample.Succeeded();
    }

    [Fact]
    public async Task EveryHighConfidenceSecretKindFailsBeforePushWithoutLeaking()
    {
        string github = "ghp_" + Random(36), awsId = "AKIA" + Random(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), awsSecret = Random(40);
        string azureKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        string jwt = $"{B64("""{"alg":"HS256","typ":"JWT"}""")}.{B64($$"""{"sub":"{{Random(8)}}"}""")}.{B64(Random(32))}";
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "secret-kinds");
        sample.WriteFile("ship/keystore.pfx", "not really a pfx");
        sample.WriteFile("ship/repo/.git/HEAD", "ref: refs/heads/main\n");
        sample.WriteFile("ship/aws.ini", $"[default]\naws_access_key_id = {awsId}\naws_secret_access_key = {awsSecret}\n");
        sample.WriteFile("ship/tokens.txt", $"github={github}\nsession={jwt}\n");
        sample.WriteFile("ship/storage.txt", $"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={azureKey};EndpointSuffix=core.windows.net\n");
        sample.AddToProject("""<ItemGroup><None Include="ship/**" CopyToPublishDirectory="PreserveNewest" /></ItemGroup>""");
        PublishResult result = await sample.PublishAsync(Push("e2e/secret-kinds"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal(["SC7102", "SC7104", "SC7105", "SC7106", "SC7107", "SC7108"], ScCodes(result.Errors).Where(c => c.StartsWith("SC71", StringComparison.Ordinal)));
        string sarif = File.ReadAllText(Path.Combine(sample.Directory, "bin", "Release", "securecontainers", "e2e_secret-kinds-linux-x64.sarif"));
        foreach (string secret in new[] { github, awsId, awsSecret, azureKey, jwt })
        {
            Assert.DoesNotContain(secret, result.Output);
            Assert.DoesNotContain(secret, sarif);
        }

        Assert.Empty(await RegistryProbe.TagsAsync("e2e/secret-kinds"));
        sample.Succeeded();
    }

    /// <summary>Secret-shaped values made at run time, so the repository carries none.</summary>
    private static string Random(int length, string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") =>
        string.Create(length, alphabet, (span, a) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = a[System.Security.Cryptography.RandomNumberGenerator.GetInt32(a.Length)];
            }
        });

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public async Task ExposingSshIsAnErrorAndAPrivilegedPortAWarning()
    {
        using SampleWorkspace ssh = SampleWorkspace.Create("AspNetApi", "port-22");
        ssh.AddToProject("""<ItemGroup><ContainerPort Include="22" Type="tcp" /></ItemGroup>""");
        PublishResult refused = await ssh.PublishAsync(Push("e2e/port-22"));
        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Equal(["SC7150"], ScCodes(refused.Errors));
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/port-22"));

        using SampleWorkspace http = SampleWorkspace.Create("AspNetApi", "port-80");
        http.AddToProject("""<ItemGroup><ContainerPort Include="80" Type="tcp" /></ItemGroup>""");
        PublishResult warned = await http.PublishAsync(Push("e2e/port-80"));
        Assert.True(warned.Succeeded, warned.ToString());
        Assert.Contains("SC7151", warned.Warnings);
        ssh.Succeeded();
        http.Succeeded();
    }
}

using SecureContainers.Core.Secrets;

namespace SecureContainers.Core.Tests.Secrets;

/// <summary>Exclusions: what they match, that they need a justification, and that excluded findings are kept as suppressed.</summary>
public sealed class ExclusionTests : IDisposable
{
    private readonly PublishDirectory _dir = new();

    public ExclusionTests()
    {
        _dir.Write("testdata/keys/fixture.pem", TestSecrets.Pkcs8Pem());
        _dir.Write("wwwroot/app.js", $"const t = '{TestSecrets.Jwt()}';\n");
        _dir.WriteBytes("certs/dev.pfx", [1, 2, 3]);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void FolderPatternSuppressesEverythingUnderIt()
    {
        SecretScanResult result = _dir.Scan(new SecretScanExclusion("testdata/", null, "test fixture keys generated for unit tests"));

        SecretFinding suppressed = Assert.Single(result.Suppressed);
        Assert.Equal(("SC7101", "testdata/keys/fixture.pem"), (suppressed.Code, suppressed.Location.Key));
        Assert.Equal("test fixture keys generated for unit tests", suppressed.Suppression!.Justification);
        Assert.Equal(["SC7102", "SC7108"], result.Codes().Order());
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "SC7101");
    }

    [Theory]
    [InlineData("**/*.pem", null)]
    [InlineData("*.pem", null)]
    [InlineData("testdata/**", null)]
    [InlineData("testdata/*/fixture.pem", null)]
    [InlineData(null, "SC7101")]
    [InlineData(null, "private-key")]
    [InlineData("testdata/**", "SC7101")]
    public void PatternsAndRulesMatchTheFixture(string? pattern, string? rule)
    {
        SecretScanResult result = _dir.Scan(new SecretScanExclusion(pattern, rule, "fixture"));

        Assert.Contains(result.Suppressed, f => f.Location.Key == "testdata/keys/fixture.pem");
    }

    [Theory]
    [InlineData("testdata/*.pem", null)]
    [InlineData("fixture", null)]
    [InlineData("testdata/**", "SC7108")]
    [InlineData("wwwroot/**", null)]
    public void PatternsThatDoNotCoverTheFixtureLeaveItReported(string? pattern, string? rule)
    {
        SecretScanResult result = _dir.Scan(new SecretScanExclusion(pattern, rule, "fixture"));

        Assert.Contains(result.Reported, f => f.Location.Key == "testdata/keys/fixture.pem");
    }

    [Fact]
    public void ExclusionWithoutJustificationIsAnErrorAndSuppressesNothing()
    {
        SecretScanResult result = _dir.Scan(new SecretScanExclusion("testdata/", null, "  "));

        Assert.Contains(result.Diagnostics, d => d.Code == "SC7130" && d.Message.Contains("testdata/"));
        Assert.Empty(result.Suppressed);
        Assert.True(result.HasErrors);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("x", "SC9999")]
    public void ExclusionWithoutTargetOrWithUnknownRuleIsAnError(string? pattern, string? rule)
    {
        SecretScanResult result = _dir.Scan(new SecretScanExclusion(pattern, rule, "because"));

        Assert.Contains(result.Diagnostics, d => d.Code == "SC7131");
    }

    [Fact]
    public void ItemIncludeNamingARuleBecomesARuleExclusion()
    {
        SecretScanExclusion exclusion = SecretScanExclusion.FromItem("SC7108", null, "public demo token");

        Assert.Equal(new SecretScanExclusion(null, "SC7108", "public demo token"), exclusion);
        Assert.Equal(new SecretScanExclusion("wwwroot/**", "jwt", "x"), SecretScanExclusion.FromItem(" wwwroot/** ", "jwt", "x"));
    }

    [Fact]
    public void ConfigValueLocationsCanBeExcluded()
    {
        SecretScanResult result = SecretScanner.Scan(
            new SecretScanInput { EnvironmentVariables = new Dictionary<string, string> { ["DEMO_PASSWORD"] = "demo", ["DB_PASSWORD"] = "x1" } },
            new SecretScanOptions { Exclusions = [new SecretScanExclusion("env:DEMO_PASSWORD", null, "public demo account")] });

        Assert.Equal(["env:DEMO_PASSWORD"], result.Suppressed.Select(f => f.Location.Key));
        Assert.Equal(["env:DB_PASSWORD"], result.Reported.Select(f => f.Location.Key));
    }

    [Fact]
    public void MessagesSuggestTheExactExclusion()
    {
        SecretFinding finding = Assert.Single(_dir.Scan().Reported, f => f.Code == "SC7101");

        Assert.Contains("<SecureContainerSecretScanExclude Include=\"testdata/keys/fixture.pem\"", finding.ToDiagnostic().Message);
    }
}

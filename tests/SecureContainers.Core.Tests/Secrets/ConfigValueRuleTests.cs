using SecureContainers.Core.Secrets;

namespace SecureContainers.Core.Tests.Secrets;

/// <summary>Environment variables, labels, entrypoint and cmd: the values the SDK writes into the image config.</summary>
public class ConfigValueRuleTests
{
    private static SecretScanResult Scan(SecretScanInput input) => SecretScanner.Scan(input);

    private static Dictionary<string, string> Map(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Theory]
    [InlineData("DB_PASSWORD")]
    [InlineData("SMTP_PWD")]
    [InlineData("NUGET_TOKEN")]
    [InlineData("APP_SECRET")]
    [InlineData("STRIPE_API_KEY")]
    [InlineData("Jwt__Secret")]
    [InlineData("PASSWORD")]
    public void SecretNamedVariablesWithValuesAreWarnings(string name)
    {
        SecretScanResult result = Scan(new SecretScanInput { EnvironmentVariables = Map((name, TestSecrets.Password())) });

        Assert.Equal([("SC7123", "env:" + name, (int?)null)], result.Reported());
    }

    [Theory]
    [InlineData("DB_PASSWORD", "")]
    [InlineData("DB_PASSWORD", "${DB_PASSWORD}")]
    [InlineData("PASSWORD_FILE", "/run/secrets/db")]
    [InlineData("TOKEN_URL", "https://login.example.com")]
    [InlineData("ASPNETCORE_HTTP_PORTS", "8080")]
    [InlineData("SECRETS_DIR", "/run/secrets")]
    public void PlaceholdersAndOtherNamesAreNotReported(string name, string value)
    {
        Assert.Empty(Scan(new SecretScanInput { EnvironmentVariables = Map((name, value)) }).Findings);
    }

    [Fact]
    public void HighConfidenceRuleReplacesTheNameHeuristic()
    {
        SecretScanResult result = Scan(new SecretScanInput { EnvironmentVariables = Map(("GITHUB_TOKEN", TestSecrets.GitHubPat())) });

        Assert.Equal([("SC7106", "env:GITHUB_TOKEN", (int?)null)], result.Reported());
    }

    [Fact]
    public void AwsKeyPairAcrossTwoVariablesIsReportedAtTheKeyId()
    {
        SecretScanResult result = Scan(new SecretScanInput
        {
            EnvironmentVariables = Map(("AWS_ACCESS_KEY_ID", TestSecrets.AwsKeyId()), ("AWS_SECRET_ACCESS_KEY", TestSecrets.AwsSecret()), ("AWS_REGION", "eu-west-1")),
        });

        Assert.Equal([("SC7105", "env:AWS_ACCESS_KEY_ID", (int?)null)], result.Reported());
    }

    [Fact]
    public void AwsKeyIdVariableWithoutSecretIsNotReported()
    {
        Assert.Empty(Scan(new SecretScanInput { EnvironmentVariables = Map(("AWS_ACCESS_KEY_ID", TestSecrets.AwsKeyId())) }).Findings);
    }

    [Fact]
    public void MultiLinePemInAVariableIsReported()
    {
        SecretScanResult result = Scan(new SecretScanInput { EnvironmentVariables = Map(("SIGNING_CERT", TestSecrets.RsaPem())) });

        Assert.Equal([("SC7101", "env:SIGNING_CERT", (int?)null)], result.Reported());
    }

    [Fact]
    public void LabelsAreScannedWithContentRules()
    {
        SecretScanResult result = Scan(new SecretScanInput
        {
            Labels = Map(("org.opencontainers.image.source", "https://github.com/x/y"), ("build.token", TestSecrets.Jwt())),
        });

        Assert.Equal([("SC7108", "label:build.token", (int?)null)], result.Reported());
    }

    [Fact]
    public void EntrypointAndCmdArgumentsAreScannedByIndex()
    {
        SecretScanResult result = Scan(new SecretScanInput
        {
            Entrypoint = ["dotnet", "app.dll", "--storage", TestSecrets.AzureConnectionString(TestSecrets.AzureKey())],
            Cmd = ["--db", $"Server=db;Password={TestSecrets.Password()}"],
        });

        Assert.Equal([("SC7107", "entrypoint:3", (int?)null), ("SC7121", "cmd:1", (int?)null)], result.Reported());
        Assert.Equal("Entrypoint argument 3", result.Findings[0].Location.Describe());
    }

    [Fact]
    public void NoPublishDirectoryScansOnlyConfigValues()
    {
        SecretScanResult result = Scan(new SecretScanInput());

        Assert.Empty(result.Findings);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void MissingPublishDirectoryThrows()
    {
        Assert.Throws<DirectoryNotFoundException>(() => Scan(new SecretScanInput { PublishDirectory = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")) }));
    }
}

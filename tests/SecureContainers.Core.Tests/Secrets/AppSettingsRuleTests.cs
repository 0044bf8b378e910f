namespace SecureContainers.Core.Tests.Secrets;

/// <summary>SC7120: secret-named keys with literal values in appsettings*.json, parsed as configuration parses them.</summary>
public sealed class AppSettingsRuleTests : IDisposable
{
    private readonly PublishDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void NestedSecretKeysAreReportedAtTheirLines()
    {
        _dir.Write("appsettings.json", $$"""
            {
              // comments are allowed in configuration files
              "Smtp": {
                "Host": "smtp.example.com",
                "Password": "{{TestSecrets.Password()}}"
              },
              "Auth": { "ClientSecret": "{{TestSecrets.Password()}}", "TokenEndpoint": "https://login.example.com/token" },
              "Services": [ { "ApiKey": "{{TestSecrets.Password()}}" } ],
            }
            """);

        Assert.Equal(
            [("SC7120", "appsettings.json", (int?)5), ("SC7120", "appsettings.json", (int?)7), ("SC7120", "appsettings.json", (int?)8)],
            _dir.Scan().Reported());
    }

    [Fact]
    public void PlaceholdersEmptyValuesAndNonSecretKeysAreNotReported()
    {
        _dir.Write("appsettings.Production.json", """
            {
              "Db": { "Password": "", "Pwd": "${DB_PWD}", "AdminPassword": "#{AdminPassword}#", "Token": "<token>" },
              "Vault": { "ApiKey": "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/k/)" },
              "Identity": { "PasswordLength": 12, "RequirePassword": true, "SecretName": "db-password", "TokenLifetime": "00:05:00" },
              "Passwords": [ "listed" ]
            }
            """);

        Assert.Empty(_dir.Scan().Findings);
    }

    [Fact]
    public void OtherJsonFilesAreNotReadForKeys()
    {
        _dir.Write("config.json", $$"""{ "Password": "{{TestSecrets.Password()}}" }""");

        Assert.Empty(_dir.Scan().Findings);
    }

    [Fact]
    public void ConnectionStringKeysAreLeftToTheConnectionStringRule()
    {
        _dir.Write("appsettings.Development.json", $$"""
            {
              "ConnectionStrings": {
                "Db": "Server=db;User Id=sa;Password={{TestSecrets.Password()}};",
                "Cache": "localhost:6379"
              }
            }
            """);

        Assert.Equal([("SC7121", "appsettings.Development.json", (int?)3)], _dir.Scan().Reported());
    }

    [Fact]
    public void InvalidJsonKeepsKeysBeforeTheErrorAndTheLineRules()
    {
        _dir.Write("appsettings.json", $"{{ \"Password\": \"{TestSecrets.Password()}\", oops \n \"Token\": \"{TestSecrets.GitHubPat()}\" ");

        Assert.Equal([("SC7120", "appsettings.json", (int?)1), ("SC7106", "appsettings.json", (int?)2)], _dir.Scan().Reported());
    }

    [Fact]
    public void ByteOrderMarkIsAccepted()
    {
        _dir.WriteBytes("appsettings.json", [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes($"{{\n\"Secret\": \"{TestSecrets.Password()}\"\n}}")]);

        Assert.Equal([("SC7120", "appsettings.json", (int?)2)], _dir.Scan().Reported());
    }
}

using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Sarif;
using SecureContainers.Core.Secrets;

namespace SecureContainers.Core.Tests.Secrets;

/// <summary>
/// The secret's bytes appear nowhere in what the scan produces: diagnostics, ToString, exceptions, JSON of the
/// findings, SARIF. Checked for every rule with a value, with the full secret and its distinctive middle part.
/// </summary>
public sealed class RedactionTests : IDisposable
{
    private readonly PublishDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void NoOutputContainsAnySecret()
    {
        string pem = TestSecrets.RsaPem();
        string ghp = TestSecrets.GitHubPat();
        string awsId = TestSecrets.AwsKeyId();
        string awsSecret = TestSecrets.AwsSecret();
        string azureKey = TestSecrets.AzureKey();
        string jwt = TestSecrets.Jwt();
        string dbPassword = TestSecrets.Password();
        string settingPassword = TestSecrets.Password();
        string envPassword = TestSecrets.Password();
        string labelToken = TestSecrets.GitHubFineGrainedPat();
        string argPassword = TestSecrets.Password();

        _dir.Write("key.pem", pem);
        _dir.Write("tokens.txt", $"{ghp}\naws_access_key_id={awsId}\naws_secret_access_key={awsSecret}\n{jwt}\n");
        _dir.Write("appsettings.json", $$"""{ "Smtp": { "Password": "{{settingPassword}}" }, "ConnectionStrings": { "Db": "Server=x;Password={{dbPassword}}" } }""");
        _dir.Write("excluded/storage.txt", TestSecrets.AzureConnectionString(azureKey));
        var input = new SecretScanInput
        {
            PublishDirectory = _dir.Root,
            EnvironmentVariables = new Dictionary<string, string> { ["DB_PASSWORD"] = envPassword },
            Labels = new Dictionary<string, string> { ["ci.token"] = labelToken },
            Cmd = ["--connection", $"Server=x;Pwd={argPassword}"],
        };

        SecretScanResult result = SecretScanner.Scan(input, new SecretScanOptions { Exclusions = [new SecretScanExclusion("excluded/", null, "fixture")] });
        Assert.Equal(
            ["SC7101", "SC7105", "SC7106", "SC7106", "SC7107", "SC7108", "SC7120", "SC7121", "SC7121", "SC7123"],
            result.Findings.Select(f => f.Code).Order());

        var outputs = new StringBuilder();
        foreach (Diagnostic d in result.Diagnostics)
        {
            outputs.AppendLine(d.ToString()).AppendLine(new SecureContainerException(d).ToString());
        }

        foreach (SecretFinding f in result.Findings)
        {
            outputs.AppendLine(f.ToString()).AppendLine(f.ToDiagnostic().Message);
        }

        outputs.AppendLine(JsonSerializer.Serialize(result));
        outputs.AppendLine(Encoding.UTF8.GetString(SarifWriter.Write(SecretSarif.ToRun(result, new SarifTool("SecureContainers", "0.1.0")))));
        string all = outputs.ToString();

        string pemBody = pem.Split('\n')[1];
        foreach (string secret in new[] { pemBody, ghp, awsSecret, azureKey, jwt, dbPassword, settingPassword, envPassword, labelToken, argPassword })
        {
            Assert.DoesNotContain(secret, all);
            Assert.DoesNotContain(secret.Substring(secret.Length / 3, 12), all);
        }

        // The access key ID is an identifier, but it is not printed either.
        Assert.DoesNotContain(awsId, all);
    }
}

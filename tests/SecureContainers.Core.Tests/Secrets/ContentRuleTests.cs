namespace SecureContainers.Core.Tests.Secrets;

/// <summary>Each content rule on a file: a positive case and the near miss that must stay quiet.</summary>
public sealed class ContentRuleTests : IDisposable
{
    private readonly PublishDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void RsaPemKeyIsReportedAtItsHeaderLine()
    {
        _dir.Write("keys/signing.key", "# signing key\n" + TestSecrets.RsaPem());

        Assert.Equal([("SC7101", "keys/signing.key", (int?)2)], _dir.Scan().Reported());
    }

    [Fact]
    public void Pkcs8KeyInACrLfFileIsReported()
    {
        _dir.Write("app.pem", TestSecrets.Pkcs8Pem().Replace("\n", "\r\n"));

        Assert.Equal([("SC7101", "app.pem", (int?)1)], _dir.Scan().Reported());
    }

    [Fact]
    public void OpenSshKeyIsReported()
    {
        string body = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(300));
        _dir.Write("deploy_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + string.Join('\n', body.Chunk(70).Select(c => new string(c))) + "\n-----END OPENSSH PRIVATE KEY-----\n");

        Assert.Equal(["SC7101"], _dir.Scan().Codes());
    }

    [Fact]
    public void PemKeyEmbeddedInJsonWithEscapedNewlinesIsReported()
    {
        string pem = TestSecrets.Pkcs8Pem().Replace("\n", "\\n");
        _dir.Write("config.json", $$"""{ "signing": "{{pem}}" }""");

        Assert.Equal([("SC7101", "config.json", (int?)1)], _dir.Scan().Reported());
    }

    [Fact]
    public void PemHeaderAsAStringLiteralWithoutKeyMaterialIsNotReported()
    {
        // A PEM parser in a JavaScript library names the header but carries no key.
        _dir.Write("wwwroot/lib/pem.js", "const header = '-----BEGIN PRIVATE KEY-----';\nfunction parse(text) {\n  return text.indexOf(header);\n}\n");

        Assert.Empty(_dir.Scan().Findings);
    }

    [Fact]
    public void PublicKeysAndCertificatesAreNotReported()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        _dir.Write("public.pem", rsa.ExportSubjectPublicKeyInfoPem() + rsa.ExportRSAPublicKeyPem());

        Assert.Empty(_dir.Scan().Findings);
    }

    [Fact]
    public void AwsKeyIdWithNearbySecretIsReportedAtTheKeyId()
    {
        _dir.Write("aws/credentials", $"[default]\naws_access_key_id = {TestSecrets.AwsKeyId()}\naws_secret_access_key = {TestSecrets.AwsSecret()}\n");

        Assert.Equal([("SC7105", "aws/credentials", (int?)2)], _dir.Scan().Reported());
    }

    [Fact]
    public void AwsKeyIdAloneIsNotReported()
    {
        // An access key ID identifies a key; without its secret it signs nothing.
        _dir.Write("notes.txt", $"key id {TestSecrets.AwsKeyId()}\n");

        Assert.Empty(_dir.Scan().Findings);
    }

    [Fact]
    public void AwsSecretFarFromTheKeyIdIsNotPaired()
    {
        _dir.Write("big.ini", $"id={TestSecrets.AwsKeyId()}\n" + string.Concat(Enumerable.Repeat("filler=1\n", 20)) + $"aws_secret_access_key={TestSecrets.AwsSecret()}\n");

        Assert.Empty(_dir.Scan().Findings);
    }

    [Fact]
    public void GitHubTokensAreReported()
    {
        _dir.Write("a.txt", $"token: {TestSecrets.GitHubPat()}\n");
        _dir.Write("b.txt", $"x\n\"{TestSecrets.GitHubFineGrainedPat()}\"\n");

        Assert.Equal([("SC7106", "a.txt", (int?)1), ("SC7106", "b.txt", (int?)2)], _dir.Scan().Reported());
    }

    [Fact]
    public void GitHubTokenWithWrongLengthIsNotReported()
    {
        _dir.Write("a.txt", $"{TestSecrets.GitHubPat()}X ghp_short ghp_{new string('a', 35)}\n");

        Assert.Empty(_dir.Scan().Findings);
    }

    [Fact]
    public void AzureStorageConnectionStringWithAccountKeyIsReported()
    {
        _dir.Write("settings.xml", $"<add key=\"Storage\" value=\"{TestSecrets.AzureConnectionString(TestSecrets.AzureKey())}\" />\n");

        Assert.Equal([("SC7107", "settings.xml", (int?)1)], _dir.Scan().Reported());
    }

    [Fact]
    public void AzuriteDevelopmentKeyAndPlaceholderKeysAreNotReported()
    {
        _dir.Write("dev.txt",
            TestSecrets.AzureConnectionString("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==") + "\n" +
            "AccountName=x;AccountKey=<your-key>;\nUseDevelopmentStorage=true\n");

        Assert.Empty(_dir.Scan().Findings);
    }

    [Fact]
    public void SignedJwtIsReported()
    {
        _dir.Write("wwwroot/index.html", $"<script>const t = \"{TestSecrets.Jwt()}\";</script>\n");

        Assert.Equal([("SC7108", "wwwroot/index.html", (int?)1)], _dir.Scan().Reported());
    }

    [Fact]
    public void DottedStringsThatAreNotJwtsAreNotReported()
    {
        // Right shape, but the header is not JSON with "alg"; and an unsigned token has an empty signature part.
        string notJwt = "eyJub3RhbGciOiJ4In0." + TestSecrets.Base64Url(new byte[30]) + "." + TestSecrets.Base64Url(new byte[30]);
        string unsigned = TestSecrets.Jwt().Split('.')[0] + "." + TestSecrets.Jwt().Split('.')[1] + ".";
        _dir.Write("a.txt", $"{notJwt}\n{unsigned}\nMicrosoft.Extensions.Logging.Abstractions\n");

        Assert.Empty(_dir.Scan().Findings);
    }

    [Fact]
    public void ConnectionStringWithPasswordIsAWarning()
    {
        _dir.Write("db.config", $"Server=db;Database=app;User Id=sa;Password={TestSecrets.Password()};\nData Source=x;PWD = {TestSecrets.Password()}\n");

        Assert.Equal([("SC7121", "db.config", (int?)1), ("SC7121", "db.config", (int?)2)], _dir.Scan().Reported());
    }

    [Theory]
    [InlineData("Server=db;Database=app;Password=;")]
    [InlineData("Server=db;Password=${DB_PASSWORD};")]
    [InlineData("Server=db;Password=#{DbPassword}#;")]
    [InlineData("Server=db;Password=<password>;")]
    [InlineData("Server=db;Password={0};")]
    [InlineData("Server=db;Password=****;")]
    [InlineData("Server=db;Integrated Security=true;")]
    [InlineData("export DB_PASSWORD=abc")]
    [InlineData("RequirePassword=true is not a connection-string pair")]
    public void PasswordPlaceholdersAndLookalikesAreNotReported(string line)
    {
        _dir.Write("a.txt", line + "\n");

        Assert.Empty(_dir.Scan().Findings);
    }

    [Fact]
    public void ChangeMeIsAPasswordNotAPlaceholder()
    {
        // A default credential that ships is the credential in force.
        _dir.Write("a.txt", "Server=db;Password=changeme;\n");

        Assert.Equal(["SC7121"], _dir.Scan().Codes());
    }

    [Fact]
    public void BinaryFilesAreNotReadForContent()
    {
        byte[] bytes = [.. System.Text.Encoding.UTF8.GetBytes(TestSecrets.GitHubPat()), 0, 1, 2];
        _dir.WriteBytes("data.bin", bytes);
        _dir.Write("native.so", TestSecrets.GitHubPat());

        Assert.Empty(_dir.Scan().Findings);
    }

    [Fact]
    public void LinesAreNumberedAcrossReadChunks()
    {
        // Secrets past the 64 KiB read chunk and past a 3 MiB single line (cut at 1 MiB) keep their true line.
        string filler = string.Concat(Enumerable.Repeat("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n", 2000));
        string longLine = new('a', 3 * 1024 * 1024);
        _dir.Write("big.txt", filler + $"t={TestSecrets.GitHubPat()}\n" + longLine + "\n" + $"t={TestSecrets.GitHubPat()}\n");

        Assert.Equal([("SC7106", "big.txt", (int?)2001), ("SC7106", "big.txt", (int?)2003)], _dir.Scan().Reported());
    }
}

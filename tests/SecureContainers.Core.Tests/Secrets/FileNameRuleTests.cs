namespace SecureContainers.Core.Tests.Secrets;

/// <summary>Rules decided by a file's or folder's name, whatever the content.</summary>
public sealed class FileNameRuleTests : IDisposable
{
    private readonly PublishDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("cert.pfx")]
    [InlineData("certs/Cert.P12")]
    [InlineData("java/trust.jks")]
    [InlineData("android.keystore")]
    public void KeyStoresAreErrors(string path)
    {
        _dir.WriteBytes(path, [0x30, 0x82, 0x01, 0x00]);

        Assert.Equal([("SC7102", path, (int?)null)], _dir.Scan().Reported());
    }

    [Theory]
    [InlineData("id_rsa")]
    [InlineData(".ssh/id_ed25519")]
    [InlineData("id_ecdsa")]
    [InlineData("id_dsa")]
    public void SshKeyFileNamesAreErrorsAndReportedOnce(string path)
    {
        // The file also holds a PEM block; the name rule already says everything.
        _dir.Write(path, TestSecrets.RsaPem());

        Assert.Equal([("SC7103", path, (int?)null)], _dir.Scan().Reported());
    }

    [Theory]
    [InlineData("id_rsa.pub")]
    [InlineData("my_id_rsa_notes.txt")]
    [InlineData("cert.cer")]
    [InlineData("pfx.txt")]
    public void LookalikeNamesAreNotReported(string path)
    {
        _dir.Write(path, "public material\n");

        Assert.Empty(_dir.Scan().Findings);
    }

    [Fact]
    public void GitFolderAnywhereIsOneErrorAndIsNotDescended()
    {
        _dir.Write(".git/config", $"[remote]\nurl = https://user:{TestSecrets.GitHubPat()}@github.com/x/y\n");
        _dir.Write("wwwroot/vendor/.git/HEAD", "ref: refs/heads/main\n");
        _dir.Write("src/.gitignore", "bin/\n");

        Assert.Equal([("SC7104", ".git", (int?)null), ("SC7104", "wwwroot/vendor/.git", (int?)null)], _dir.Scan().Reported());
    }

    [Fact]
    public void DotEnvFilesAreWarningsButTemplatesAreNot()
    {
        _dir.Write(".env", "LOG_LEVEL=debug\n");
        _dir.Write("config/.env.production", "LOG_LEVEL=info\n");
        _dir.Write(".env.example", "DB_PASSWORD=\n");
        _dir.Write("my.env.txt", "x\n");

        Assert.Equal([("SC7122", ".env", (int?)null), ("SC7122", "config/.env.production", (int?)null)], _dir.Scan().Reported());
    }

    [Fact]
    public void DotEnvContentIsStillScanned()
    {
        _dir.Write(".env", $"GITHUB_TOKEN={TestSecrets.GitHubPat()}\n");

        Assert.Equal([("SC7122", ".env", (int?)null), ("SC7106", ".env", (int?)1)], _dir.Scan().Reported());
    }
}

using System.Diagnostics;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Signing.Provenance;

namespace SecureContainers.Core.Tests.Signing;

public class SourceControlTests
{
    [Theory]
    [InlineData("https://builder:ghp_secret123@github.com/acme/shop.git", "https://github.com/acme/shop")]
    [InlineData("git@github.com:acme/shop.git", "https://github.com/acme/shop")]
    [InlineData("ssh://git@example.com:2222/acme/shop.git", "https://example.com/acme/shop")]
    [InlineData("https://dev.azure.com/acme/shop/_git/shop", "https://dev.azure.com/acme/shop/_git/shop")]
    [InlineData("http://localhost:3000/acme/shop/", "http://localhost:3000/acme/shop")]
    public void RepositoryUrlsLoseCredentialsAndGitSuffixes(string url, string expected) => Assert.Equal(expected, SourceControl.Clean(url));

    [Theory]
    [InlineData("")]
    [InlineData("../relative/path")]
    [InlineData("file:///home/me/repo")]
    public void NonRemoteUrlsGiveNoLabel(string url) => Assert.Null(SourceControl.Clean(url));

    [Fact]
    public void GitRemoteAndHeadAreReadWhenMSBuildKnowsNothing()
    {
        string dir = Directory.CreateTempSubdirectory("sc-git-").FullName;
        try
        {
            Git(dir, "init", "-q");
            Git(dir, "remote", "add", "origin", "https://x:token@example.com/acme/app.git");
            Git(dir, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "t");
            string head = Git(dir, "rev-parse", "HEAD");

            Assert.Equal(new SourceInfo("https://example.com/acme/app", head), SourceControl.Detect(dir, repositoryUrl: null, commit: null));
            Assert.Equal("https://github.com/acme/other", SourceControl.Detect(dir, "https://github.com/acme/other.git", null).RepositoryUrl);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Git(string dir, params string[] args)
    {
        ProcessStartInfo info = new("git") { WorkingDirectory = dir, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output;
    }
}

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
    public async Task GitIsNotStartedOutsideARepository()
    {
        string dir = Directory.CreateTempSubdirectory("sc-nogit-").FullName;
        try
        {
            Assert.True(NoGitAbove(dir), $"the test needs a temporary folder outside any git repository; '{dir}' is inside one");
            List<string> started = new();

            SourceInfo found = await SourceControl.DetectAsync(dir, repositoryUrl: null, commit: null, _ => null, Recording(started), CancellationToken.None);

            Assert.Equal(new SourceInfo(null, null), found);
            Assert.Empty(started);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(".git folder")]
    [InlineData(".git file")]
    [InlineData("GIT_DIR")]
    public async Task GitIsAskedWhereItCouldFindARepository(string how)
    {
        string dir = Directory.CreateTempSubdirectory("sc-maybegit-").FullName;
        try
        {
            // A clone has a .git folder, a worktree or submodule a .git file, both possibly above the project; GIT_DIR names one anywhere.
            string project = Directory.CreateDirectory(Path.Combine(dir, "src", "app")).FullName;
            if (how == ".git folder")
            {
                Directory.CreateDirectory(Path.Combine(dir, ".git"));
            }
            else if (how == ".git file")
            {
                File.WriteAllText(Path.Combine(dir, ".git"), "gitdir: /elsewhere/.git/worktrees/app\n");
            }

            List<string> started = new();
            Func<string, string?> environment = name => how == "GIT_DIR" && name == "GIT_DIR" ? "/elsewhere/.git" : null;

            SourceInfo found = await SourceControl.DetectAsync(project, repositoryUrl: null, commit: null, environment, Recording(started), CancellationToken.None);

            Assert.Equal(new[] { "remote get-url origin", "rev-parse HEAD" }, started.Order(StringComparer.Ordinal));
            Assert.Equal(new SourceInfo("https://example.com/acme/app", new string('a', 40)), found);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task GitIsNotAskedWhatMSBuildAlreadyKnows()
    {
        List<string> started = new();
        string commit = new('b', 40);

        SourceInfo found = await SourceControl.DetectAsync("/", "https://x:token@example.com/acme/app.git", commit, _ => "/elsewhere/.git", Recording(started), CancellationToken.None);

        Assert.Equal(new SourceInfo("https://example.com/acme/app", commit), found);
        Assert.Empty(started);
    }

    [Fact]
    public async Task GitRemoteAndHeadAreReadWhenMSBuildKnowsNothing()
    {
        string dir = Directory.CreateTempSubdirectory("sc-git-").FullName;
        try
        {
            Git(dir, "init", "-q");
            Git(dir, "remote", "add", "origin", "https://x:token@example.com/acme/app.git");
            Git(dir, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "t");
            string head = Git(dir, "rev-parse", "HEAD");

            Assert.Equal(new SourceInfo("https://example.com/acme/app", head), await SourceControl.DetectAsync(dir, repositoryUrl: null, commit: null));
            Assert.Equal("https://github.com/acme/other", (await SourceControl.DetectAsync(dir, "https://github.com/acme/other.git", null)).RepositoryUrl);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A stand-in for git that records what it was asked and answers like a clone of example.com/acme/app.</summary>
    private static Func<string, string[], CancellationToken, Task<string?>> Recording(List<string> started) => (_, args, _) =>
    {
        string asked = string.Join(' ', args);
        lock (started)
        {
            started.Add(asked);
        }

        return Task.FromResult<string?>(asked == "rev-parse HEAD" ? new string('a', 40) : "https://example.com/acme/app.git");
    };

    private static bool NoGitAbove(string directory)
    {
        for (DirectoryInfo? d = new(directory); d is not null; d = d.Parent)
        {
            if (Path.Exists(Path.Combine(d.FullName, ".git")))
            {
                return false;
            }
        }

        return true;
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

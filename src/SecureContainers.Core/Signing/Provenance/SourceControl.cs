using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SecureContainers.Core.Signing.Provenance;

/// <summary>Where the image's source lives: repository URL (no credentials) and commit.</summary>
public sealed record SourceInfo(string? RepositoryUrl, string? Commit);

/// <summary>
/// Finds the source repository and commit for the OCI source/revision labels and the provenance: from what MSBuild
/// already knows (SourceLink's <c>PrivateRepositoryUrl</c>/<c>SourceRevisionId</c>, <c>RepositoryUrl</c>), else from
/// git itself. URLs are cleaned so that a token in a clone URL never ends up in an image.
/// </summary>
public static partial class SourceControl
{
    public static Task<SourceInfo> DetectAsync(string directory, string? repositoryUrl, string? commit, CancellationToken cancellationToken = default) =>
        DetectAsync(directory, repositoryUrl, commit, Environment.GetEnvironmentVariable, GitAsync, cancellationToken);

    /// <summary><see cref="DetectAsync(string, string?, string?, CancellationToken)"/> with the environment and git itself
    /// given: tests count the processes it starts.</summary>
    internal static async Task<SourceInfo> DetectAsync(
        string directory, string? repositoryUrl, string? commit, Func<string, string?> getEnvironmentVariable,
        Func<string, string[], CancellationToken, Task<string?>> git, CancellationToken cancellationToken)
    {
        string? knownUrl = Clean(repositoryUrl);
        string? knownCommit = IsCommit(commit) ? commit : null;
        if ((knownUrl is not null && knownCommit is not null) || !MayBeInRepository(directory, getEnvironmentVariable))
        {
            // Nothing left to ask, or no repository git could find: starting it would cost two processes for nothing.
            return new SourceInfo(knownUrl, knownCommit);
        }

        // The two git processes, when both are needed, run at the same time.
        Task<string?> remote = knownUrl is not null ? Task.FromResult<string?>(knownUrl) : git(directory, ["remote", "get-url", "origin"], cancellationToken);
        Task<string?> head = knownCommit is not null ? Task.FromResult<string?>(knownCommit) : git(directory, ["rev-parse", "HEAD"], cancellationToken);
        string? revision = await head.ConfigureAwait(false);
        return new SourceInfo(Clean(await remote.ConfigureAwait(false)), IsCommit(revision) ? revision : null);
    }

    /// <summary>
    /// Whether git could find a repository from <paramref name="directory"/>: a <c>.git</c> folder (a clone) or file (a
    /// worktree, a submodule) here or above, or <c>GIT_DIR</c> naming one elsewhere. Errs towards asking git.
    /// </summary>
    private static bool MayBeInRepository(string directory, Func<string, string?> getEnvironmentVariable)
    {
        if (!string.IsNullOrEmpty(getEnvironmentVariable("GIT_DIR")))
        {
            return true;
        }

        for (DirectoryInfo? d = new(Path.GetFullPath(directory)); d is not null; d = d.Parent)
        {
            if (Path.Exists(Path.Combine(d.FullName, ".git")))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Drops user info (tokens), turns scp-style <c>git@host:owner/repo</c> into https, and trims <c>.git</c>, the form
    /// scanners and registries' UIs link to. Anything that is not a URL gives null rather than a guess.
    /// </summary>
    public static string? Clean(string? url)
    {
        string value = url?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            return null;
        }

        Match scp = ScpLike().Match(value);
        if (scp.Success)
        {
            value = $"https://{scp.Groups["host"].Value}/{scp.Groups["path"].Value}";
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("https" or "http" or "ssh" or "git"))
        {
            return null;
        }

        string path = uri.AbsolutePath.EndsWith(".git", StringComparison.Ordinal) ? uri.AbsolutePath[..^4] : uri.AbsolutePath;
        string scheme = uri.Scheme is "ssh" or "git" ? "https" : uri.Scheme;
        string port = uri.IsDefaultPort || uri.Scheme is "ssh" or "git" ? "" : $":{uri.Port}";
        return $"{scheme}://{uri.Host}{port}{path.TrimEnd('/')}";
    }

    private static bool IsCommit(string? value) => value is not null && CommitPattern().IsMatch(value);

    /// <summary>git's answer, or null when it fails, is missing or takes over 10 s. Waits without holding a thread: the
    /// check starts its other work on the thread pool meanwhile.</summary>
    private static async Task<string?> GitAsync(string directory, string[] args, CancellationToken cancellationToken)
    {
        ProcessStartInfo info = new("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        // Never prompt for credentials: this runs inside a build.
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git on PATH: the labels are simply not added.
            return null;
        }

        using (process)
        {
            using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            Task<string> output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            Task<string> errors = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                string text = await output.ConfigureAwait(false);
                await errors.ConfigureAwait(false);
                return process.ExitCode == 0 ? text.Trim() : null;
            }
            catch (OperationCanceledException)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It exited between the timeout and the kill.
                }

                cancellationToken.ThrowIfCancellationRequested();
                return null;
            }
        }
    }

    [GeneratedRegex("^(?:[^@/]+@)?(?<host>[A-Za-z0-9.-]+):(?!//)(?<path>[^\\s]+)$")]
    private static partial Regex ScpLike();

    [GeneratedRegex("^[0-9a-f]{40}([0-9a-f]{24})?$")]
    private static partial Regex CommitPattern();
}

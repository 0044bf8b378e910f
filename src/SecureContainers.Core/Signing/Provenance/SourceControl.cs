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
    public static SourceInfo Detect(string directory, string? repositoryUrl, string? commit)
    {
        // The two git processes, when both are needed, run at the same time.
        Task<string?> remote = Clean(repositoryUrl) is { } known ? Task.FromResult<string?>(known) : Task.Run(() => Clean(Git(directory, "remote", "get-url", "origin")));
        string? revision = IsCommit(commit) ? commit : Git(directory, "rev-parse", "HEAD") is { } head && IsCommit(head) ? head : null;
        return new SourceInfo(remote.GetAwaiter().GetResult(), revision);
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

    private static string? Git(string directory, params string[] args)
    {
        ProcessStartInfo info = new("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        // Never prompt for credentials: this runs inside a build.
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        try
        {
            using Process process = Process.Start(info)!;
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }

            return process.ExitCode == 0 ? output.Result.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git on PATH: the labels are simply not added.
            return null;
        }
    }

    [GeneratedRegex("^(?:[^@/]+@)?(?<host>[A-Za-z0-9.-]+):(?!//)(?<path>[^\\s]+)$")]
    private static partial Regex ScpLike();

    [GeneratedRegex("^[0-9a-f]{40}([0-9a-f]{24})?$")]
    private static partial Regex CommitPattern();
}

using System.Runtime.CompilerServices;

namespace SecureContainers.TestUtilities;

/// <summary>The repository the tests run from, found once for every test project (the folder holding SecureContainers.sln).</summary>
public static class RepositoryRoot
{
    private const string Marker = "SecureContainers.sln";

    /// <summary>The full path of the repository root; throws when the tests run outside a checkout.</summary>
    public static string FullPath => Found.Value;

    /// <summary>A path under the root: <c>RepositoryRoot.Combine("docs", "cli.md")</c>.</summary>
    public static string Combine(params string[] parts) => Path.Combine([FullPath, .. parts]);

    private static readonly Lazy<string> Found = new(() => Find());

    // From the test binaries first (tests/X/bin/...), then from this file's path as compiled, so that a test host started
    // from another folder still finds the checkout it was built from.
    private static string Find([CallerFilePath] string thisFile = "") =>
        FindAbove(AppContext.BaseDirectory) ?? FindAbove(Path.GetDirectoryName(thisFile))
        ?? throw new InvalidOperationException($"The repository root ({Marker}) was not found above {AppContext.BaseDirectory} or {thisFile}.");

    private static string? FindAbove(string? start)
    {
        for (DirectoryInfo? dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, Marker)))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}

namespace SecureContainers.Core.Layers;

/// <summary>A one-line account of what a base image holds, for build output: the OS, its package inventory, .NET.</summary>
public static class BaseImageSummary
{
    public static string Describe(ImageContentsReport contents)
    {
        string os = contents.OsRelease?.PrettyName ?? contents.OsRelease?.Id ?? "unknown OS";
        string packages = contents.Packages.Count == 0
            ? "no package database"
            : string.Join(", ", contents.Packages.GroupBy(p => p.Type).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key} packages"));
        string dotnet = contents.DotNetFrameworks.Count == 0
            ? "no .NET runtime"
            : string.Join(", ", contents.DotNetFrameworks.Select(f => $"{f.Name} {f.Version}"));
        string unread = contents.PackageDatabaseWarnings.Count > 0 ? ", a package database not fully read (see warnings)" : string.Empty;
        return $"{os}; {packages}{unread}; {dotnet}";
    }
}

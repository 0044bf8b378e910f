namespace SecureContainers.Core.Layers;

/// <summary>A one-line account of what a base image holds, for build output: the OS, its package inventory, .NET.</summary>
public static class BaseImageSummary
{
    public static string Describe(ImageContentsReport contents)
    {
        string os = contents.OsRelease?.PrettyName ?? contents.OsRelease?.Id ?? "unknown OS";
        string packages = contents.Packages.Count == 0
            ? "no package database"
            : string.Join(", ", contents.Packages.GroupBy(p => p.Type).OrderBy(g => g.Key, StringComparer.Ordinal).Select(Count));
        string dotnet = contents.DotNetFrameworks.Count == 0
            ? "no .NET runtime"
            : string.Join(", ", contents.DotNetFrameworks.Select(f => $"{f.Name} {f.Version}"));
        string unread = contents.PackageDatabaseWarnings.Count > 0 ? ", a package database not fully read (see warnings)" : string.Empty;
        return $"{os}; {packages}{unread}; {dotnet}";
    }

    /// <summary><c>4 deb packages</c>, and for a chiseled image <c>4 deb packages (chiseled: 6 slices)</c>.</summary>
    private static string Count(IGrouping<string, OsPackage> packages)
    {
        int slices = packages.Sum(p => p.Slices.Count);
        return slices == 0 ? $"{packages.Count()} {packages.Key} packages" : $"{packages.Count()} {packages.Key} packages (chiseled: {slices} slices)";
    }
}

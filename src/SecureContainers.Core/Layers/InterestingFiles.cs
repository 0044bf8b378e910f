namespace SecureContainers.Core.Layers;

/// <summary>
/// The few files whose content the scanner keeps: user database, OS identity and package databases. Everything else
/// is recorded as metadata only, which is what keeps memory bounded on multi-gigabyte layers.
/// </summary>
public static class InterestingFiles
{
    public const string Passwd = "/etc/passwd";
    public const string Group = "/etc/group";
    public const string OsRelease = "/etc/os-release";
    public const string UsrLibOsRelease = "/usr/lib/os-release";
    public const string DpkgStatus = "/var/lib/dpkg/status";
    public const string DpkgStatusDirectory = "/var/lib/dpkg/status.d";
    public const string ApkInstalled = "/lib/apk/db/installed";

    private static readonly HashSet<string> Exact = new(StringComparer.Ordinal)
    {
        Passwd, Group, OsRelease, UsrLibOsRelease, DpkgStatus, ApkInstalled,

        // Merged-/usr Alpine variants keep the apk database here.
        "/usr/lib/apk/db/installed",
    };

    /// <summary>
    /// True for a path whose content is kept. In <c>status.d/</c> every control file counts, but not the
    /// <c>*.md5sums</c> lists distroless images put beside them: they hold no package data.
    /// </summary>
    public static bool IsCaptured(string path) =>
        Exact.Contains(path)
        || (LayerPath.Parent(path) == DpkgStatusDirectory && !path.EndsWith(".md5sums", StringComparison.Ordinal));
}

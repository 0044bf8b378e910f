namespace SecureContainers.Core.Layers;

/// <summary>
/// The few files whose content the scanner keeps: user database, OS identity, package databases and Debian copyright
/// files (for licenses). Everything else is recorded as metadata only, which is what keeps memory bounded on
/// multi-gigabyte layers.
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
    public const string RpmManifest = "/var/lib/rpmmanifest/container-manifest-2";

    /// <summary>
    /// Chisel's manifest where Ubuntu's chiseled images have it (the base-files_chisel slice generates it there); chisel
    /// writes it wherever a slice says <c>generate: manifest</c>, but no other place is in use.
    /// </summary>
    public const string ChiselManifest = "/var/lib/chisel/manifest.wall";

    /// <summary>rpm's sqlite database (rpm 4.16+) at the classic path and at the one Fedora moved it to.</summary>
    public static IReadOnlyList<string> RpmSqliteDatabases { get; } = ["/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"];

    private static readonly HashSet<string> Exact = new(StringComparer.Ordinal)
    {
        Passwd, Group, OsRelease, UsrLibOsRelease, DpkgStatus, ApkInstalled, RpmManifest, ChiselManifest,

        // Merged-/usr Alpine variants keep the apk database here.
        "/usr/lib/apk/db/installed",
    };

    /// <summary>
    /// True for a path whose content is kept. In <c>status.d/</c> every control file counts, but not the
    /// <c>*.md5sums</c> lists distroless images put beside them: they hold no package data.
    /// </summary>
    public static bool IsCaptured(string path) =>
        Exact.Contains(path)
        || IsRpmSqliteDatabase(path)
        || (LayerPath.Parent(path) == DpkgStatusDirectory && !path.EndsWith(".md5sums", StringComparison.Ordinal));

    /// <summary>
    /// True for an rpm sqlite database. It is captured whole (SQLite pages point anywhere in the file) under its own
    /// cap, <see cref="LayerScanLimits.MaxRpmDatabaseBytes"/>, and does not count against the per-layer budget.
    /// </summary>
    public static bool IsRpmSqliteDatabase(string path) => RpmSqliteDatabases.Contains(path, StringComparer.Ordinal);

    public const string DocDirectory = "/usr/share/doc";

    /// <summary>
    /// True for <c>/usr/share/doc/&lt;package&gt;/copyright</c>, where a Debian package states its licenses. Captured under
    /// their own caps (<see cref="LayerScanLimits.MaxCopyrightFileBytes"/>, <see cref="LayerScanLimits.MaxCopyrightBytesPerLayer"/>):
    /// one that does not fit is left out, not an error, since a license is documentation rather than a security fact.
    /// </summary>
    public static bool IsDebianCopyright(string path) =>
        LayerPath.Name(path) == "copyright" && LayerPath.Parent(LayerPath.Parent(path)) == DocDirectory;

    /// <summary>Where a Debian package's copyright file is (its doc directory may be a link to another package's).</summary>
    public static string DebianCopyrightPath(string package) => $"{DocDirectory}/{package}/copyright";
}

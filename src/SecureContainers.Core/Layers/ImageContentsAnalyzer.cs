using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers.Chisel;
using SecureContainers.Core.Layers.Rpm;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>Derives an <see cref="ImageContentsReport"/> from an <see cref="ImageFileSystem"/>.</summary>
public static class ImageContentsAnalyzer
{
    /// <summary>Where a shell or tool would be found on PATH; /usr/local is where hand-installed copies go.</summary>
    public static IReadOnlyList<string> ExecutableDirectories { get; } =
        ["/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];

    public static IReadOnlyList<string> ShellNames { get; } = ["sh", "bash", "dash", "ash", "busybox"];

    public static IReadOnlyList<string> PackageManagerNames { get; } = ["apt", "apt-get", "dpkg", "apk", "rpm", "yum", "dnf", "microdnf"];

    public static IReadOnlyList<string> RemoteAccessServerNames { get; } = ["sshd"];

    public static IReadOnlyList<string> PrivilegeEscalationToolNames { get; } = ["sudo", "doas"];

    /// <summary>Directories meant to be world-writable (with the sticky bit); everything at or below them is not reported.</summary>
    public static IReadOnlyList<string> WorldWritableAllowed { get; } = ["/tmp", "/var/tmp"];

    /// <summary>
    /// Lock and shared-memory directories the FHS makes world-writable; allowed only as sticky directories (where
    /// nobody can replace another user's files), which is how every distribution ships them.
    /// </summary>
    public static IReadOnlyList<string> StickyDirectoriesAllowed { get; } = ["/var/lock", "/run/lock", "/dev/shm"];

    private static readonly string[] RpmDatabaseDirectories = ["/var/lib/rpm", "/usr/lib/sysimage/rpm"];
    private static readonly string[] RpmDatabaseFiles = ["Packages", "Packages.db", "rpmdb.sqlite"];
    private const string RpmSqliteFile = "rpmdb.sqlite";
    private static readonly string[] DotNetFrameworkNames = ["Microsoft.NETCore.App", "Microsoft.AspNetCore.App", "Microsoft.WindowsDesktop.App"];

    /// <summary>Analyzes <paramref name="fs"/>; <paramref name="limits"/> caps what is decompressed (chisel's manifest).</summary>
    public static ImageContentsReport Analyze(ImageFileSystem fs, LayerScanLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(fs);
        limits ??= LayerScanLimits.Default;
        var warnings = new List<Diagnostic>();
        var licenseMessages = new List<Diagnostic>();
        IReadOnlyList<string> rpmDatabases = FindRpmDatabases(fs);
        return new ImageContentsReport(
            FindExecutables(fs, ShellNames),
            FindExecutables(fs, PackageManagerNames),
            FindExecutables(fs, RemoteAccessServerNames),
            FindExecutables(fs, PrivilegeEscalationToolNames),
            fs.Entries.Where(e => e.Type is LayerEntryType.File or LayerEntryType.HardLink && (e.IsSetUid || e.IsSetGid)).Select(ToFinding).ToArray(),
            fs.Entries.Where(e => e.Type is LayerEntryType.File or LayerEntryType.HardLink or LayerEntryType.Directory && e.IsWorldWritable
                && !WorldWritableAllowed.Any(allowed => LayerPath.IsAtOrBelow(e.Path, allowed))
                && !(e.Type == LayerEntryType.Directory && e.Mode.HasFlag(UnixFileMode.StickyBit) && StickyDirectoriesAllowed.Contains(e.Path, StringComparer.Ordinal)))
                .Select(ToFinding).ToArray(),
            fs.ReadCapturedFile(InterestingFiles.Passwd) is { } passwd ? PasswdParser.Parse(passwd) : [],
            ReadOsRelease(fs),
            DebianCopyrightReader.AddLicenses(fs, ReadPackages(fs, rpmDatabases, limits, warnings), licenseMessages),
            rpmDatabases,
            FindDotNetFrameworks(fs))
        {
            PackageDatabaseWarnings = warnings,
            LicenseMessages = licenseMessages,
        };
    }

    private static ImageModeFinding ToFinding(ImageEntry e) => new(e.Path, e.Type, e.Mode, e.Uid, e.Gid, e.LayerDigest);

    /// <summary>
    /// Looks every name up in every directory, following links as the kernel would. With merged /usr, <c>/bin/sh</c>
    /// and <c>/usr/bin/sh</c> are the same file: each (name, resolved file) pair is reported once, at its first path.
    /// </summary>
    private static IReadOnlyList<ImageExecutable> FindExecutables(ImageFileSystem fs, IReadOnlyList<string> names)
    {
        var found = new List<ImageExecutable>();
        foreach (string name in names)
        {
            foreach (string directory in ExecutableDirectories)
            {
                string path = directory + "/" + name;
                string? resolved = fs.ResolvePath(path);
                if (resolved is null || !fs.TryGetEntry(resolved, out ImageEntry? entry) || entry.Type is not (LayerEntryType.File or LayerEntryType.HardLink))
                {
                    continue;
                }

                if (!found.Any(f => f.Name == name && f.ResolvedPath == resolved))
                {
                    found.Add(new ImageExecutable(name, path, resolved, entry.LayerDigest));
                }
            }
        }

        return found;
    }

    private static OsRelease? ReadOsRelease(ImageFileSystem fs)
    {
        // os-release(5): /etc/os-release wins; /usr/lib/os-release is the fallback (and usually its link target).
        byte[]? content = fs.ReadCapturedFile(InterestingFiles.OsRelease) ?? fs.ReadCapturedFile(InterestingFiles.UsrLibOsRelease);
        return content is null ? null : OsReleaseParser.Parse(content);
    }

    /// <summary>
    /// dpkg status first, then status.d files in name order, then apk, then rpm; then chisel's manifest adds the slices
    /// of each deb package it names (and the packages it alone names). A package listed twice (same type, name and
    /// architecture) keeps its first record, so the result does not depend on dictionary order.
    /// </summary>
    private static IReadOnlyList<OsPackage> ReadPackages(ImageFileSystem fs, IReadOnlyList<string> rpmDatabases, LayerScanLimits limits, List<Diagnostic> warnings)
    {
        IReadOnlyList<OsPackage> all = ReadPackageDatabases(fs, rpmDatabases, warnings);
        if (Read(fs, InterestingFiles.ChiselManifest) is var (wall, wallLayer)
            && ChiselManifestReader.Read(wall, InterestingFiles.ChiselManifest, wallLayer, limits.MaxChiselManifestBytes, warnings) is { } chisel)
        {
            all = ChiselSlices.Apply(all, chisel, wallLayer);
        }

        var seen = new HashSet<(string, string, string?)>();
        return all.Where(p => seen.Add((p.Type, p.Name, p.Architecture))).ToArray();
    }

    private static List<OsPackage> ReadPackageDatabases(ImageFileSystem fs, IReadOnlyList<string> rpmDatabases, List<Diagnostic> warnings)
    {
        var all = new List<OsPackage>();
        if (Read(fs, InterestingFiles.DpkgStatus) is var (status, statusLayer))
        {
            all.AddRange(DpkgStatusParser.Parse(status, statusLayer));
        }

        foreach (ImageEntry child in fs.GetChildren(InterestingFiles.DpkgStatusDirectory))
        {
            if (Read(fs, child.Path) is var (content, layer))
            {
                all.AddRange(DpkgStatusParser.Parse(content, layer));
            }
        }

        if (Read(fs, InterestingFiles.ApkInstalled) is var (apk, apkLayer))
        {
            all.AddRange(ApkInstalledParser.Parse(apk, apkLayer));
        }

        all.AddRange(ReadRpmPackages(fs, rpmDatabases, warnings));
        return all;
    }

    /// <summary>
    /// The sqlite databases (each file once, however many links lead to it), else Azure Linux distroless's manifest,
    /// which its build writes because it deletes the database. BerkeleyDB/ndb files are reported, not read.
    /// </summary>
    private static IReadOnlyList<OsPackage> ReadRpmPackages(ImageFileSystem fs, IReadOnlyList<string> rpmDatabases, List<Diagnostic> warnings)
    {
        var packages = new List<OsPackage>();
        bool readDatabase = false;
        foreach (string path in rpmDatabases.Where(p => LayerPath.Name(p) == RpmSqliteFile))
        {
            if (Read(fs, path) is var (database, layer))
            {
                packages.AddRange(RpmDatabaseReader.Read(database, path, layer));
                readDatabase = true;
                if (fs.ResolveEntry(path + "-wal") is { Type: LayerEntryType.File, Size: > 0 } wal)
                {
                    warnings.Add(LayerDiagnostics.RpmWriteAheadLogNotRead.Create(wal.Path, wal.Size));
                }
            }
        }

        if (!readDatabase && Read(fs, InterestingFiles.RpmManifest) is var (manifest, manifestLayer))
        {
            packages.AddRange(RpmManifestParser.Parse(manifest, manifestLayer));
        }

        string[] unread = rpmDatabases.Where(p => LayerPath.Name(p) != RpmSqliteFile).ToArray();
        if (!readDatabase && unread.Length > 0)
        {
            warnings.Add(LayerDiagnostics.RpmDatabaseFormatNotRead.Create(string.Join(", ", unread)));
        }

        return packages;
    }

    private static (byte[] Content, Digest Layer)? Read(ImageFileSystem fs, string path)
    {
        byte[]? content = fs.ReadCapturedFile(path);
        ImageEntry? entry = fs.ResolveEntry(path);
        return content is null || entry is null ? null : (content, entry.LayerDigest);
    }

    private static IReadOnlyList<string> FindRpmDatabases(ImageFileSystem fs) =>
        fs.Entries
            .Where(e => e.Type is LayerEntryType.File or LayerEntryType.HardLink
                && RpmDatabaseDirectories.Contains(LayerPath.Parent(e.Path), StringComparer.Ordinal)
                && RpmDatabaseFiles.Contains(LayerPath.Name(e.Path), StringComparer.Ordinal))
            .Select(e => e.Path)
            .ToArray();

    /// <summary>
    /// Finds <c>&lt;root&gt;/shared/&lt;framework&gt;/&lt;version&gt;</c> wherever .NET is installed (/usr/share/dotnet,
    /// /usr/lib/dotnet, an app folder). The version directory's own entry names the layer; a layer that omits
    /// directory entries is attributed through the first entry inside it.
    /// </summary>
    private static IReadOnlyList<DotNetFramework> FindDotNetFrameworks(ImageFileSystem fs)
    {
        var found = new Dictionary<string, DotNetFramework>(StringComparer.Ordinal);
        foreach (ImageEntry e in fs.Entries)
        {
            string[] segments = e.Path.Split('/');
            for (int i = 1; i + 2 < segments.Length; i++)
            {
                if (segments[i] == "shared" && DotNetFrameworkNames.Contains(segments[i + 1], StringComparer.Ordinal)
                    && segments[i + 2].Length > 0 && char.IsAsciiDigit(segments[i + 2][0]))
                {
                    string path = string.Join('/', segments[..(i + 3)]);
                    found.TryAdd(path, new DotNetFramework(segments[i + 1], segments[i + 2], path, e.LayerDigest));
                    break;
                }
            }
        }

        return found.Values.OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();
    }
}

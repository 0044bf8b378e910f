using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>
/// An executable of interest found in the image. <see cref="Path"/> is where it was looked for (for example
/// <c>/bin/sh</c>), <see cref="ResolvedPath"/> the file it resolves to after symbolic links (for example
/// <c>/usr/bin/dash</c>), <see cref="LayerDigest"/> the layer that wrote that file.
/// </summary>
public sealed record ImageExecutable(string Name, string Path, string ResolvedPath, Digest LayerDigest);

/// <summary>A file or directory whose mode matters for security (setuid/setgid, world-writable).</summary>
public sealed record ImageModeFinding(string Path, LayerEntryType Type, UnixFileMode Mode, long Uid, long Gid, Digest LayerDigest);

/// <summary>A .NET shared framework (<c>.../shared/&lt;Name&gt;/&lt;Version&gt;/</c>) present in the image.</summary>
public sealed record DotNetFramework(string Name, string Version, string Path, Digest LayerDigest);

/// <summary>
/// Facts derived from an image's final file system: what an attacker with code execution would find (shells,
/// package managers, sshd, sudo, setuid files, world-writable paths), who the users are, what OS and packages the
/// image has. Policies and the SBOM read this; it decides nothing itself.
/// </summary>
public sealed record ImageContentsReport(
    IReadOnlyList<ImageExecutable> Shells,
    IReadOnlyList<ImageExecutable> PackageManagers,
    IReadOnlyList<ImageExecutable> RemoteAccessServers,
    IReadOnlyList<ImageExecutable> PrivilegeEscalationTools,
    IReadOnlyList<ImageModeFinding> SetUidOrSetGidFiles,
    IReadOnlyList<ImageModeFinding> WorldWritable,
    IReadOnlyList<PasswdEntry> Users,
    OsRelease? OsRelease,
    IReadOnlyList<OsPackage> Packages,
    IReadOnlyList<string> RpmDatabases,
    IReadOnlyList<DotNetFramework> DotNetFrameworks)
{
    public bool HasShell => Shells.Count > 0;

    public bool HasPackageManager => PackageManagers.Count > 0;

    /// <summary>True when an RPM database file exists (sqlite, BerkeleyDB or ndb); see <see cref="RpmDatabases"/>.</summary>
    public bool HasRpmDatabase => RpmDatabases.Count > 0;

    /// <summary>
    /// Why <see cref="Packages"/> may be incomplete although the image was read: an rpm database in a format not read
    /// (SC4012), a write-ahead log not checkpointed (SC4033) or a chisel manifest not read (SC4034–SC4036). The base-image
    /// policy reports them.
    /// </summary>
    public IReadOnlyList<Diagnostic> PackageDatabaseWarnings { get; init; } = [];

    /// <summary>
    /// Why some deb packages have no license although they declare a machine-readable copyright file: malformed (SC4037)
    /// or past the copyright caps (SC4038). At most one of each per image; the base-image policy reports them.
    /// </summary>
    public IReadOnlyList<Diagnostic> LicenseMessages { get; init; } = [];

    /// <summary>The UID <c>/etc/passwd</c> gives <paramref name="name"/>.</summary>
    public bool TryGetUid(string name, out long uid)
    {
        PasswdEntry? entry = Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));
        uid = entry?.Uid ?? -1;
        return entry is not null;
    }
}

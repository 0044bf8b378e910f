using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>
/// A package an OS package manager recorded as installed. <see cref="Type"/> is <c>deb</c>, <c>apk</c> or <c>rpm</c> (the
/// purl type). For rpm, <see cref="Version"/> is <c>[epoch:]version-release</c>, the string rpm compares.
/// <see cref="SourcePackage"/> is dpkg's <c>Source</c>, apk's origin or rpm's source rpm (null when the database names none);
/// <see cref="SourceVersion"/> is set only when dpkg gives one as <c>src (version)</c>. <see cref="Depends"/> lists the
/// names of the packages (or apk <c>so:</c>/<c>cmd:</c> provides) depended on, without versions; for rpm, the installed
/// packages that provide what it requires.
/// <see cref="LayerDigest"/> is the layer that wrote the database record.
/// </summary>
public sealed record OsPackage(
    string Type,
    string Name,
    string Version,
    string? Architecture,
    string? SourcePackage,
    string? SourceVersion,
    string? License,
    IReadOnlyList<string> Depends,
    Digest LayerDigest)
{
    /// <summary>rpm's EPOCH tag; null when the package has none (rpm prints <c>(none)</c>).</summary>
    public int? Epoch { get; init; }

    /// <summary>rpm's VENDOR tag, for example <c>Microsoft Corporation</c>.</summary>
    public string? Vendor { get; init; }

    /// <summary>
    /// Digests the package database keeps for the package, keyed by what they cover: rpm's <c>sigmd5</c> (MD5 of header
    /// and payload, hex) and <c>sha256header</c> (SHA-256 of the immutable header, hex). Empty for dpkg and apk.
    /// </summary>
    public IReadOnlyDictionary<string, string> Digests { get; init; } = NoDigests;

    /// <summary>
    /// For deb: the license short names of the package's machine-readable copyright file
    /// (<c>/usr/share/doc/&lt;name&gt;/copyright</c>, see <see cref="DebianCopyrightParser"/>), as written there. Empty when
    /// the file is missing, free-form, malformed or too large: the license is unknown. Empty for apk and rpm, whose
    /// databases carry <see cref="License"/>.
    /// </summary>
    public IReadOnlyList<string> CopyrightLicenses { get; init; } = NoLicenses;
    /// The chisel slices of the package the image holds (<c>libc6_libs</c>), sorted; empty when no chisel manifest names
    /// the package. A chiseled image holds only these slices' files, not the whole package.
    /// </summary>
    public IReadOnlyList<string> Slices { get; init; } = [];

    /// <summary>SHA-256 (hex) of the package archive (.deb) installed from, when the image records it (chisel does).</summary>
    public string? ArchiveSha256 { get; init; }

    // One shared empty instance keeps record equality meaningful for dpkg and apk packages.
    private static readonly IReadOnlyDictionary<string, string> NoDigests = new Dictionary<string, string>();
    private static readonly IReadOnlyList<string> NoLicenses = [];
}

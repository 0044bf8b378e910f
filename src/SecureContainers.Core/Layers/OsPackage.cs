using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>
/// A package an OS package manager recorded as installed. <see cref="Type"/> is <c>deb</c> or <c>apk</c> (the purl
/// type). <see cref="SourcePackage"/> is dpkg's <c>Source</c> or apk's origin (null when the database names none);
/// <see cref="SourceVersion"/> is set only when dpkg gives one as <c>src (version)</c>. <see cref="Depends"/> lists the
/// names of the packages (or apk <c>so:</c>/<c>cmd:</c> provides) depended on, without versions.
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
    Digest LayerDigest);

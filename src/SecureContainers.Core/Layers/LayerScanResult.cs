using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Everything the scanner keeps from one layer: enough to rebuild the image's file tree and read its user, OS and
/// package databases without the layer's bytes. Serialized as JSON into <see cref="LayerScanCache"/>.
/// </summary>
/// <param name="FormatVersion">Cache format; a cached result with another version is ignored and rescanned.</param>
/// <param name="UncompressedSize">Bytes of tar stream the layer expanded to (what the limits count).</param>
/// <param name="Entries">Entries in tar order; whiteout markers are not entries.</param>
/// <param name="Whiteouts">Paths that <c>.wh.&lt;name&gt;</c> markers delete from lower layers.</param>
/// <param name="OpaqueDirectories">Directories whose lower-layer children <c>.wh..wh..opq</c> hides.</param>
public sealed record LayerScanResult(
    int FormatVersion,
    Digest Digest,
    string MediaType,
    long UncompressedSize,
    IReadOnlyList<LayerEntry> Entries,
    IReadOnlyList<string> Whiteouts,
    IReadOnlyList<string> OpaqueDirectories,
    IReadOnlyList<CapturedFile> CapturedFiles)
{
    /// <summary>
    /// Raised whenever the scanner keeps more (<see cref="InterestingFiles"/>): a result cached before would lack the new
    /// files and read as "absent" for good, since a layer digest never changes. 2: Debian copyright files; 3: chisel's
    /// manifest.wall.
    /// </summary>
    public const int CurrentFormatVersion = 3;
}

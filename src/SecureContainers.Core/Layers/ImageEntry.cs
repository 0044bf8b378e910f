using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>An entry of the merged image file system and the layer that last wrote it.</summary>
public sealed record ImageEntry(
    string Path,
    LayerEntryType Type,
    UnixFileMode Mode,
    long Uid,
    long Gid,
    long Size,
    string? LinkTarget,
    Digest LayerDigest)
{
    public bool IsSetUid => (Mode & UnixFileMode.SetUser) != 0;

    public bool IsSetGid => (Mode & UnixFileMode.SetGroup) != 0;

    public bool IsWorldWritable => (Mode & UnixFileMode.OtherWrite) != 0;

    internal static ImageEntry From(LayerEntry e, Digest layer) =>
        new(e.Path, e.Type, e.Mode, e.Uid, e.Gid, e.Size, e.LinkTarget, layer);
}

using System.Text.Json.Serialization;

namespace SecureContainers.Core.Layers;

[JsonConverter(typeof(JsonStringEnumConverter<LayerEntryType>))]
public enum LayerEntryType
{
    File,
    Directory,
    SymbolicLink,
    HardLink,

    /// <summary>Devices, FIFOs and anything else that holds no file content.</summary>
    Other,
}

/// <summary>
/// One tar entry of a layer. <see cref="Path"/> is normalized: absolute, <c>/</c>-separated, no <c>.</c> or
/// <c>..</c> segments, no trailing slash (the root is <c>/</c>). <see cref="Mode"/> includes setuid, setgid and sticky
/// bits. <see cref="LinkTarget"/> is the raw symlink target, or the normalized path a hard link points to.
/// </summary>
public sealed record LayerEntry(
    string Path,
    LayerEntryType Type,
    UnixFileMode Mode,
    long Uid,
    long Gid,
    long Size,
    string? LinkTarget);

/// <summary>The content of one small file kept while scanning (see <see cref="InterestingFiles"/>).</summary>
public sealed record CapturedFile(string Path, byte[] Content);

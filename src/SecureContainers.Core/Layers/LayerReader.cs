using System.Formats.Tar;
using System.IO.Compression;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Reads one layer stream once, front to back, into a <see cref="LayerScanResult"/>. File data is skipped by the
/// tar reader (never buffered) except for the few <see cref="InterestingFiles"/>, which are read up to a cap.
/// </summary>
internal static class LayerReader
{
    private const string OpaqueMarker = ".wh..wh..opq";
    private const string WhiteoutPrefix = ".wh.";
    private const string AufsMetadataPrefix = ".wh..wh.";
    private const int CompressedBufferBytes = 64 * 1024;
    private const int TarBufferBytes = 256 * 1024;

    /// <param name="raw">The layer blob as stored (compressed); read to its end so a verifying wrapper checks it.</param>
    /// <param name="imageBudget">Uncompressed bytes the image may still spend; the per-image cap's share.</param>
    /// <param name="visitor">Sees every entry, and the content of regular files, as the layer streams by; may be null.</param>
    public static async Task<LayerScanResult> ReadAsync(
        LayerRef layer, LayerCompression compression, Stream raw, LayerScanLimits limits, long imageBudget, CancellationToken ct,
        ILayerEntryVisitor? visitor = null)
    {
        long budget = Math.Min(limits.MaxUncompressedBytesPerLayer, imageBudget);

        // GZipStream pulls its input 8 KiB at a time and TarReader skips file data 4 KiB at a time; on a 170 MB layer
        // that is tens of thousands of async reads through every wrapper. A buffer on each side of the decompressor
        // makes the scan cost what bare decompression costs (bench/LayerScanBench: ~25% less CPU). The buffers hold
        // no state the caller needs, so they are not disposed (disposing would close the caller's stream).
        Stream decompressed = compression == LayerCompression.Gzip
            ? new GZipStream(new BufferedStream(raw, CompressedBufferBytes), CompressionMode.Decompress, leaveOpen: true)
            : raw;
        try
        {
            var bounded = new BoundedReadStream(decompressed, budget, read => throw new SecureContainerException(
                read > limits.MaxUncompressedBytesPerLayer
                    ? LayerDiagnostics.LayerTooLarge.Create(layer.Digest, limits.MaxUncompressedBytesPerLayer)
                    : LayerDiagnostics.ImageTooLarge.Create(limits.MaxUncompressedBytesPerImage, layer.Digest)));

            var entries = new List<LayerEntry>();
            var whiteouts = new List<string>();
            var opaque = new List<string>();
            var captured = new List<CapturedFile>();
            long capturedBytes = 0;
            long rpmDatabaseBytes = 0;
            long copyrightBytes = 0;
            long entryCount = 0;

            await using (var reader = new TarReader(new BufferedStream(bounded, TarBufferBytes), leaveOpen: true))
            {
                while (await NextEntryAsync(reader, bounded, ct).ConfigureAwait(false) is { } entry)
                {
                    if (++entryCount > limits.MaxEntriesPerLayer)
                    {
                        throw new SecureContainerException(LayerDiagnostics.TooManyEntries.Create(layer.Digest, limits.MaxEntriesPerLayer));
                    }

                    if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
                    {
                        continue;
                    }

                    string path = NormalizeOrThrow(layer, entry.Name);
                    string name = LayerPath.Name(path);
                    if (name == OpaqueMarker)
                    {
                        opaque.Add(LayerPath.Parent(path));
                        continue;
                    }

                    if (name.StartsWith(AufsMetadataPrefix, StringComparison.Ordinal))
                    {
                        // AUFS bookkeeping (.wh..wh.plnk, .wh..wh.aufs): not part of the image's file tree.
                        continue;
                    }

                    if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
                    {
                        string hidden = name[WhiteoutPrefix.Length..];
                        if (hidden.Length == 0 || hidden == "." || hidden == "..")
                        {
                            throw new SecureContainerException(LayerDiagnostics.UnsafeEntryPath.Create(layer.Digest, entry.Name, "is a whiteout of '" + hidden + "'"));
                        }

                        whiteouts.Add(LayerPath.Combine(LayerPath.Parent(path), hidden));
                        continue;
                    }

                    LayerEntryType type = MapType(entry.EntryType);
                    string? linkTarget = type switch
                    {
                        LayerEntryType.SymbolicLink => entry.LinkName,
                        LayerEntryType.HardLink => NormalizeOrThrow(layer, entry.LinkName),
                        _ => null,
                    };

                    long size = type == LayerEntryType.File ? entry.Length : 0;
                    byte[]? capturedContent = null;
                    if (type == LayerEntryType.File && InterestingFiles.IsDebianCopyright(path))
                    {
                        // Licenses are documentation: a copyright file past its caps is left out (the package's license
                        // stays unknown, SC4038) rather than failing the scan. Same rule as LayerScanner.FitCopyrights.
                        if (size <= limits.MaxCopyrightFileBytes && copyrightBytes + size <= limits.MaxCopyrightBytesPerLayer)
                        {
                            copyrightBytes += size;
                            capturedContent = await ReadContentAsync(entry, size, ct).ConfigureAwait(false);
                            captured.Add(new CapturedFile(path, capturedContent));
                        }
                    }
                    else if (type == LayerEntryType.File && InterestingFiles.IsCaptured(path))
                    {
                        if (InterestingFiles.IsRpmSqliteDatabase(path))
                        {
                            // Counted over the layer, so a tar repeating the entry cannot multiply the cap.
                            rpmDatabaseBytes += size;
                            if (rpmDatabaseBytes > limits.MaxRpmDatabaseBytes)
                            {
                                throw new SecureContainerException(LayerDiagnostics.RpmDatabaseTooLarge.Create(layer.Digest, path, rpmDatabaseBytes, limits.MaxRpmDatabaseBytes));
                            }
                        }
                        else if (size > limits.MaxCapturedFileBytes)
                        {
                            throw new SecureContainerException(LayerDiagnostics.CapturedFileTooLarge.Create(layer.Digest, path, size, limits.MaxCapturedFileBytes));
                        }
                        else
                        {
                            capturedBytes += size;
                        }

                        if (capturedBytes > limits.MaxCapturedBytesPerLayer)
                        {
                            throw new SecureContainerException(LayerDiagnostics.CapturedFileTooLarge.Create(layer.Digest, path, capturedBytes, limits.MaxCapturedBytesPerLayer));
                        }

                        byte[] content = await ReadContentAsync(entry, size, ct).ConfigureAwait(false);
                        captured.Add(new CapturedFile(path, content));
                        capturedContent = content;
                    }

                    var layerEntry = new LayerEntry(path, type, entry.Mode, (uint)entry.Uid, (uint)entry.Gid, size, linkTarget);
                    if (visitor is not null)
                    {
                        // A captured file's data has been read already; the visitor gets the same bytes from memory.
                        Stream? content = type != LayerEntryType.File ? null
                            : capturedContent is not null ? new MemoryStream(capturedContent, writable: false)
                            : entry.DataStream ?? Stream.Null;
                        await visitor.VisitAsync(layer, layerEntry, content, ct).ConfigureAwait(false);
                    }

                    entries.Add(layerEntry);
                }
            }

            // Whatever follows the end-of-archive marker (padding, or a bomb hiding there) still counts and must be
            // read: the digest is only checked once the blob's last byte has gone through.
            await DrainAsync(bounded, ct).ConfigureAwait(false);
            if (!ReferenceEquals(decompressed, raw))
            {
                await DrainAsync(raw, ct).ConfigureAwait(false);
            }

            return new LayerScanResult(LayerScanResult.CurrentFormatVersion, layer.Digest, layer.MediaType, bounded.BytesRead,
                entries, whiteouts, opaque, captured);
        }
        finally
        {
            if (!ReferenceEquals(decompressed, raw))
            {
                await decompressed.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<TarEntry?> NextEntryAsync(TarReader reader, BoundedReadStream tar, CancellationToken ct)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false);
        }
        catch (EndOfStreamException) when (tar.BytesRead == 0)
        {
            // A zero-byte tar is an empty archive (it is what TarWriter writes when given no entries), not a truncated one.
            return null;
        }
    }

    private static async Task<byte[]> ReadContentAsync(TarEntry entry, long size, CancellationToken ct)
    {
        byte[] content = new byte[size];
        if (size > 0)
        {
            Stream data = entry.DataStream ?? throw new EndOfStreamException();
            await data.ReadExactlyAsync(content, ct).ConfigureAwait(false);
        }

        return content;
    }

    private static string NormalizeOrThrow(LayerRef layer, string name)
    {
        if (!LayerPath.TryNormalize(name, out string path, out string? problem))
        {
            throw new SecureContainerException(LayerDiagnostics.UnsafeEntryPath.Create(layer.Digest, name, problem));
        }

        return path;
    }

    private static LayerEntryType MapType(TarEntryType type) => type switch
    {
        TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile or TarEntryType.SparseFile => LayerEntryType.File,
        TarEntryType.Directory => LayerEntryType.Directory,
        TarEntryType.SymbolicLink => LayerEntryType.SymbolicLink,
        TarEntryType.HardLink => LayerEntryType.HardLink,
        _ => LayerEntryType.Other,
    };

    private static async Task DrainAsync(Stream stream, CancellationToken ct)
    {
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            while (await stream.ReadAsync(buffer, ct).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

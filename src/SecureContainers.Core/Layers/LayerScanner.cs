using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Reads an image's layers once, streamed and never extracted, into an <see cref="ImageFileSystem"/>. Every failure
/// is a <see cref="SecureContainerException"/> with an SC40xx code (cancellation aside), including for hostile layers.
/// </summary>
public sealed class LayerScanner(LayerScanLimits limits, LayerScanCache? cache)
{
    public LayerScanLimits Limits { get; } = limits;

    public LayerScanCache? Cache { get; } = cache;

    /// <summary>
    /// Scans <paramref name="layers"/> (manifest order, bottom first) and merges them. A layer found in the cache is
    /// not opened at all; any other layer is opened with <paramref name="openLayer"/>, read to its last byte and
    /// checked against its digest (the stream is wrapped in a <see cref="DigestVerifyingStream"/> unless it already
    /// is one for that digest), then stored in the cache.
    /// </summary>
    public Task<ImageFileSystem> ScanAsync(
        IReadOnlyList<LayerRef> layers, Func<LayerRef, CancellationToken, Task<Stream>> openLayer, CancellationToken ct) =>
        ScanAsync(layers, openLayer, static (_, _) => null, ct);

    /// <summary>
    /// As <see cref="ScanAsync(IReadOnlyList{LayerRef}, Func{LayerRef, CancellationToken, Task{Stream}}, CancellationToken)"/>,
    /// with a visitor for the layers that need their file content read: <paramref name="visitorFor"/> gets each layer's
    /// index (bottom is 0) and returns a visitor or null. A layer with a visitor is always read from the registry, even
    /// when cached (the cache keeps no file content), and its result is stored in the cache as usual; the others may
    /// come from the cache.
    /// </summary>
    public async Task<ImageFileSystem> ScanAsync(
        IReadOnlyList<LayerRef> layers, Func<LayerRef, CancellationToken, Task<Stream>> openLayer,
        Func<int, LayerRef, ILayerEntryVisitor?> visitorFor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(openLayer);
        ArgumentNullException.ThrowIfNull(visitorFor);

        var results = new List<LayerScanResult>(layers.Count);
        long total = 0;
        for (int index = 0; index < layers.Count; index++)
        {
            LayerRef layer = layers[index];
            LayerScanResult result = await ScanLayerAsync(layer, openLayer, Limits.MaxUncompressedBytesPerImage - total, visitorFor(index, layer), ct).ConfigureAwait(false);
            total += result.UncompressedSize;
            if (total > Limits.MaxUncompressedBytesPerImage)
            {
                throw new SecureContainerException(LayerDiagnostics.ImageTooLarge.Create(Limits.MaxUncompressedBytesPerImage, layer.Digest));
            }

            results.Add(result);
        }

        return ImageFileSystem.Merge(results);
    }

    /// <summary>Scans (or loads from the cache) one layer on its own.</summary>
    public Task<LayerScanResult> ScanLayerAsync(LayerRef layer, Func<LayerRef, CancellationToken, Task<Stream>> openLayer, CancellationToken ct) =>
        ScanLayerAsync(layer, openLayer, Limits.MaxUncompressedBytesPerImage, visitor: null, ct);

    private async Task<LayerScanResult> ScanLayerAsync(
        LayerRef layer, Func<LayerRef, CancellationToken, Task<Stream>> openLayer, long imageBudget, ILayerEntryVisitor? visitor, CancellationToken ct)
    {
        LayerCompression compression = LayerMediaTypes.GetCompression(layer);
        if (visitor is null && Cache is not null && await Cache.TryGetAsync(layer.Digest, ct).ConfigureAwait(false) is { } cached)
        {
            // A cached result was made under the limits of its day; hold it to today's so a hit never lets through
            // what a fresh scan would refuse.
            CheckLimits(cached, imageBudget);
            return FitCopyrights(cached);
        }

        LayerScanResult result = await ReadLayerAsync(layer, compression, openLayer, imageBudget, visitor, ct).ConfigureAwait(false);
        if (Cache is not null)
        {
            await Cache.StoreAsync(result, ct).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<LayerScanResult> ReadLayerAsync(
        LayerRef layer, LayerCompression compression, Func<LayerRef, CancellationToken, Task<Stream>> openLayer, long imageBudget,
        ILayerEntryVisitor? visitor, CancellationToken ct)
    {
        string format = compression == LayerCompression.Gzip ? "gzip-compressed tar" : "tar";
        try
        {
            Stream opened = await openLayer(layer, ct).ConfigureAwait(false);
            Stream verified = opened is DigestVerifyingStream v && v.Expected == layer.Digest
                ? opened
                : new DigestVerifyingStream(opened, layer.Digest, layer.Size);
            await using (verified.ConfigureAwait(false))
            {
                return await LayerReader.ReadAsync(layer, compression, verified, Limits, imageBudget, ct, visitor).ConfigureAwait(false);
            }
        }
        catch (DigestMismatchException e)
        {
            throw new SecureContainerException(LayerDiagnostics.LayerDigestMismatch.Create(layer.Digest, "got " + e.Detail), e);
        }
        catch (EndOfStreamException e)
        {
            throw new SecureContainerException(LayerDiagnostics.CorruptLayer.Create(layer.Digest, format, "it ends in the middle of an entry"), e);
        }
        catch (InvalidDataException e)
        {
            throw new SecureContainerException(LayerDiagnostics.CorruptLayer.Create(layer.Digest, format, e.Message), e);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            // System.Formats.Tar reports some malformed header fields (numbers, PAX records) with these.
            throw new SecureContainerException(LayerDiagnostics.CorruptLayer.Create(layer.Digest, format, "a tar header is malformed"), e);
        }
        catch (IOException e)
        {
            throw new SecureContainerException(LayerDiagnostics.LayerReadFailed.Create(layer.Digest, e.Message), e);
        }
    }

    /// <summary>
    /// A cached result keeps the copyright files that fitted the caps of its day: today's caps apply again, with the
    /// reader's rule (tar order, per file and running total), so a cache hit gives the licenses a fresh scan would.
    /// Caps only shrink this way: raising a default needs a new <see cref="LayerScanResult.CurrentFormatVersion"/>.
    /// </summary>
    private LayerScanResult FitCopyrights(LayerScanResult r)
    {
        long copyrightBytes = 0;
        var kept = new List<CapturedFile>(r.CapturedFiles.Count);
        foreach (CapturedFile f in r.CapturedFiles)
        {
            if (InterestingFiles.IsDebianCopyright(f.Path))
            {
                if (f.Content.Length > Limits.MaxCopyrightFileBytes || copyrightBytes + f.Content.Length > Limits.MaxCopyrightBytesPerLayer)
                {
                    continue;
                }

                copyrightBytes += f.Content.Length;
            }

            kept.Add(f);
        }

        return kept.Count == r.CapturedFiles.Count ? r : r with { CapturedFiles = kept };
    }

    private void CheckLimits(LayerScanResult r, long imageBudget)
    {
        if (r.UncompressedSize > Limits.MaxUncompressedBytesPerLayer)
        {
            throw new SecureContainerException(LayerDiagnostics.LayerTooLarge.Create(r.Digest, Limits.MaxUncompressedBytesPerLayer));
        }

        if (r.UncompressedSize > imageBudget)
        {
            throw new SecureContainerException(LayerDiagnostics.ImageTooLarge.Create(Limits.MaxUncompressedBytesPerImage, r.Digest));
        }

        if (r.Entries.Count + r.Whiteouts.Count + r.OpaqueDirectories.Count > Limits.MaxEntriesPerLayer)
        {
            throw new SecureContainerException(LayerDiagnostics.TooManyEntries.Create(r.Digest, Limits.MaxEntriesPerLayer));
        }

        long captured = 0;
        long rpmDatabaseBytes = 0;
        foreach (CapturedFile f in r.CapturedFiles)
        {
            if (InterestingFiles.IsDebianCopyright(f.Path))
            {
                continue;
            }

            if (InterestingFiles.IsRpmSqliteDatabase(f.Path))
            {
                rpmDatabaseBytes += f.Content.Length;
                if (rpmDatabaseBytes > Limits.MaxRpmDatabaseBytes)
                {
                    throw new SecureContainerException(LayerDiagnostics.RpmDatabaseTooLarge.Create(r.Digest, f.Path, rpmDatabaseBytes, Limits.MaxRpmDatabaseBytes));
                }

                continue;
            }

            captured += f.Content.Length;
            if (f.Content.Length > Limits.MaxCapturedFileBytes)
            {
                throw new SecureContainerException(LayerDiagnostics.CapturedFileTooLarge.Create(r.Digest, f.Path, f.Content.Length, Limits.MaxCapturedFileBytes));
            }

            if (captured > Limits.MaxCapturedBytesPerLayer)
            {
                throw new SecureContainerException(LayerDiagnostics.CapturedFileTooLarge.Create(r.Digest, f.Path, captured, Limits.MaxCapturedBytesPerLayer));
            }
        }
    }
}

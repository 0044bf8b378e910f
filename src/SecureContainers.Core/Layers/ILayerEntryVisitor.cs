namespace SecureContainers.Core.Layers;

/// <summary>
/// Sees a layer's entries while <see cref="LayerScanner"/> reads it, with the content of regular files: for checks
/// that need file content beyond the few <see cref="InterestingFiles"/> (the app's <c>*.deps.json</c>, secrets in the
/// app's files) without a second download or anything written to disk. The scanner's protections hold: paths are
/// normalized and checked before a visitor sees them, the layer's caps and digest still apply.
/// </summary>
public interface ILayerEntryVisitor
{
    /// <summary>
    /// Called once per entry in tar order (whiteout and opaque markers excluded). For a regular file,
    /// <paramref name="content"/> is its data: forward-only, exactly <see cref="LayerEntry.Size"/> bytes; a visitor reads
    /// as much as it needs (bounded by its own cap) and the scanner skips the rest. For other entries it is null.
    /// </summary>
    ValueTask VisitAsync(LayerRef layer, LayerEntry entry, Stream? content, CancellationToken ct);
}

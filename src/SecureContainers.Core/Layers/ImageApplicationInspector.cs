using System.Globalization;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.NuGet;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Secrets;

namespace SecureContainers.Core.Layers;

/// <summary>Which layers of an image the app-side reads of <see cref="ImageApplicationInspector"/> cover.</summary>
public sealed record ImageApplicationScanOptions
{
    /// <summary>
    /// Index (bottom layer is 0) of the first layer that is the app's rather than its base's: the files of this layer
    /// and every later one are scanned for secrets. 0 (the default) scans every layer, which is what an image that
    /// does not name its base gets.
    /// </summary>
    public int FirstApplicationLayer { get; init; }

    /// <summary>Index of the first layer whose <c>*.deps.json</c> files are read. 0 (the default): the whole image.</summary>
    public int FirstDepsJsonLayer { get; init; }

    /// <summary>False to read only the <c>*.deps.json</c> files (the SBOM needs no secret scan).</summary>
    public bool ScanSecrets { get; init; } = true;

    /// <summary>Bytes of each file the content rules read, as <see cref="SecretScanOptions.MaxContentBytesPerFile"/>.</summary>
    public long MaxSecretContentBytesPerFile { get; init; } = new SecretScanOptions().MaxContentBytesPerFile;

    /// <summary>All <c>*.deps.json</c> content kept from one image, over every layer read; past it, SC5012. Default 64 MiB.</summary>
    public long MaxDepsJsonBytesPerImage { get; init; } = 64L * 1024 * 1024;
}

/// <summary>
/// The app side of an image that is already built: its final file tree, the <c>*.deps.json</c> files in it (apps and
/// shared frameworks alike), and the secret findings in its app layers' files.
/// </summary>
/// <param name="FileSystem">The merged file tree of every layer (feed it to <see cref="ImageContentsAnalyzer"/>).</param>
/// <param name="DepsJsonFiles">The <c>*.deps.json</c> files of the final tree (not deleted or replaced by an upper
/// layer) in the layers read, ordered by path.</param>
/// <param name="Secrets">Findings in the app layers' files, exclusions not yet applied; pass it as
/// <see cref="SecretScanInput.ImageFiles"/>.</param>
public sealed record ImageApplicationContents(ImageFileSystem FileSystem, IReadOnlyList<DepsJsonFile> DepsJsonFiles, ImageFileSecretScan Secrets)
{
    /// <summary>The manifests of apps; a shared framework's own manifest (which names no project) is left out.</summary>
    public IEnumerable<DepsJsonFile> Applications => DepsJsonFiles.Where(f => f.IsApplication);

    /// <summary>
    /// Every package and referenced project the image's apps ship, one entry per id and version (ordinal by id, then
    /// version): direct when any app references it directly, with the union of its dependencies. This is the list the
    /// advisory check and the SBOM take instead of a project's assets file.
    /// </summary>
    public IReadOnlyList<NuGetLibrary> Libraries { get; } = MergeLibraries(DepsJsonFiles.Where(f => f.IsApplication));

    private static NuGetLibrary[] MergeLibraries(IEnumerable<DepsJsonFile> applications) =>
        applications
            .SelectMany(a => a.Libraries)
            .GroupBy(l => (Id: l.Id.ToLowerInvariant(), Version: l.Version.ToLowerInvariant()))
            .Select(g => g.First() with
            {
                IsDirect = g.Any(l => l.IsDirect),
                HasRuntimeAssets = g.Any(l => l.HasRuntimeAssets),
                Sha512Hex = g.Select(l => l.Sha512Hex).FirstOrDefault(h => h is not null),
                Dependencies = g.SelectMany(l => l.Dependencies).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
            })
            .OrderBy(l => l.Id, StringComparer.Ordinal)
            .ThenBy(l => l.Version, StringComparer.Ordinal)
            .ToArray();
}

/// <summary>
/// Reads what an image any tool built (buildx, Jib, ko, the SDK) carries on the app side, in the same single streamed
/// pass as the layer scan (<see cref="LayerScanner"/>): never extracted, bounded memory, the scanner's hostile-layer
/// protections and digest checks. Layers that need no content come from the layer scan cache; the others are read
/// from the registry and stored in it. The <c>*.deps.json</c> files are parsed only after every layer's digest is
/// verified, so a tampered blob fails as one (SC4006), not as a malformed manifest.
/// </summary>
public static class ImageApplicationInspector
{
    public static Task<ImageApplicationContents> InspectAsync(
        RegistryClient registry, LayerScanner scanner, ResolvedImage image, ImageApplicationScanOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(image);
        return ScanAsync(
            scanner,
            image.Layers.Select(l => new LayerRef(l.Digest, l.MediaType, l.Size)).ToArray(),
            async (layer, token) => await registry.OpenBlobAsync(image.Reference.Registry, image.Reference.Repository, new Descriptor(layer.MediaType, layer.Digest, layer.Size), token).ConfigureAwait(false),
            options,
            ct);
    }

    /// <summary>As <see cref="InspectAsync"/>, over any source of layer blobs (bottom layer first).</summary>
    public static async Task<ImageApplicationContents> ScanAsync(
        LayerScanner scanner, IReadOnlyList<LayerRef> layers, Func<LayerRef, CancellationToken, Task<Stream>> openLayer,
        ImageApplicationScanOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scanner);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(options);

        var secrets = new ImageFileSecretScanner(options.MaxSecretContentBytesPerFile);
        var collector = new DepsJsonCollector(options.MaxDepsJsonBytesPerImage);
        ImageFileSystem fs = await scanner.ScanAsync(layers, openLayer, (index, _) =>
        {
            bool scanSecrets = options.ScanSecrets && index >= options.FirstApplicationLayer;
            bool readDeps = index >= options.FirstDepsJsonLayer;
            return scanSecrets || readDeps ? new Visitor(index, scanSecrets ? secrets : null, readDeps ? collector : null) : null;
        }, ct).ConfigureAwait(false);

        return new ImageApplicationContents(fs, collector.Resolve(fs, layers), secrets.Result);
    }

    private sealed class Visitor(int layerIndex, ImageFileSecretScanner? secrets, DepsJsonCollector? deps) : ILayerEntryVisitor
    {
        public async ValueTask VisitAsync(LayerRef layer, LayerEntry entry, Stream? content, CancellationToken ct)
        {
            switch (entry.Type)
            {
                case LayerEntryType.Directory:
                    secrets?.AddDirectory(entry.Path);
                    return;
                case LayerEntryType.SymbolicLink or LayerEntryType.HardLink:
                    secrets?.AddLink(entry.Path);
                    return;
                case LayerEntryType.File when content is not null:
                    break;
                default:
                    return;
            }

            if (deps is not null && DepsJsonReader.IsDepsJsonFileName(LayerPath.Name(entry.Path)))
            {
                byte[]? bytes = await deps.CaptureAsync(layerIndex, layer.Digest, entry.Path, entry.Size, content, ct).ConfigureAwait(false);
                if (bytes is not null)
                {
                    // The data stream is forward-only and now read: the secret rules get the same bytes from memory.
                    content = new MemoryStream(bytes, writable: false);
                }
                else
                {
                    return;
                }
            }

            if (secrets is not null)
            {
                await secrets.AddFileAsync(entry.Path, entry.Size, content, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Keeps each <c>*.deps.json</c> as read (the last layer writing a path wins) and parses the ones the final tree
    /// still has, once the scan has verified every layer.
    /// </summary>
    private sealed class DepsJsonCollector(long maxBytesPerImage)
    {
        private readonly Dictionary<string, (int Layer, byte[] Content)> _files = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (int Layer, Digest Digest, long Size)> _tooLarge = new(StringComparer.Ordinal);
        private long _total;

        public async ValueTask<byte[]?> CaptureAsync(int layer, Digest digest, string path, long size, Stream content, CancellationToken ct)
        {
            _files.Remove(path);
            _tooLarge.Remove(path);
            if (size > DepsJsonReader.MaxBytes)
            {
                // Refused only if it is still there at the end: an upper layer may delete or replace it.
                _tooLarge[path] = (layer, digest, size);
                return null;
            }

            _total += size;
            if (_total > maxBytesPerImage)
            {
                throw new SecureContainerException(NuGetAssetsDiagnostics.DepsJsonTooLarge.Create(
                    $"The image (at '{path}', layer {digest})", _total.ToString(CultureInfo.InvariantCulture), maxBytesPerImage.ToString(CultureInfo.InvariantCulture)));
            }

            byte[] bytes = new byte[size];
            await content.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
            _files[path] = (layer, bytes);
            return bytes;
        }

        public DepsJsonFile[] Resolve(ImageFileSystem fs, IReadOnlyList<LayerRef> layers)
        {
            foreach ((string path, (int layer, Digest _, long size)) in _tooLarge.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                if (IsFinal(fs, layers, path, layer))
                {
                    throw DepsJsonReader.TooLarge(path, size);
                }
            }

            return _files
                .Where(f => IsFinal(fs, layers, f.Key, f.Value.Layer))
                .OrderBy(f => f.Key, StringComparer.Ordinal)
                .Select(f => DepsJsonReader.Parse(f.Value.Content, f.Key))
                .ToArray();
        }

        /// <summary>
        /// The file is in the final tree as the one this layer wrote (not deleted, not replaced above). The same blob
        /// twice in one image writes the same bytes both times, so comparing digests is enough.
        /// </summary>
        private static bool IsFinal(ImageFileSystem fs, IReadOnlyList<LayerRef> layers, string path, int layer) =>
            fs.TryGetEntry(path, out ImageEntry? entry)
            && entry.Type == LayerEntryType.File
            && entry.LayerDigest == layers[layer].Digest;
    }
}

using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Reads a resolved image's layers from its registry through the scanner (streamed, digest-verified, cached by layer
/// digest) and analyzes the result. The gate and the SBOM share it: after the gate, the SBOM's call reads no layer
/// bytes at all, only cache entries.
/// </summary>
public static class ImageInspector
{
    public static async Task<ImageContentsReport> InspectAsync(RegistryClient registry, LayerScanner scanner, ResolvedImage image, CancellationToken ct)
    {
        // The report is a function of the layers and the limits alone: a build that shares its cache asks once.
        string key = $"{string.Join(',', image.Layers.Select(l => l.Digest))}|{scanner.Limits}";
        if (scanner.Cache?.TryGetReport(key) is { } known)
        {
            return known;
        }

        ImageFileSystem fs = await scanner.ScanAsync(
            image.Layers.Select(l => new LayerRef(l.Digest, l.MediaType, l.Size)).ToArray(),
            async (layer, token) => await registry.OpenBlobAsync(image.Reference.Registry, image.Reference.Repository, new Descriptor(layer.MediaType, layer.Digest, layer.Size), token).ConfigureAwait(false),
            ct).ConfigureAwait(false);
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(fs, scanner.Limits);
        scanner.Cache?.KeepReport(key, report);
        return report;
    }
}

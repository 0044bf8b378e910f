using System.Diagnostics;
using System.IO.Compression;
using SecureContainers.Core.Layers;

namespace SecureContainers.Core.Tests.Layers;

/// <summary>Measures allocations, so it must not share the process with tests running at the same time.</summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

[Collection(nameof(MemoryMeasurement))]
public class LayerScanMemoryTests
{
    [Fact]
    public async Task ScanningA300MegabyteLayerAllocatesLittle()
    {
        // 30 files of 10 MiB: zeros compress about 1000:1, so the blob itself is a few hundred kilobytes.
        var source = new GeneratedTarStream(files: 30, fileSize: 10 * 1024 * 1024);
        long uncompressed = source.TotalLength;
        var compressed = new MemoryStream();
        using (var gz = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await source.CopyToAsync(gz);
        }

        Blob blob = Blob.Of(compressed.ToArray());
        var scanner = new LayerScanner(LayerScanLimits.Default, null);

        GC.Collect();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        LayerScanResult result = await scanner.ScanLayerAsync(blob.Ref, new FakeRegistry(blob).Open, CancellationToken.None);
        clock.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Equal(30, result.Entries.Count);
        Assert.Equal(uncompressed, result.UncompressedSize);
        Assert.True(uncompressed > 300_000_000);
        Assert.True(allocated < 64L * 1024 * 1024, $"scanning {uncompressed:N0} bytes allocated {allocated:N0} bytes");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }
}

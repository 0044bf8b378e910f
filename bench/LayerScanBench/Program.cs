using System.Diagnostics;
using System.Globalization;
using LayerScanBench;
using SecureContainers.Core.Layers;

// Scans generated gzip layers cold (no cache: read, decompress, hash) and warm (cache hit), reporting throughput in
// uncompressed MB/s, managed allocations and peak working set growth.
// Run: dotnet run -c Release --project bench/LayerScanBench -- [sizes in MB; default 150 1024]
long[] sizesMb = args.Length > 0 ? args.Select(a => long.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [150, 1024];
string work = Path.Combine(Path.GetTempPath(), "layerscanbench-" + Environment.ProcessId);
Directory.CreateDirectory(work);
try
{
    Console.WriteLine("size      phase  seconds   MB/s (uncompr.)  allocated MB  peak WS growth MB");
    foreach (long mb in sizesMb)
    {
        (LayerRef layer, string path, long uncompressed) = SyntheticLayer.Create(mb * 1024 * 1024, work);
        var cache = new LayerScanCache(Path.Combine(work, "cache-" + mb));
        Measure($"{mb} MB", "cold", uncompressed, () => Scan(layer, path, cache));
        Measure($"{mb} MB", "cached", uncompressed, () => Scan(layer, path, cache));
        File.Delete(path);
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

static Task<ImageFileSystem> Scan(LayerRef layer, string path, LayerScanCache cache) =>
    new LayerScanner(LayerScanLimits.Default, cache).ScanAsync([layer],
        (_, _) => Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true)),
        CancellationToken.None);

static void Measure(string size, string phase, long uncompressed, Func<Task<ImageFileSystem>> run)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    using Process self = Process.GetCurrentProcess();
    self.Refresh();
    long wsBefore = self.WorkingSet64;
    long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

    // Sample the working set while the scan runs: PeakWorkingSet64 is a lifetime peak and would include generation.
    long peak = wsBefore;
    using var done = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!done.IsCancellationRequested)
        {
            self.Refresh();
            peak = Math.Max(peak, self.WorkingSet64);
            await Task.Delay(20);
        }
    });

    var clock = Stopwatch.StartNew();
    ImageFileSystem fs = run().GetAwaiter().GetResult();
    clock.Stop();
    done.Cancel();
    sampler.GetAwaiter().GetResult();

    double seconds = clock.Elapsed.TotalSeconds;
    double allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1048576.0;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{size,-9} {phase,-6} {seconds,7:F2} {uncompressed / 1048576.0 / seconds,16:F0} {allocatedMb,13:F1} {(peak - wsBefore) / 1048576.0,18:F1}   ({fs.Entries.Count} entries)"));
}

using System.Globalization;
using LayerScanBench;
using SecureContainers.Core.Layers;

// Layer scan throughput and memory: the real test-bed base layers and synthetic layers, cold (read, decompress, hash,
// parse, store in the cache) and cached, next to bare GZipStream and SHA-256 on the same bytes.
// Run from the repository root (budgets are for one core, hence taskset):
//   taskset -c 0 dotnet run -c Release --project bench/LayerScanBench -- [options]
// Options: --layouts aspnet,fat   test-bed OCI layouts under artifacts/testbed/oci (build them: eng/testbed/build-fixtures.sh)
//          --synthetic 150,1024   synthetic layer sizes in MB uncompressed ("" for none)
//          --runs 3               runs per measurement (the median is reported)
//          --experiments          also time gzip+SHA, gzip+TarReader sync/async, with and without a read buffer
//          --work DIR             keep generated layers in DIR and reuse them (default: a temp folder, deleted)
var options = Options.Parse(args);
string work = options.Work ?? Path.Combine(Path.GetTempPath(), "layerscanbench-" + Environment.ProcessId);
Directory.CreateDirectory(work);
Console.WriteLine($"# {DateTime.UtcNow:yyyy-MM-dd} .NET {Environment.Version}, {Environment.ProcessorCount} cores visible, runs={options.Runs}");
try
{
    var layers = new List<BenchLayer>();
    layers.AddRange(TestbedLayers.Find(options.Layouts));
    if (options.SyntheticMb.Length > 0)
    {
        Console.WriteLine("generating synthetic layers (reused with --work)...");
        ContentCorpus corpus = ContentCorpus.Create(seed: 7);
        (double textRatio, double binaryRatio) = corpus.Ratios();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"content pools compress {textRatio:F2}:1 (text) and {binaryRatio:F2}:1 (binary-ish)"));
        layers.AddRange(options.SyntheticMb.Select(mb => SyntheticLayer.Create(mb * 1024 * 1024, work, corpus)));
    }

    foreach (BenchLayer l in layers)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{l.Name}: {l.Ref.Size / 1e6:F1} MB compressed, {l.Uncompressed / 1e6:F1} MB uncompressed (ratio {(double)l.Uncompressed / l.Ref.Size:F2})"));
    }

    Console.WriteLine();
    Console.WriteLine("MB/s = decimal MB of uncompressed tar (for sha256: compressed) per wall second; MB/cpu-s per second of process CPU time");
    Console.WriteLine(Measured.Header);
    var results = new List<Measured>();

    // JIT and first-use costs go here, not into the first measured layer. The cached scan right after is the first
    // cache read in this process (deserializer not yet compiled), as in a fresh MSBuild node.
    BenchLayer smallest = layers.MinBy(l => l.Ref.Size)!;
    var firstCache = new LayerScanCache(Path.Combine(work, "cache-first"));
    Scan(smallest, firstCache).GetAwaiter().GetResult();
    Baselines.Gzip(smallest).GetAwaiter().GetResult();
    results.Add(Measurement.Run(smallest.Name, "scan cached, first in process", 0, 1, () => Scan(smallest, firstCache)));
    Directory.Delete(firstCache.Directory, recursive: true);
    foreach (BenchLayer l in layers)
    {
        results.Add(Measurement.Run(l.Name, "sha256 of compressed blob", l.Ref.Size, options.Runs, () => Baselines.Sha256(l)));
        results.Add(Measurement.Run(l.Name, "bare GZipStream (sync, 1 MiB)", l.Uncompressed, options.Runs, () => Baselines.Gzip(l)));
        if (options.Experiments)
        {
            results.Add(Measurement.Run(l.Name, "GZipStream async 4 KiB reads", l.Uncompressed, options.Runs, () => Baselines.GzipAsyncSmallReads(l)));
            results.Add(Measurement.Run(l.Name, "GZipStream + digest check", l.Uncompressed, options.Runs, () => Baselines.GzipVerified(l)));
            foreach ((bool async, int below, int above) in new[] { (false, 0, 0), (true, 0, 0), (true, 0, 64 << 10), (true, 0, 256 << 10), (true, 0, 1 << 20), (true, 64 << 10, 256 << 10), (true, 256 << 10, 256 << 10) })
            {
                string what = $"gzip+tar{(async ? " async" : " sync")} buf {below >> 10}K/{above >> 10}K";
                results.Add(Measurement.Run(l.Name, what, l.Uncompressed, options.Runs, () => Baselines.GzipTar(l, async, below, above)));
            }

            results.Add(Measurement.Run(l.Name, "scan, no cache", l.Uncompressed, options.Runs, () => Scan(l, null)));
        }

        string cacheRoot = Path.Combine(work, "cache-" + l.Ref.Digest.Hex[..12]);
        int run = 0;
        results.Add(Measurement.Run(l.Name, "scan cold (+ cache store)", l.Uncompressed, options.Runs,
            () => Scan(l, new LayerScanCache(Path.Combine(cacheRoot, "cold-" + run++)))));
        var warm = new LayerScanCache(Path.Combine(cacheRoot, "warm"));
        Console.WriteLine($"{l.Name}: {Scan(l, warm).GetAwaiter().GetResult().Entries.Count} entries in the merged file system");
        results.Add(Measurement.Run(l.Name, "scan cached", 0, Math.Max(options.Runs, 5), () => Scan(l, warm)));
        results.Add(Measurement.Run(l.Name, "scan cached + analyze", 0, Math.Max(options.Runs, 5),
            async () => ImageContentsAnalyzer.Analyze(await Scan(l, warm).ConfigureAwait(false))));
        Directory.Delete(cacheRoot, recursive: true);
    }

    Console.WriteLine();
    Console.WriteLine("| layer | uncompressed MB | ratio | bare gzip MB/cpu-s | scan cold MB/cpu-s | scan cold MB/s wall | scan CPU / gzip CPU | cold peak WS +MB | cold alloc MB | cached ms (+ analyze) |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (BenchLayer l in layers)
    {
        Measured gzip = results.Single(r => r.Layer == l.Name && r.What.StartsWith("bare GZipStream", StringComparison.Ordinal));
        Measured cold = results.Single(r => r.Layer == l.Name && r.What.StartsWith("scan cold", StringComparison.Ordinal));
        Measured cached = results.Single(r => r.Layer == l.Name && r.What == "scan cached");
        Measured analyzed = results.Single(r => r.Layer == l.Name && r.What == "scan cached + analyze");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {l.Name} | {l.Uncompressed / 1e6:F0} | {(double)l.Uncompressed / l.Ref.Size:F2} | {gzip.MegabytesPerCpuSecond:F0} | {cold.MegabytesPerCpuSecond:F0} | {cold.MegabytesPerSecond:F0} | {cold.CpuSeconds / gzip.CpuSeconds:F2} | {cold.PeakGrowthMb:F1} | {cold.AllocatedMb:F1} | {cached.Seconds * 1000:F0} ({analyzed.Seconds * 1000:F0}) |"));
    }
}
finally
{
    if (options.Work is null)
    {
        Directory.Delete(work, recursive: true);
    }
}

static Task<ImageFileSystem> Scan(BenchLayer layer, LayerScanCache? cache) =>
    new LayerScanner(LayerScanLimits.Default, cache).ScanAsync([layer.Ref],
        (_, _) => Task.FromResult<Stream>(new FileStream(layer.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true)),
        CancellationToken.None);

internal sealed record Options(string[] Layouts, long[] SyntheticMb, int Runs, bool Experiments, string? Work)
{
    public static Options Parse(string[] args)
    {
        var o = new Options(["aspnet", "fat"], [150, 1024], 3, false, null);
        for (int i = 0; i < args.Length; i++)
        {
            o = args[i] switch
            {
                "--layouts" => o with { Layouts = Split(args[++i]) },
                "--synthetic" => o with { SyntheticMb = Split(args[++i]).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray() },
                "--runs" => o with { Runs = int.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--experiments" => o with { Experiments = true },
                "--work" => o with { Work = Path.GetFullPath(args[++i]) },
                _ => throw new ArgumentException("unknown option " + args[i] + " (see the comment at the top of Program.cs)"),
            };
        }

        return o;
    }

    private static string[] Split(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

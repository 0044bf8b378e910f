using System.Diagnostics;
using System.Globalization;
using SbomBench;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.NuGet;

// SBOM generation once the base scan is cached, as the evidence step (ImageEvidence) does it: ProjectAssetsReader.Read (assets
// file, 100 packages), SbomBuilder.Build (reads 100 nuspecs; 100 OS packages from the base report) and
// SbomWriter.WriteToFile. Reports the first run in fresh processes (JIT included: an MSBuild node may be new), then
// the median and 90th percentile of warm runs in one process. With the test bed built, also times the cached base
// scan + analysis of the real aspnet fixture layer, which the task does before building.
// Run from the repository root: dotnet run -c Release --project bench/SbomBench -- [--packages 100] [--runs 50]
int packageCount = 100, runs = 50;
string? firstOnly = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--packages": packageCount = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--first-only": firstOnly = args[++i]; break; // internal: one run in this fresh process, on a prepared folder
        default: throw new ArgumentException("unknown option " + args[i]);
    }
}

if (firstOnly is not null)
{
    (double a, double b, double c) = Generate(firstOnly, packageCount);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{a:F2} {b:F2} {c:F2}"));
    return;
}

string root = Directory.CreateTempSubdirectory("sbombench-").FullName;
try
{
    SyntheticProject.WriteAssets(root, packageCount, seed: 1);
    Console.WriteLine($"# {DateTime.UtcNow:yyyy-MM-dd} .NET {Environment.Version}, {Environment.ProcessorCount} cores; {packageCount} NuGet packages, 100 OS packages; assets file {new FileInfo(Path.Combine(root, "obj", "project.assets.json")).Length / 1024} KiB");

    // Fresh processes: what a new MSBuild node pays the first time (the runtime's own start-up is not counted).
    var firsts = new List<(double, double, double)>();
    for (int i = 0; i < 5; i++)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "--first-only", root, "--packages", packageCount.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
        };
        using Process p = Process.Start(start)!;
        string[] parts = p.StandardOutput.ReadToEnd().Trim().Split(' ');
        p.WaitForExit();
        firsts.Add((double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture)));
    }

    Print("first run in a fresh process (median of 5)", firsts);

    for (int i = 0; i < 10; i++)
    {
        Generate(root, packageCount);
    }

    var warm = new List<(double, double, double)>();
    long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true); // includes the extra serialization below
    for (int i = 0; i < runs; i++)
    {
        warm.Add(Generate(root, packageCount));
    }

    Print($"warm, median of {runs}", warm);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"warm SbomWriter.Write alone (no file, no fsync): median {SerializeOnly.Samples.TakeLast(runs).Order().ElementAt(runs / 2):F1} ms"));
    double total90 = warm.Select(w => w.Item1 + w.Item2 + w.Item3).Order().ElementAt((int)(runs * 0.9));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"warm total p90 {total90:F1} ms; allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1048576.0 / runs:F1} MB per run; SBOM {new FileInfo(Path.Combine(root, "sbom.cdx.json")).Length / 1024} KiB"));

    CachedBaseScan();
}
finally
{
    Directory.Delete(root, recursive: true);
}

static (double Read, double Build, double Write) Generate(string root, int packageCount)
{
    List<double> serializeOnly = SerializeOnly.Samples;
    var sink = new DiagnosticBag();
    var clock = Stopwatch.StartNew();
    NuGetRuntimeClosure closure = ProjectAssetsReader.Read(Path.Combine(root, "obj", "project.assets.json"), SyntheticProject.Framework, SyntheticProject.Rid, sink);
    double read = clock.Elapsed.TotalMilliseconds;
    if (closure.Packages.Count() != packageCount)
    {
        throw new InvalidOperationException($"expected {packageCount} packages in the closure, got {closure.Packages.Count()}");
    }

    var inputs = new SbomInputs
    {
        ImageName = "localhost:5000/bench/app",
        Tags = ["1.0.0"],
        ManifestDigest = Digest.Sha256("manifest"u8),
        AppName = "BenchApp",
        AppVersion = "1.0.0",
        TargetFramework = SyntheticProject.Framework,
        RuntimeIdentifier = SyntheticProject.Rid,
        NuGetLibraries = closure.Libraries,
        BuildOnlyNuGetLibraries = closure.BuildOnlyLibraries,
        NuGetPackageFolders = closure.PackageFolders,
        FrameworkReferences = closure.FrameworkReferences,
        Timestamp = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
        ToolName = "SecureContainers.Build",
        ToolVersion = "0.1.0",
        BaseImageName = "localhost:5000/base/aspnet",
        BaseImageDigest = Digest.Sha256("base"u8),
        BaseImageContents = SyntheticProject.BaseImage(100, seed: 2),
        AppLayerDigest = Digest.Sha256("app layer"u8),
    };
    clock.Restart();
    SbomDocument document = SbomBuilder.Build(inputs, sink);
    double build = clock.Elapsed.TotalMilliseconds;
    clock.Restart();
    SbomWriter.WriteToFile(document, Path.Combine(root, "sbom.cdx.json"));
    double write = clock.Elapsed.TotalMilliseconds;

    // The same serialization without the file (WriteToFile flushes to disk before the rename): shows what the
    // fsync costs on this machine.
    clock.Restart();
    GC.KeepAlive(SbomWriter.Write(document));
    serializeOnly.Add(clock.Elapsed.TotalMilliseconds);
    if (sink.HasErrors)
    {
        throw new InvalidOperationException(string.Join(Environment.NewLine, sink.Items));
    }

    return (read, build, write);
}

static void Print(string what, List<(double Read, double Build, double Write)> samples)
{
    static double Median(IEnumerable<double> v) => v.Order().ElementAt(v.Count() / 2);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what,-44} read {Median(samples.Select(s => s.Read)),6:F1} ms  build {Median(samples.Select(s => s.Build)),6:F1} ms  write {Median(samples.Select(s => s.Write)),6:F1} ms  total {Median(samples.Select(s => s.Read + s.Build + s.Write)),6:F1} ms"));
}

// The task reads the base image's contents from the layer scan cache before building; time that on the real
// aspnet fixture (one 172 MB layer) when the test bed is built.
static void CachedBaseScan()
{
    string? blobs = null;
    for (string? dir = Directory.GetCurrentDirectory(); dir is not null && blobs is null; dir = Path.GetDirectoryName(dir))
    {
        string candidate = Path.Combine(dir, "artifacts", "testbed", "oci", "aspnet", "blobs", "sha256");
        blobs = Directory.Exists(candidate) ? candidate : null;
    }

    if (blobs is null)
    {
        Console.WriteLine("cached base scan: skipped (no artifacts/testbed/oci/aspnet; run eng/testbed/build-fixtures.sh)");
        return;
    }

    string layerPath = new DirectoryInfo(blobs).GetFiles().MaxBy(f => f.Length)!.FullName;
    var layer = new LayerRef(Digest.Parse("sha256:" + Path.GetFileName(layerPath)), "application/vnd.oci.image.layer.v1.tar+gzip", new FileInfo(layerPath).Length);
    string cacheDir = Directory.CreateTempSubdirectory("sbombench-cache-").FullName;
    try
    {
        var scanner = new LayerScanner(LayerScanLimits.Default, new LayerScanCache(cacheDir));
        Task<ImageFileSystem> Scan() => scanner.ScanAsync([layer], (_, _) => Task.FromResult<Stream>(File.OpenRead(layerPath)), CancellationToken.None);
        Scan().GetAwaiter().GetResult();
        var times = new List<double>();
        for (int i = 0; i < 20; i++)
        {
            var clock = Stopwatch.StartNew();
            ImageContentsReport report = ImageContentsAnalyzer.Analyze(Scan().GetAwaiter().GetResult());
            times.Add(clock.Elapsed.TotalMilliseconds);
            GC.KeepAlive(report);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cached base scan + analyze (aspnet fixture, {new FileInfo(layerPath).Length / 1e6:F0} MB layer): first {times[0]:F1} ms, median {times.Order().ElementAt(times.Count / 2):F1} ms"));
    }
    finally
    {
        Directory.Delete(cacheDir, recursive: true);
    }
}

internal static class SerializeOnly
{
    public static List<double> Samples { get; } = [];
}

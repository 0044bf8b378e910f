using System.Diagnostics;
using System.Globalization;

namespace LayerScanBench;

/// <summary>One measured operation: median wall time over the runs, and the worst memory figures seen.</summary>
internal sealed record Measured(string Layer, string What, long Bytes, double Seconds, double CpuSeconds, double AllocatedMb, double PeakGrowthMb, int Runs)
{
    public double MegabytesPerSecond => Bytes / 1e6 / Seconds;

    /// <summary>Per core-second of CPU: what one core does, whatever else the machine is running.</summary>
    public double MegabytesPerCpuSecond => Bytes / 1e6 / CpuSeconds;

    public static string Header =>
        $"{"layer",-22} {"what",-30} {"runs",4} {"median s",9} {"cpu s",7} {"MB/s",7} {"MB/cpu-s",8} {"alloc MB",9} {"peak WS +MB",11}";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Layer,-22} {What,-30} {Runs,4} {Seconds,9:F3} {CpuSeconds,7:F3} {(Bytes > 0 ? MegabytesPerSecond.ToString("F0", CultureInfo.InvariantCulture) : "-"),7} {(Bytes > 0 ? MegabytesPerCpuSecond.ToString("F0", CultureInfo.InvariantCulture) : "-"),8} {AllocatedMb,9:F1} {PeakGrowthMb,11:F1}");
}

internal static class Measurement
{
    /// <summary>
    /// Runs <paramref name="run"/> <paramref name="runs"/> times after a full GC each. Wall and CPU time are the
    /// median run's; allocations and peak working-set growth (sampled every 5 ms, relative to the working set right
    /// before the run) are the largest seen. MB/s is decimal megabytes of <paramref name="bytes"/> per wall second.
    /// </summary>
    public static Measured Run(string layer, string what, long bytes, int runs, Func<Task> run)
    {
        var samples = new List<(double Wall, double Cpu)>();
        double allocated = 0, peakGrowth = 0;
        using Process self = Process.GetCurrentProcess();
        for (int i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            self.Refresh();
            long before = self.WorkingSet64;
            long peak = before;
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            TimeSpan cpuBefore = self.TotalProcessorTime;

            using var done = new CancellationTokenSource();
            var sampler = new Thread(() =>
            {
                using Process p = Process.GetCurrentProcess();
                while (!done.IsCancellationRequested)
                {
                    p.Refresh();
                    peak = Math.Max(peak, p.WorkingSet64);
                    Thread.Sleep(5);
                }
            }) { IsBackground = true };
            sampler.Start();

            var clock = Stopwatch.StartNew();
            run().GetAwaiter().GetResult();
            clock.Stop();
            done.Cancel();
            sampler.Join();
            self.Refresh();
            peak = Math.Max(peak, self.WorkingSet64);

            samples.Add((clock.Elapsed.TotalSeconds, (self.TotalProcessorTime - cpuBefore).TotalSeconds));
            allocated = Math.Max(allocated, (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1048576.0);
            peakGrowth = Math.Max(peakGrowth, (peak - before) / 1048576.0);
        }

        (double wall, double cpu) = samples.OrderBy(s => s.Wall).ElementAt(samples.Count / 2);
        var result = new Measured(layer, what, bytes, wall, cpu, allocated, peakGrowth, runs);
        Console.WriteLine(result);
        return result;
    }
}

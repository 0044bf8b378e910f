using System.Diagnostics;
using System.Text;

namespace SecureContainers.EndToEnd.Tests.Infrastructure;

public sealed record ProcessResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Standard output alone, for a document a tool prints there while warnings go to standard error.</summary>
    public string StandardOutput { get; init; } = "";
}

/// <summary>Runs a real process with a bounded time, capturing stdout and stderr interleaved.</summary>
public static class ProcessRunner
{
    /// <param name="whileRunning">Runs beside the process with its id, e.g. to interrupt it at the right moment.</param>
    /// <summary>Sends SIGINT, what Ctrl+C in a terminal sends: MSBuild cancels the build and its tasks.</summary>
    public static async Task InterruptAsync(int processId)
    {
        using Process kill = Process.Start("kill", ["-INT", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null, Func<int, Task>? whileRunning = null)
    {
        ProcessStartInfo info = new(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        StringBuilder output = new();
        StringBuilder standardOutput = new();
        using Process process = new() { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); standardOutput.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Task beside = whileRunning?.Invoke(process.Id) ?? Task.CompletedTask;

        using CancellationTokenSource cts = new(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in time. Output so far:\n{output}");
        }

        process.WaitForExit();
        await beside;
        lock (output)
        {
            return new ProcessResult(process.ExitCode, output.ToString()) { StandardOutput = standardOutput.ToString() };
        }
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SecureContainers.Core.Tests;

/// <summary>
/// Runs one of eng/sbom-validator's scripts (official CycloneDX and SARIF schemas) with node. Without node or the npm
/// modules a test returns without checking, unless SC_REQUIRE_VALIDATOR=1 (eng/test.sh sets it) makes that a failure.
/// </summary>
internal static class NodeValidator
{
    /// <summary>The node executable and the script, or null when the validator is not installed.</summary>
    public static (string Node, string Script)? Find(string script, string[] requiredModules, [CallerFilePath] string thisFile = "")
    {
        DirectoryInfo? dir = new FileInfo(thisFile).Directory;
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SecureContainers.sln")))
        {
            dir = dir.Parent;
        }

        string? validatorDir = dir is null ? null : Path.Combine(dir.FullName, "eng", "sbom-validator");
        string? node = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => Path.Combine(p, OperatingSystem.IsWindows() ? "node.exe" : "node"))
            .FirstOrDefault(File.Exists);

        string? missing =
            validatorDir is null ? "the repository root (SecureContainers.sln) was not found" :
            node is null ? "'node' is not on PATH" :
            requiredModules.FirstOrDefault(m => !Directory.Exists(Path.Combine(validatorDir, "node_modules", m))) is { } module
                ? $"eng/sbom-validator/node_modules lacks {module} (run 'npm ci' there)" :
            null;
        if (missing is null)
        {
            return (node!, Path.Combine(validatorDir!, script));
        }

        Assert.False(Environment.GetEnvironmentVariable("SC_REQUIRE_VALIDATOR") == "1", $"SC_REQUIRE_VALIDATOR=1 but {missing}.");
        return null;
    }

    public static (int ExitCode, string Output) Run(string node, string script, params string[] args)
    {
        ProcessStartInfo start = new(node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(script)} did not finish within 120 s");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }
}

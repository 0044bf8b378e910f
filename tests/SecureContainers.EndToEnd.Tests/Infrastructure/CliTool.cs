namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The securecontainers dotnet tool, installed once per test run from the artifacts feed the way a release
/// pipeline installs it (`dotnet tool install --tool-path`).
/// </summary>
public static class CliTool
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _path;

    public static async Task<ProcessResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        string tool = await InstallAsync();
        return await ProcessRunner.RunAsync(tool, args, workingDirectory ?? TestBed.WorkRoot, environment, TimeSpan.FromMinutes(3));
    }

    private static async Task<string> InstallAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_path is null)
            {
                string toolPath = Path.Combine(TestBed.WorkRoot, "tools");
                ProcessResult install = await ProcessRunner.RunAsync(
                    "dotnet",
                    ["tool", "install", "--tool-path", toolPath, "--add-source", TestBed.PackagesFeed, "SecureContainers.Cli", "--version", "0.1.0"],
                    TestBed.WorkRoot,
                    new Dictionary<string, string?> { ["NUGET_PACKAGES"] = TestBed.NuGetPackages, ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
                    TimeSpan.FromMinutes(3));
                if (!install.Succeeded)
                {
                    throw new InvalidOperationException($"installing the securecontainers tool failed:\n{install.Output}");
                }

                _path = Path.Combine(toolPath, "securecontainers");
            }

            return _path;
        }
        finally
        {
            Gate.Release();
        }
    }
}

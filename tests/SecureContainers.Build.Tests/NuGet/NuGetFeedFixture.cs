using System.Diagnostics;

namespace SecureContainers.Build.Tests.NuGetAudit;

/// <summary>
/// The test bed's static NuGet v3 feed with vulnerability data (eng/testbed/nuget-feed/serve.sh), served over HTTP on
/// loopback for the whole test class and stopped afterwards.
/// </summary>
public sealed class NuGetFeedFixture : IDisposable
{
    private readonly string _script;
    private readonly string _state = Directory.CreateTempSubdirectory("nuget-feed-").FullName;

    public NuGetFeedFixture()
    {
        _script = RepositoryRoot.Combine("eng", "testbed", "nuget-feed", "serve.sh");
        Run("start");
        Dictionary<string, string> env = File.ReadAllLines(Path.Combine(_state, "env"))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
        FeedUrl = env["SC_TEST_NUGET_FEED"];
        NoVulnerabilityFeedUrl = env["SC_TEST_NUGET_FEED_NO_VULN"];
    }

    /// <summary><c>http://127.0.0.1:PORT/v3/index.json</c>: PackageBaseAddress and VulnerabilityInfo.</summary>
    public string FeedUrl { get; }

    /// <summary>The same server's index without a VulnerabilityInfo resource.</summary>
    public string NoVulnerabilityFeedUrl { get; }

    public void Dispose()
    {
        Run("stop");
        Directory.Delete(_state, recursive: true);
    }

    private void Run(string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(_script);
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(_state);
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"serve.sh {command} failed ({process.ExitCode}): {error}");
        }
    }
}

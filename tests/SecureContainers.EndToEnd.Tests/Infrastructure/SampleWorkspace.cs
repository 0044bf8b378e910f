using System.Text.RegularExpressions;

namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>The outcome of one real `dotnet publish`, with the codes it raised parsed out of MSBuild's output.</summary>
public sealed partial record PublishResult(int ExitCode, string Output, string BinaryLog)
{
    public bool Succeeded => ExitCode == 0;

    public IReadOnlyList<string> Errors => Codes("error");

    public IReadOnlyList<string> Warnings => Codes("warning");

    public override string ToString() => $"exit {ExitCode}, binlog {BinaryLog}\n{Output}";

    private IReadOnlyList<string> Codes(string kind) =>
        CodePattern().Matches(Output).Where(m => m.Groups[1].Value == kind).Select(m => m.Groups[2].Value).Distinct().ToArray();

    [GeneratedRegex(@"\b(error|warning) ((?:SC|CONTAINER|NETSDK|NU|MSB|CS)\d{3,4})\b")]
    private static partial Regex CodePattern();
}

/// <summary>
/// A sample copied to its own temp folder with its own nuget.config (the artifacts feed plus nuget.org), built with
/// a private NuGet packages folder: the way a user consumes the package, nothing from the repository leaking in.
/// </summary>
/// <remarks>
/// xunit 2 tells a test nothing about its own outcome, so a test declares it: it holds the workspace in a
/// <c>using</c> and calls <see cref="Succeeded"/> as its last statement. Disposing a workspace that succeeded deletes
/// it; any other (an assertion threw, or the test never got to the end) has its binary and publish logs copied to
/// <c>artifacts/TestResults/&lt;workspace name&gt;/</c>, where CI collects them, and the workspace is kept for a look.
/// </remarks>
public sealed class SampleWorkspace : IDisposable
{
    private bool _succeeded;

    private SampleWorkspace(string name, string directory, string projectFile)
    {
        Name = name;
        Directory = directory;
        ProjectFile = projectFile;
    }

    /// <summary>The workspace's folder name, unique per test: also the name of its folder under artifacts/TestResults.</summary>
    public string Name { get; }

    public string Directory { get; }

    public string ProjectFile { get; }

    public static SampleWorkspace Create(string sample, string name, bool trustTestBases = true, params string[] alsoTrusted)
    {
        string source = Path.Combine(TestBed.RepoRoot, "samples", sample);
        string target = Path.Combine(TestBed.WorkRoot, name);
        if (System.IO.Directory.Exists(target))
        {
            System.IO.Directory.Delete(target, recursive: true);
        }

        CopyDirectory(source, target);
        // How a team trusts its own base images: once, for the repository.
        string trust = string.Join("\n", (trustTestBases ? [$"{TestBed.Registry}/base/*"] : Array.Empty<string>()).Concat(alsoTrusted)
            .Select(p => $"""<SecureContainerTrustedBaseImage Include="{p}" />"""));
        File.WriteAllText(Path.Combine(target, "Directory.Build.props"), $"""
            <Project>
              <ItemGroup>
                {trust}
              </ItemGroup>
            </Project>
            """);
        // A pipeline step after PublishContainer, the way a user would consume the SBOM items.
        File.WriteAllText(Path.Combine(target, "Directory.Build.targets"), """
            <Project>
              <Target Name="_E2EPrintSboms" AfterTargets="PublishContainer">
                <Message Importance="high" Text="SBOM-ITEM: %(SecureContainerSbom.FullPath) rid=%(SecureContainerSbom.RuntimeIdentifier)" Condition="'@(SecureContainerSbom)' != ''" />
              </Target>
            </Project>
            """);
        // Advisories come from the test bed's loopback feed, as a team would point NuGet audit at its own mirror.
        string audit = TestBed.AdvisoryFeed is { } feed
            ? $"""<auditSources><clear /><add key="advisories" value="{feed}" allowInsecureConnections="true" /></auditSources>"""
            : string.Empty;
        File.WriteAllText(Path.Combine(target, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="artifacts" value="{TestBed.PackagesFeed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              {audit}
            </configuration>
            """);
        return new SampleWorkspace(name, target, Path.Combine(target, sample + ".csproj"));
    }

    public void WriteFile(string relativePath, string content)
    {
        string path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>Adds MSBuild XML (item groups, property groups) to the sample's project file.</summary>
    public void AddToProject(string xml) =>
        File.WriteAllText(ProjectFile, File.ReadAllText(ProjectFile).Replace("</Project>", xml + "\n</Project>", StringComparison.Ordinal));

    /// <summary>
    /// Drops the sample's SecureContainers.Build PackageReference: the project then publishes with the plain SDK, as an
    /// image built without the package would be.
    /// </summary>
    public void RemoveSecureContainersPackage() =>
        ReplaceInProject("""<PackageReference Include="SecureContainers.Build" Version="0.1.0" PrivateAssets="all" />""", string.Empty);

    public void ReplaceInProject(string oldText, string newText)
    {
        string text = File.ReadAllText(ProjectFile);
        if (!text.Contains(oldText, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"'{oldText}' is not in {ProjectFile}");
        }

        File.WriteAllText(ProjectFile, text.Replace(oldText, newText, StringComparison.Ordinal));
    }

    /// <summary>Runs `dotnet publish -t:PublishContainer` with the given MSBuild properties (name=value).</summary>
    /// <param name="whileRunning">Runs beside the publish with its process id (to interrupt it, for example).</param>
    public async Task<PublishResult> PublishAsync(IEnumerable<string> properties, IReadOnlyDictionary<string, string?>? environment = null, string verbosity = "minimal",
        Func<int, Task>? whileRunning = null)
    {
        string binlog = Path.Combine(Directory, $"publish-{Guid.NewGuid():N}.binlog");
        List<string> args = ["publish", ProjectFile, "-t:PublishContainer", "-c", "Release", $"-bl:{binlog}", "-nodeReuse:false", "-clp:NoSummary", $"-v:{verbosity}"];
        args.AddRange(properties.Select(p => "-p:" + p));

        Dictionary<string, string?> env = new()
        {
            ["NUGET_PACKAGES"] = TestBed.NuGetPackages,
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["SOURCE_DATE_EPOCH"] = null,
        };
        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
        {
            env[key] = value;
        }

        ProcessResult result = await ProcessRunner.RunAsync("dotnet", args, Directory, env, TimeSpan.FromMinutes(8), whileRunning);
        // The console output next to the binlog, so a failed test keeps both.
        File.WriteAllText(Path.ChangeExtension(binlog, ".log"), $"dotnet {string.Join(' ', args)}\nexit {result.ExitCode}\n{result.Output}");
        return new PublishResult(result.ExitCode, result.Output, binlog);
    }

    /// <summary>Says the test passed: call it as the test's last statement, so that disposing deletes the workspace.</summary>
    public void Succeeded() => _succeeded = true;

    public void Dispose()
    {
        if (_succeeded)
        {
            DeleteQuietly(Directory);
            return;
        }

        KeepLogs();
    }

    /// <summary>Copies the workspace's binlogs and publish logs to artifacts/TestResults/&lt;name&gt;/, replacing an earlier run's.</summary>
    private void KeepLogs()
    {
        string[] logs = System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory).Where(f => f.EndsWith(".binlog", StringComparison.Ordinal) || f.EndsWith(".log", StringComparison.Ordinal)).ToArray()
            : [];
        if (logs.Length == 0)
        {
            return;
        }

        string results = Path.Combine(TestBed.RepoRoot, "artifacts", "TestResults", Name);
        DeleteQuietly(results);
        System.IO.Directory.CreateDirectory(results);
        foreach (string log in logs)
        {
            File.Copy(log, Path.Combine(results, Path.GetFileName(log)), overwrite: true);
        }
    }

    // Cleanup must not turn a passing test into a failing one (a file still held by a build server, say).
    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (System.IO.Directory.Exists(directory))
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left to the temp folder's own cleanup.
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        System.IO.Directory.CreateDirectory(target);
        foreach (string file in System.IO.Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (string dir in System.IO.Directory.GetDirectories(source))
        {
            string name = Path.GetFileName(dir);
            if (name is "bin" or "obj")
            {
                continue;
            }

            CopyDirectory(dir, Path.Combine(target, name));
        }
    }
}

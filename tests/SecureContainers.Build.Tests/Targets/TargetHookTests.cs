using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;

namespace SecureContainers.Build.Tests.Targets;

/// <summary>
/// Runs the real <c>dotnet msbuild</c> over build/SecureContainers.Build.props and .targets in a tiny project whose
/// <c>_PublishSingleContainer</c> and <c>_PublishMultiArchContainers</c> stand in for the SDK's, with recording tasks in
/// place of ours (tests/SecureContainers.Build.RecordingTasks). All scenarios run once, two at a time, in the fixture;
/// each test reads what its scenario recorded: which hook ran, in what order, with which Scope and raw settings.
/// </summary>
public sealed class TargetHookFixture : IDisposable
{
    public const string SingleSdk = "SDK:_PublishSingleContainer";
    public const string MultiSdk = "SDK:_PublishMultiArchContainers";

    public static readonly IReadOnlyDictionary<string, Scenario> Scenarios = new[]
    {
        new Scenario("single", "_PublishSingleContainer",
            ["ContainerRegistry=localhost:5000", "SecureContainerProfile=Strict", "SecureContainerSecretScan=ture", "SecureContainerMaxLayerBytes=x", "SecureContainerSourceDateEpoch=abc"]),
        new Scenario("inner", "_PublishSingleContainer", ["ContainerRegistry=localhost:5000", "_ContainerImageTags=1.0"]),
        new Scenario("multi", "_PublishMultiArchContainers", ["ContainerRegistry=localhost:5000", "RuntimeIdentifiers=\"linux-x64;linux-arm64\""]),
        new Scenario("multi-container-rids", "_PublishMultiArchContainers",
            ["ContainerRegistry=localhost:5000", "RuntimeIdentifiers=\"linux-x64;linux-arm64\"", "ContainerRuntimeIdentifiers=\"linux-x64;linux-musl-x64\""]),
        new Scenario("archive", "_PublishSingleContainer", ["ContainerArchiveOutputPath=out/app.tar.gz"]),
        new Scenario("disabled-false", "_PublishSingleContainer", ["SecureContainerEnabled=false"]),
        new Scenario("disabled-False", "_PublishSingleContainer", ["SecureContainerEnabled=False"]),
        new Scenario("disabled-FALSE-multi", "_PublishMultiArchContainers", ["SecureContainerEnabled=FALSE", "RuntimeIdentifiers=\"linux-x64;linux-arm64\""]),
        new Scenario("enabled-flase", "_PublishSingleContainer", ["SecureContainerEnabled=flase"]),
        new Scenario("enabled-ture", "_PublishSingleContainer", ["SecureContainerEnabled=ture"]),
        new Scenario("enabled-0", "_PublishSingleContainer", ["SecureContainerEnabled=0"]),
        new Scenario("enabled-no", "_PublishSingleContainer", ["SecureContainerEnabled=no"]),
        new Scenario("enabled-off", "_PublishSingleContainer", ["SecureContainerEnabled=off"]),
        new Scenario("enabled-!true", "_PublishSingleContainer", ["SecureContainerEnabled=!true"]),
        new Scenario("enabled-no-multi", "_PublishMultiArchContainers", ["SecureContainerEnabled=no", "RuntimeIdentifiers=\"linux-x64;linux-arm64\""]),
        new Scenario("old-vs", "_PublishSingleContainer", ["_SecureContainerMSBuildRuntimeType=Full", "_SecureContainerMSBuildVersion=17.14.0"]),
        new Scenario("old-vs-multi", "_PublishMultiArchContainers",
            ["_SecureContainerMSBuildRuntimeType=Full", "_SecureContainerMSBuildVersion=17.14.0", "RuntimeIdentifiers=\"linux-x64;linux-arm64\""]),
        new Scenario("old-vs-disabled", "_PublishSingleContainer", ["_SecureContainerMSBuildRuntimeType=Full", "_SecureContainerMSBuildVersion=17.14.0", "SecureContainerEnabled=false"]),
        new Scenario("new-vs", "_PublishSingleContainer", ["_SecureContainerMSBuildRuntimeType=Full", "_SecureContainerMSBuildVersion=18.0.0", "ContainerRegistry=localhost:5000"]),
        new Scenario("check-fails", "_PublishSingleContainer", ["ContainerRegistry=localhost:5000"], Fail: "CheckSecureContainer"),
        new Scenario("publish", "ResolvePackageAssets;_PublishSingleContainer",
            ["_IsPublishing=true", "ContainerRegistry=localhost:5000", "ContainerBaseImage=localhost:5000/base/aspnet:10.0"]),
        new Scenario("build-then-container", "ResolvePackageAssets;_PublishSingleContainer", ["ContainerRegistry=localhost:5000"]),
        new Scenario("publish-multi", "ResolvePackageAssets;_PublishMultiArchContainers",
            ["_IsPublishing=true", "ContainerRegistry=localhost:5000", "RuntimeIdentifiers=\"linux-x64;linux-arm64\""]),
        new Scenario("publish-inner", "ResolvePackageAssets;_PublishSingleContainer", ["_IsPublishing=true", "ContainerRegistry=localhost:5000", "_ContainerImageTags=1.0"]),
        new Scenario("publish-disabled", "ResolvePackageAssets;_PublishSingleContainer", ["_IsPublishing=true", "SecureContainerEnabled=false"]),
        new Scenario("publish-old-vs", "ResolvePackageAssets;_PublishSingleContainer",
            ["_IsPublishing=true", "_SecureContainerMSBuildRuntimeType=Full", "_SecureContainerMSBuildVersion=17.14.0"]),
        new Scenario("check-fails-multi", "_PublishMultiArchContainers", ["ContainerRegistry=localhost:5000", "RuntimeIdentifiers=\"linux-x64;linux-arm64\""], Fail: "CheckSecureContainer"),
    }.ToDictionary(s => s.Name, StringComparer.Ordinal);

    private readonly string _dir = Directory.CreateTempSubdirectory("sc-targets-").FullName;
    private readonly ConcurrentDictionary<string, Run> _runs = new(StringComparer.Ordinal);
    private bool _keep;

    public TargetHookFixture()
    {
        ProjectFile = Path.Combine(_dir, "app.proj");
        string build = RepositoryRoot.Combine("build");
        File.WriteAllText(ProjectFile, $$"""
            <Project>
              <Import Project="{{Path.Combine(build, "SecureContainers.Build.props")}}" />
              <PropertyGroup>
                <AssemblyName>app</AssemblyName>
                <ContainerRepository>team/app</ContainerRepository>
                <ContainerBaseRegistry>mcr.microsoft.com</ContainerBaseRegistry>
                <ContainerBaseName>dotnet/aspnet</ContainerBaseName>
                <ContainerBaseTag>10.0</ContainerBaseTag>
                <ContainerRuntimeIdentifier>linux-x64</ContainerRuntimeIdentifier>
                <Configuration>Release</Configuration>
                <BaseOutputPath>bin/</BaseOutputPath>
              </PropertyGroup>
              <ItemGroup>
                <ContainerImageTags Include="1.0;latest" />
                <SecureContainerTrustedBaseImage Include="localhost:5000/base/*" />
                <SecureContainerTrustedBaseImage Include="registry.example.com/base/%2A" />
                <SecureContainerTrustedBaseImage Include="myregistry.azurecr.io/dotnet/" />
              </ItemGroup>
              <!-- Stand-ins for the SDK's targets: they only say that they ran. -->
              <Target Name="ResolvePackageAssets" />
              <Target Name="_PublishSingleContainer">
                <WriteLinesToFile File="$(SECURECONTAINERS_TASK_LOG)" Lines="{&quot;Task&quot;:&quot;{{SingleSdk}}&quot;}" />
              </Target>
              <Target Name="_PublishMultiArchContainers">
                <WriteLinesToFile File="$(SECURECONTAINERS_TASK_LOG)" Lines="{&quot;Task&quot;:&quot;{{MultiSdk}}&quot;}" />
              </Target>
              <Import Project="{{Path.Combine(build, "SecureContainers.Build.targets")}}" />
            </Project>
            """);

        using SemaphoreSlim twoAtATime = new(2);
        Task.WaitAll(Scenarios.Values.Select(async s =>
        {
            await twoAtATime.WaitAsync();
            try
            {
                _runs[s.Name] = await Task.Run(() => Execute(s));
            }
            finally
            {
                twoAtATime.Release();
            }
        }).ToArray());
    }

    public static string TasksAssembly => Path.Combine(AppContext.BaseDirectory, "SecureContainers.Build.RecordingTasks.dll");

    public string ProjectFile { get; }

    public Run this[string scenario] => _runs[scenario];

    /// <summary>Keeps the temp folder (logs, binlogs) when a test failed, for a look afterwards.</summary>
    public void Keep() => _keep = true;

    public void Dispose()
    {
        if (!_keep)
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private Run Execute(Scenario scenario)
    {
        string log = Path.Combine(_dir, scenario.Name + ".jsonl");
        ProcessStartInfo start = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir };
        foreach (string arg in new[] { "msbuild", ProjectFile, "-nologo", "-nr:false", "-v:m", $"-t:{scenario.Target}", $"-p:_SecureContainerTasksAssembly={TasksAssembly}", $"-bl:{Path.Combine(_dir, scenario.Name + ".binlog")}" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (string property in scenario.Properties)
        {
            start.ArgumentList.Add("-p:" + property);
        }

        // The test host runs under MSBuild-set variables that would point the child at the test's own SDK context.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(key);
        }

        start.Environment["SECURECONTAINERS_TASK_LOG"] = log;
        start.Environment["SECURECONTAINERS_TASK_FAIL"] = scenario.Fail ?? "";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd() + stderr.Result;
        process.WaitForExit();

        List<JsonElement> records = File.Exists(log)
            ? File.ReadAllLines(log).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList()
            : [];
        return new Run(scenario, process.ExitCode, output, records);
    }

    public sealed record Scenario(string Name, string Target, string[] Properties, string? Fail = null);

    public sealed record Run(Scenario Scenario, int ExitCode, string Output, IReadOnlyList<JsonElement> Records)
    {
        /// <summary>Each call in order: <c>CheckSecureContainer:Image</c>, <c>SDK:_PublishSingleContainer</c>, ...</summary>
        public string[] Calls => Records.Select(r => r.GetProperty("Task").GetString() + (r.TryGetProperty("Scope", out JsonElement scope) ? ":" + scope.GetString() : "")).ToArray();

        public JsonElement Call(string task) => Records.Single(r => r.GetProperty("Task").GetString() == task);

        public string Setting(string task, string name) =>
            Call(task).GetProperty("Settings").TryGetProperty(name, out JsonElement v) ? v.GetString()! : "";

        public string Fact(string task, string name) =>
            Call(task).GetProperty("Image").TryGetProperty(name, out JsonElement v) ? v.GetString()! : "";

        public string[] List(string task, string name) => Call(task).GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();

        public override string ToString() => $"{Scenario.Name}: exit {ExitCode}\n{string.Join("\n", Calls)}\n{Output}";
    }
}

/// <summary>Each hook's condition, proved by real MSBuild evaluation and execution of the package's targets.</summary>
public sealed class TargetHookTests(TargetHookFixture fixture) : IClassFixture<TargetHookFixture>
{
    private const string Check = "CheckSecureContainer";
    private const string Evidence = "WriteContainerEvidence";

    private TargetHookFixture.Run Run(string scenario, int expectedExit = 0)
    {
        TargetHookFixture.Run run = fixture[scenario];
        if (run.ExitCode != expectedExit)
        {
            fixture.Keep();
        }

        Assert.True(expectedExit == 0 ? run.ExitCode == 0 : run.ExitCode != 0, run.ToString());
        return run;
    }

    [Fact]
    public void SingleRidPublishChecksBeforeTheSdkAndWritesEvidenceAfterIt()
    {
        TargetHookFixture.Run run = Run("single");

        Assert.Equal([$"{Check}:Image", TargetHookFixture.SingleSdk, $"{Evidence}:Image"], run.Calls);
        Assert.Equal("handle-Image", run.Call(Evidence).GetProperty("CheckHandle").GetString());
        Assert.Equal(["1.0", "latest"], run.List(Check, "ImageTags"));
        Assert.Contains("localhost:5000/base/*", run.List(Check, "TrustedBaseImages"));
        Assert.Contains("registry.example.com/base/*", run.List(Check, "TrustedBaseImages"));
        Assert.Equal("localhost:5000", run.Fact(Check, "Registry"));
        Assert.Equal("team/app", run.Fact(Check, "Repository"));
        Assert.Equal("dotnet/aspnet", run.Fact(Check, "BaseName"));
        Assert.Equal("linux-x64", run.Fact(Check, "RuntimeIdentifier"));
        Assert.EndsWith("team_app-linux-x64.sarif", run.Fact(Check, "SarifFile"), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSettingsItemCarriesTheRawValuesForTheCoreToParse()
    {
        TargetHookFixture.Run run = Run("single");

        foreach (string task in new[] { Check, Evidence })
        {
            Assert.Equal("Strict", run.Setting(task, "SecureContainerProfile"));
            Assert.Equal("ture", run.Setting(task, "SecureContainerSecretScan"));
            Assert.Equal("x", run.Setting(task, "SecureContainerMaxLayerBytes"));
            Assert.Equal("abc", run.Setting(task, "SecureContainerSourceDateEpoch"));
            Assert.Equal("", run.Setting(task, "SecureContainerEnabled"));
        }

        // The one default MSBuild computes: a path under the project.
        Assert.Equal(Path.Combine(Path.GetDirectoryName(fixture.ProjectFile)!, "bin", "Release", "securecontainers") + Path.DirectorySeparatorChar,
            run.Setting(Check, "SecureContainerSbomDirectory"));
    }

    /// <summary>
    /// MSBuild expands a '*' in an Include as a file wildcard and drops "host/path/*" when nothing matches, so the
    /// documented prefix spelling is "host/path/", which reaches the task as written.
    /// </summary>
    [Fact]
    public void APrefixPatternForARegistryWithoutAPortReachesTheTasks()
    {
        TargetHookFixture.Run run = Run("single");
        Assert.Contains("myregistry.azurecr.io/dotnet/", run.List(Check, "TrustedBaseImages"));
    }

    [Fact]
    public void AnInnerBuildOfAMultiRidPublishIsCheckedAsAPlatform()
    {
        TargetHookFixture.Run run = Run("inner");
        Assert.Equal([$"{Check}:Platform", TargetHookFixture.SingleSdk, $"{Evidence}:Platform"], run.Calls);
    }

    [Fact]
    public void MultiRidPublishChecksEveryPlatformBeforeAnyInnerBuildAndSignsTheIndexAfter()
    {
        TargetHookFixture.Run run = Run("multi");

        Assert.Equal([$"{Check}:AllPlatforms", TargetHookFixture.MultiSdk, $"{Evidence}:AllPlatforms"], run.Calls);
        Assert.Equal(["linux-x64", "linux-arm64"], run.List(Check, "RuntimeIdentifiers"));
        Assert.Equal(["linux-x64", "linux-arm64"], run.List(Evidence, "RuntimeIdentifiers"));
        Assert.Equal("handle-AllPlatforms", run.Call(Evidence).GetProperty("CheckHandle").GetString());
        Assert.EndsWith("team_app-all.sarif", run.Fact(Check, "SarifFile"), StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerRuntimeIdentifiersWinOverRuntimeIdentifiers()
    {
        TargetHookFixture.Run run = Run("multi-container-rids");
        Assert.Equal(["linux-x64", "linux-musl-x64"], run.List(Check, "RuntimeIdentifiers"));
    }

    [Fact]
    public void AnArchiveDestinationReachesTheTasksAsItsPath()
    {
        TargetHookFixture.Run run = Run("archive");

        Assert.Equal([$"{Check}:Image", TargetHookFixture.SingleSdk, $"{Evidence}:Image"], run.Calls);
        Assert.Equal("out/app.tar.gz", run.Fact(Check, "ArchiveOutputPath"));
        Assert.Equal("", run.Fact(Check, "Registry"));
    }

    [Theory]
    [InlineData("disabled-false", TargetHookFixture.SingleSdk)]
    [InlineData("disabled-False", TargetHookFixture.SingleSdk)]
    [InlineData("disabled-FALSE-multi", TargetHookFixture.MultiSdk)]
    [InlineData("old-vs-disabled", TargetHookFixture.SingleSdk)]
    public void SecureContainerEnabledFalseInAnyCaseSkipsEveryHook(string scenario, string sdk)
    {
        TargetHookFixture.Run run = Run(scenario);
        Assert.Equal([sdk], run.Calls);
        Assert.DoesNotContain("SC1010", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("enabled-flase", "flase")]
    [InlineData("enabled-ture", "ture")]
    [InlineData("enabled-0", "0")]
    [InlineData("enabled-no", "no")]
    [InlineData("enabled-off", "off")]
    [InlineData("enabled-!true", "!true")]
    public void AMisspelledSecureContainerEnabledRunsTheChecksAndReachesTheParser(string scenario, string value)
    {
        TargetHookFixture.Run run = Run(scenario);

        Assert.Equal([$"{Check}:Image", TargetHookFixture.SingleSdk, $"{Evidence}:Image"], run.Calls);
        Assert.Equal(value, run.Setting(Check, "SecureContainerEnabled"));
    }

    [Fact]
    public void AMisspelledSecureContainerEnabledRunsTheMultiRidChecksToo()
    {
        TargetHookFixture.Run run = Run("enabled-no-multi");
        Assert.Equal([$"{Check}:AllPlatforms", TargetHookFixture.MultiSdk, $"{Evidence}:AllPlatforms"], run.Calls);
        Assert.Equal("no", run.Setting(Check, "SecureContainerEnabled"));
    }

    [Theory]
    [InlineData("old-vs")]
    [InlineData("old-vs-multi")]
    public void MSBuildOnNetFrameworkBefore18IsSC1010AndNothingRuns(string scenario)
    {
        TargetHookFixture.Run run = Run(scenario, expectedExit: 1);

        Assert.Contains("error SC1010", run.Output, StringComparison.Ordinal);
        Assert.Contains("MSBuild 17.14.0", run.Output, StringComparison.Ordinal);
        Assert.Empty(run.Calls);
        Assert.DoesNotContain("MSB4036", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void MSBuild18OnNetFrameworkRunsTheTasks()
    {
        TargetHookFixture.Run run = Run("new-vs");
        Assert.Equal([$"{Check}:Image", TargetHookFixture.SingleSdk, $"{Evidence}:Image"], run.Calls);
    }

    [Theory]
    [InlineData("check-fails", "Image")]
    [InlineData("check-fails-multi", "AllPlatforms")]
    public void AFailedCheckStopsTheSdkAndTheEvidence(string scenario, string scope)
    {
        TargetHookFixture.Run run = Run(scenario, expectedExit: 1);

        Assert.Equal([$"{Check}:{scope}"], run.Calls);
        Assert.Contains("SC9999", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void APublishStartsTheCheckAheadOfTimeFromTheFactsTheProjectStates()
    {
        TargetHookFixture.Run run = Run("publish");

        Assert.Equal(["StartSecureContainerCheck:Image", "CheckSecureContainer:Image", TargetHookFixture.SingleSdk, "WriteContainerEvidence:Image"], run.Calls);
        Assert.Equal("localhost:5000/base/aspnet:10.0", run.Fact("StartSecureContainerCheck", "BaseImage"));
        Assert.Equal("localhost:5000", run.Fact("StartSecureContainerCheck", "Registry"));
        Assert.Equal("team/app", run.Fact("StartSecureContainerCheck", "Repository"));
        Assert.Equal("linux-x64", run.Fact("StartSecureContainerCheck", "RuntimeIdentifier"));
        // The check gets the app item the evidence step gets, to rehearse its SBOM while the SDK pushes.
        Assert.EndsWith("team_app-linux-x64.cdx.json", run.Call(Check).GetProperty("App").GetString(), StringComparison.Ordinal);
        // The same settings item reaches both: the check does not read the properties a second time.
        Assert.Equal(run.Call("StartSecureContainerCheck").GetProperty("Settings").GetRawText(), run.Call(Check).GetProperty("Settings").GetRawText());
    }

    [Theory]
    [InlineData("build-then-container")]
    [InlineData("publish-inner")]
    public void OnlyThePublishOfOneImageStartsTheCheckAheadOfTime(string scenario)
    {
        TargetHookFixture.Run run = Run(scenario);

        Assert.DoesNotContain(run.Calls, c => c.StartsWith("StartSecureContainerCheck", StringComparison.Ordinal));
        Assert.Contains(run.Calls, c => c.StartsWith(Check, StringComparison.Ordinal));
    }

    [Fact]
    public void AMultiRidPublishChecksEveryPlatformInItsOuterBuildAndStartsNothingAhead()
    {
        TargetHookFixture.Run run = Run("publish-multi");

        Assert.Equal(["CheckSecureContainer:AllPlatforms", TargetHookFixture.MultiSdk, "WriteContainerEvidence:AllPlatforms"], run.Calls);
    }

    [Fact]
    public void APublishWithTheChecksSwitchedOffStartsNothing() => Assert.Equal([TargetHookFixture.SingleSdk], Run("publish-disabled").Calls);

    [Fact]
    public void APublishInMSBuildThatCannotHostTheTasksStartsNothingAndIsSC1010()
    {
        TargetHookFixture.Run run = Run("publish-old-vs", expectedExit: 1);

        Assert.Empty(run.Calls);
        Assert.Contains("SC1010", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRecordingTasksTakeExactlyTheRealTasksParameters()
    {
        // Otherwise these tests could pass against targets that pass a parameter the real task does not have.
        AssemblyLoadContext context = new("recording-tasks", isCollectible: true);
        try
        {
            Assembly recording = context.LoadFromAssemblyPath(TargetHookFixture.TasksAssembly);
            foreach (Type real in new[] { typeof(SecureContainers.Build.Tasks.StartSecureContainerCheck), typeof(SecureContainers.Build.Tasks.CheckSecureContainer), typeof(SecureContainers.Build.Tasks.WriteContainerEvidence) })
            {
                Type stand = recording.GetType(real.FullName!, throwOnError: true)!;
                Assert.Equal(Parameters(real), Parameters(stand));
            }
        }
        finally
        {
            context.Unload();
        }
    }

    private static string[] Parameters(Type task) => task.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.DeclaringType!.Namespace != "Microsoft.Build.Utilities")
        .Select(p => $"{p.Name}:{p.PropertyType.Name}{(p.GetCustomAttributes().Any(a => a.GetType().Name == "RequiredAttribute") ? ":required" : "")}{(p.GetCustomAttributes().Any(a => a.GetType().Name == "OutputAttribute") ? ":output" : "")}")
        .Order(StringComparer.Ordinal).ToArray();
}

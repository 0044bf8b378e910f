using SecureContainers.EndToEnd.Tests.Infrastructure;
using SecureContainers.TestUtilities.Registry;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// Real publishes through the test bed's fault-injecting proxy in front of the real registry: broken connections in the
/// middle of the base manifest and of a base layer are recovered, and an outage that outlasts the retries while evidence
/// is written leaves the image pushed with a message that says what exists and the command that completes it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class FaultToleranceTests(SigningKeys keys) : IClassFixture<SigningKeys>
{
    [Fact]
    public async Task ResetsInTheMiddleOfTheBaseManifestAndOfABaseLayerAreRecovered()
    {
        await using FaultProxy proxy = FaultProxy.Start(TestBed.Registry);
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "fault-resets", alsoTrusted: $"{proxy.Address}/base/*");
        FaultRule manifest = proxy.Add(new FaultRule("GET", "/v2/base/aspnet/manifests/") { Times = 1, ResetAfterBodyBytes = 200 });
        FaultRule layer = proxy.Add(new FaultRule("GET", "/v2/base/aspnet/blobs/sha256:") { Times = 3, ResetAfterBodyBytes = 256 * 1024 });

        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={proxy.Address}/base/aspnet:10.0",
            $"ContainerRegistry={proxy.Address}",
            "ContainerRepository=e2e/fault-resets",
            "ContainerImageTag=1.0",
            // A cold layer cache, so the base layers are really read through the proxy.
            $"SecureContainerCacheDirectory={Path.Combine(sample.Directory, "layer-cache")}",
        ]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(1, manifest.Hits);
        Assert.True(layer.Hits >= 1, $"no base layer went through the proxy: {layer.Hits}");
        Assert.NotNull(await RegistryProbe.ManifestAsync("e2e/fault-resets", "1.0"));
        sample.Succeeded();
    }

    [Fact]
    public async Task AnOutageWhileEvidenceIsWrittenSaysWhatExistsAndItsCommandCompletesIt()
    {
        await using FaultProxy proxy = FaultProxy.Start(TestBed.Registry);
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "fault-evidence", alsoTrusted: $"{proxy.Address}/base/*");

        // The image and its tag go through; every write that follows the push (referrers index, signature and
        // attestation tags) meets a registry that answers 503 for longer than the retries last.
        FaultRule outage = proxy.Add(new FaultRule("PUT", "/v2/e2e/fault-evidence/manifests/sha256") { Status = 503, RetryAfter = "0" });
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={proxy.Address}/base/aspnet:10.0",
            $"ContainerRegistry={proxy.Address}",
            "ContainerRepository=e2e/fault-evidence",
            "ContainerImageTag=1.0",
            $"SecureContainerSigningKey={keys.PrivateKey}",
        ], keys.Environment);

        Assert.False(result.Succeeded, result.ToString());
        Assert.True(outage.Hits > 0);
        Assert.Contains("SC6035", result.Errors);
        Assert.Contains("SC5101", result.Warnings.Concat(result.Errors));
        Assert.NotNull(await RegistryProbe.ManifestAsync("e2e/fault-evidence", "1.0"));

        // What the messages print is what the user runs, once the registry is back.
        proxy.Clear();
        string attach = Command(result.Output, "securecontainers attach");
        string sign = Command(result.Output, "securecontainers sign");
        foreach (string command in sign.Split(" && ").Prepend(attach))
        {
            ProcessResult run = await CliTool.RunAsync(Arguments(command), keys.Environment);
            Assert.True(run.ExitCode == 0, $"{command}\n{run.Output}");
        }

        // Idempotent: the same commands again change no tag (no second SBOM, signature or attestation).
        Dictionary<string, string> before = await TagDigestsAsync("e2e/fault-evidence");
        foreach (string command in sign.Split(" && ").Prepend(attach))
        {
            Assert.Equal(0, (await CliTool.RunAsync(Arguments(command), keys.Environment)).ExitCode);
        }

        Assert.Equal(before, await TagDigestsAsync("e2e/fault-evidence"));
        ProcessResult verify = await CliTool.RunAsync(["verify", $"{proxy.Address}/e2e/fault-evidence:1.0", "--key", keys.PublicKey, "--require-sbom", "--require-provenance"]);
        Assert.True(verify.ExitCode == 0, verify.Output);
        ProcessResult sbom = await CliTool.RunAsync(["sbom", $"{proxy.Address}/e2e/fault-evidence:1.0", "-o", Path.Combine(sample.Directory, "fetched.cdx.json")]);
        Assert.True(sbom.ExitCode == 0, sbom.Output);
        sample.Succeeded();
    }

    [Theory]
    [InlineData("gate", "GET", "/v2/base/aspnet/blobs/sha256:")]
    [InlineData("push", "PUT", "/v2/e2e/ctrl-c-push/manifests/1.0")]
    [InlineData("signing", "PUT", ".sig")]
    public async Task CtrlCLeavesNoTemporaryFilesAndAStateTheOutputDescribes(string moment, string method, string path)
    {
        string repository = $"e2e/ctrl-c-{moment}";
        await using FaultProxy proxy = FaultProxy.Start(TestBed.Registry);
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", $"ctrl-c-{moment}", alsoTrusted: $"{proxy.Address}/base/*");
        string cache = Path.Combine(sample.Directory, "layer-cache");
        string tmp = System.IO.Directory.CreateDirectory(Path.Combine(sample.Directory, "tmp")).FullName;
        FaultRule hold = proxy.Add(new FaultRule(method, path.Replace("ctrl-c-push", $"ctrl-c-{moment}", StringComparison.Ordinal)) { Times = 1, Delay = TimeSpan.FromSeconds(30) });

        async Task InterruptWhenHeld(int pid)
        {
            for (int i = 0; i < 2400 && hold.Hits == 0; i++)
            {
                await Task.Delay(100);
            }

            await ProcessRunner.InterruptAsync(pid);
        }

        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={proxy.Address}/base/aspnet:10.0",
            $"ContainerRegistry={proxy.Address}",
            $"ContainerRepository={repository}",
            "ContainerImageTag=1.0",
            $"SecureContainerCacheDirectory={cache}",
            $"SecureContainerSigningKey={keys.PrivateKey}",
        ], new Dictionary<string, string?>(keys.Environment) { ["TMPDIR"] = tmp }, whileRunning: InterruptWhenHeld);

        Assert.Equal(1, hold.Hits);
        Assert.False(result.Succeeded, result.ToString());
        // NuGet's and MSBuild's own scratch folders persist by design (lock files, inline task assemblies), and so do the .NET
        // runtime's diagnostic endpoints of a process killed on cancel (MSBuild kills the compiler it started when Ctrl+C
        // lands during compilation, where the early check runs). Nothing else may stay.
        Assert.DoesNotContain(System.IO.Directory.GetFiles(tmp, "*", SearchOption.AllDirectories),
            f => !f.Contains("/NuGetScratch", StringComparison.Ordinal) && !f.Contains("/MSBuildTemp", StringComparison.Ordinal) && !IsRuntimeEndpoint(f));
        Assert.Empty(System.IO.Directory.Exists(cache) ? System.IO.Directory.GetFiles(cache, "*.tmp*", SearchOption.AllDirectories) : []);
        Assert.Empty(System.IO.Directory.GetFiles(sample.Directory, "*.tmp", SearchOption.AllDirectories));
        IReadOnlyList<string> tags = await RegistryProbe.TagsAsync(repository);
        switch (moment)
        {
            case "gate":
                // Refused before the push: nothing exists.
                Assert.Empty(tags);
                break;
            case "push":
                // The SDK stopped before its tag: no image under the tag, nothing of ours written.
                Assert.DoesNotContain("1.0", tags);
                Assert.DoesNotContain(tags, t => t.StartsWith("sha256-", StringComparison.Ordinal));
                break;
            default:
                // The image exists; the output says so and how to complete it, and doing that makes it verify.
                Assert.Contains("1.0", tags);
                Assert.Contains("SC6036", result.Errors);
                proxy.Clear();
                const string Marker = "(re-running adds no duplicate): ";
                string completion = result.Output[(result.Output.IndexOf(Marker, result.Output.IndexOf("SC6036", StringComparison.Ordinal), StringComparison.Ordinal) + Marker.Length)..];
                completion = completion[..completion.IndexOfAny(['\n', '\r'])].Trim();
                foreach (string command in completion.Split(" && "))
                {
                    ProcessResult run = await CliTool.RunAsync(Arguments(command), keys.Environment);
                    Assert.True(run.ExitCode == 0, $"{command}\n{run.Output}");
                }

                ProcessResult verify = await CliTool.RunAsync(["verify", $"{proxy.Address}/{repository}:1.0", "--key", keys.PublicKey, "--require-sbom", "--require-provenance"]);
                Assert.True(verify.ExitCode == 0, verify.Output);
                break;
        }

        sample.Succeeded();
    }

    /// <summary>
    /// The sockets and pipes each .NET process opens in TMPDIR for diagnostics and debugging
    /// (<c>dotnet-diagnostic-&lt;pid&gt;-&lt;time&gt;-socket</c>, <c>clr-debug-pipe-&lt;pid&gt;-&lt;time&gt;-in</c>/<c>-out</c>): removed
    /// by the runtime at a clean exit, left by a process that was killed.
    /// </summary>
    private static bool IsRuntimeEndpoint(string path) =>
        System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(path), @"^(dotnet-diagnostic-\d+-\d+-socket|clr-debug-pipe-\d+-\d+-(in|out))$");

    private static async Task<Dictionary<string, string>> TagDigestsAsync(string repository)
    {
        Dictionary<string, string> digests = new();
        foreach (string tag in await RegistryProbe.TagsAsync(repository))
        {
            digests[tag] = (await RegistryProbe.ManifestAsync(repository, tag))!.Value.Digest;
        }

        return digests;
    }

    /// <summary>The command a message prints, from <paramref name="prefix"/> to its closing backquote or the end of the line.</summary>
    private static string Command(string output, string prefix)
    {
        int start = output.IndexOf(prefix, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new Xunit.Sdk.XunitException($"no `{prefix} …` in the output:\n{output}");
        }

        int end = output.IndexOfAny(['`', '\n', '\r'], start);
        return output[start..(end < 0 ? output.Length : end)].Trim();
    }

    private static string[] Arguments(string command) => command.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
}

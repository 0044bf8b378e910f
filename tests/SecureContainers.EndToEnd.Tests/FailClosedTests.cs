using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// Issue 9's contract in real publishes: a malformed setting is a coded error before anything is pushed or written, in
/// every destination, and one run reports every finding of a bad base at once.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class FailClosedTests
{
    private const string PrivateKey = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgE2eT0o7b9qK3sP1x\nq8Yc7mZ2v4cN6hR1wXyT5uJ3aLehRANCAAQ4p0bq3o5Zr2Y9vTn8XwKc1dE6fG7h\n-----END PRIVATE KEY-----\n";

    private static string[] Push(string repository, params string[] extra) =>
    [
        $"ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")}",
        $"ContainerRegistry={TestBed.Registry}",
        $"ContainerRepository={repository}",
        "ContainerImageTag=1.0",
        .. extra,
    ];

    private static string[] ScCodes(IEnumerable<string> codes) => codes.Where(c => c.StartsWith("SC", StringComparison.Ordinal)).Distinct().Order().ToArray();

    /// <summary>Each of these once passed a typo as "off" or failed only after "Pushed image".</summary>
    [Theory]
    [InlineData("SecureContainerSecretScan=ture", "SC1001")]
    [InlineData("SecureContainerSbomAttach=yes", "SC1001")]
    [InlineData("SecureContainerSbomIncludeBuildDependencies=yes", "SC1001")]
    [InlineData("SecureContainerEnabled=flase", "SC1001")]
    [InlineData("SecureContainerSbomSpecVersion=1.4", "SC5010")]
    [InlineData("SecureContainerSbomSpecVersion=9.9", "SC5010")]
    [InlineData("SecureContainerSourceDateEpoch=abc", "SC5006")]
    [InlineData("SecureContainerProfile=Strict", "SC1002")]
    [InlineData("SecureContainerMaxLayerEntries=0", "SC1004")]
    [InlineData("SecureContainerSigningKeyPasswordVariable=bad-name!", "SC6010")]
    public async Task MalformedSettingFailsWithItsCodeAndNothingIsPushed(string setting, string code)
    {
        string repository = "e2e/malformed-" + code.ToLowerInvariant() + "-" + Math.Abs(setting.GetHashCode(StringComparison.Ordinal));
        using SampleWorkspace sample = SampleWorkspace.Create("ConsoleWorker", repository.Replace('/', '-'));
        PublishResult result = await sample.PublishAsync(Push(repository, setting));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains(code, result.Errors);
        Assert.Contains(setting.Split('=')[0] is "SecureContainerSourceDateEpoch" ? "SOURCE_DATE_EPOCH" : setting.Split('=')[0], result.Output);
        Assert.DoesNotContain("Pushed image", result.Output, StringComparison.OrdinalIgnoreCase);
        Assert.False(await RegistryProbe.RepositoryExistsAsync(repository), $"{repository} has content in the registry");
        sample.Succeeded();
    }

    [Fact]
    public async Task MisspeltSecretScanSwitchStillFindsTheKeyInTheSameRun()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("ConsoleWorker", "malformed-secretscan-key");
        sample.WriteFile("deploy.pem", PrivateKey);
        sample.AddToProject("""<ItemGroup><None Include="deploy.pem" CopyToPublishDirectory="PreserveNewest" /></ItemGroup>""");
        PublishResult result = await sample.PublishAsync(Push("e2e/malformed-secretscan-key", "SecureContainerSecretScan=ture"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SC1001", result.Errors);
        Assert.Contains("SC7101", result.Errors);
        Assert.False(await RegistryProbe.RepositoryExistsAsync("e2e/malformed-secretscan-key"));
        sample.Succeeded();
    }

    [Fact]
    public async Task MalformedSettingWritesNoArchive()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("ConsoleWorker", "malformed-archive");
        string archive = Path.Combine(sample.Directory, "out", "image.tar.gz");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")}",
            $"ContainerArchiveOutputPath={archive}",
            "ContainerRepository=e2e/malformed-archive",
            "SecureContainerSbomSpecVersion=1.4",
        ]);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SC5010", result.Errors);
        Assert.False(File.Exists(archive));
        sample.Succeeded();
    }

    [Fact]
    public async Task MalformedSettingFailsAMultiRidPublishBeforeAnyPlatformIsPushed()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "malformed-multi");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("multi:10.0")}",
            $"ContainerRegistry={TestBed.Registry}",
            "ContainerRepository=e2e/malformed-multi",
            "ContainerImageTag=1.0",
            "RuntimeIdentifiers=\"linux-x64;win-x64\"",
            "SecureContainerSbomAttach=yes",
        ]);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SC1001", result.Errors);
        Assert.False(await RegistryProbe.RepositoryExistsAsync("e2e/malformed-multi"));
        sample.Succeeded();
    }

    /// <summary>
    /// Once four rounds of publish (SC6030, then SC4102, then the base findings, then the content findings): now one.
    /// </summary>
    [Fact]
    public async Task RestrictedFatRootBaseReportsEveryFindingInOneRun()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "all-findings");
        sample.WriteFile("deploy.pem", PrivateKey);
        sample.AddToProject("""<ItemGroup><None Include="deploy.pem" CopyToPublishDirectory="PreserveNewest" /></ItemGroup>""");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("fat:12")}",
            $"ContainerRegistry={TestBed.Registry}",
            "ContainerRepository=e2e/all-findings",
            "ContainerImageTag=latest",
            "SecureContainerProfile=Restricted",
        ]);

        Assert.False(result.Succeeded, result.ToString());
        string[] errors = ScCodes(result.Errors);
        // Root user, signing, latest only, digest, shell, package manager, setuid, sshd, port 22, the private key.
        foreach (string code in new[] { "SC2001", "SC6030", "SC6032", "SC4102", "SC4110", "SC4111", "SC4112", "SC4113", "SC7150", "SC7101" })
        {
            Assert.Contains(code, errors);
        }

        Assert.False(await RegistryProbe.RepositoryExistsAsync("e2e/all-findings"));
        // The check asked whether the repository takes pushes by opening an upload; the refused build cancelled it.
        Assert.Empty(RegistryProbe.OpenUploadSessions("e2e/all-findings"));
        sample.Succeeded();
    }
}

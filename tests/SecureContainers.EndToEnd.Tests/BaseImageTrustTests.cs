using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>Base image trust in real publishes: allowlist, digest pinning, minimal-image hygiene by profile, hostile layers.</summary>
[Collection(EndToEndCollection.Name)]
public class BaseImageTrustTests
{
    private static string[] Push(string baseImage, string repository, params string[] extra) =>
    [
        $"ContainerBaseImage={baseImage}",
        $"ContainerRegistry={TestBed.Registry}",
        $"ContainerRepository={repository}",
        "ContainerImageTag=1.0",
        .. extra,
    ];

    private static string[] ScCodes(IEnumerable<string> codes) => codes.Where(c => c.StartsWith("SC", StringComparison.Ordinal)).Order().ToArray();

    [Fact]
    public async Task UntrustedBaseFailsWithTheItemToAddAndPushesNothing()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "untrusted", trustTestBases: false);
        PublishResult result = await sample.PublishAsync(Push(TestBed.BaseImage("aspnet:10.0"), "e2e/untrusted"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal(["SC4101"], ScCodes(result.Errors));
        Assert.Contains($"<SecureContainerTrustedBaseImage Include=\"{TestBed.BaseImage("aspnet")}\" />", result.Output);
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/untrusted"));
        sample.Succeeded();
    }

    [Fact]
    public async Task RestrictedRefusesATagOnlyBaseWithThePinnedReference()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "restricted-tag");
        PublishResult result = await sample.PublishAsync(Push(TestBed.BaseImage("aspnet:10.0"), "e2e/restricted-tag", "SecureContainerProfile=Restricted", "SecureContainerRequireSigning=false"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal(["SC4102"], ScCodes(result.Errors));
        Assert.Contains($"<ContainerBaseImage>{Fixtures.Pinned("aspnet")}</ContainerBaseImage>", result.Output);
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/restricted-tag"));
        sample.Succeeded();
    }

    [Fact]
    public async Task RestrictedAcceptsAPinnedMinimalNonRootBaseAndCachesItsLayers()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "restricted-ok");
        string cache = Path.Combine(sample.Directory, "layer-cache");
        PublishResult result = await sample.PublishAsync(Push(Fixtures.Pinned("aspnet"), "e2e/restricted-ok", "SecureContainerProfile=Restricted", "SecureContainerRequireSigning=false", $"SecureContainerCacheDirectory={cache}"));

        Assert.True(result.Succeeded, result.ToString());
        // Signing was switched off for this test, so only its "unsigned" warning may remain: no base-image finding.
        Assert.DoesNotContain(ScCodes(result.Warnings), c => c.StartsWith("SC4", StringComparison.Ordinal) || c.StartsWith("SC2", StringComparison.Ordinal));
        Assert.Contains("1.0", await RegistryProbe.TagsAsync("e2e/restricted-ok"));
        foreach (var layer in Fixtures.Get("aspnet").GetProperty("layers").EnumerateArray())
        {
            string digest = layer.GetString()!;
            Assert.True(File.Exists(Path.Combine(cache, "sha256", digest["sha256:".Length..] + ".json")), $"layer {digest} was not cached");
        }

        sample.Succeeded();
    }

    /// <summary>
    /// The fat base's hygiene findings are warnings under Baseline. It also exposes port 22, which the port rule refuses in
    /// every profile (the SDK keeps a base image's exposed ports), so this base can never be published: the only error
    /// is that one.
    /// </summary>
    [Fact]
    public async Task FatBaseHygieneFindingsAreOneWarningEachUnderBaseline()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "fat-baseline");
        PublishResult result = await sample.PublishAsync(Push(TestBed.BaseImage("fat:12"), "e2e/fat-baseline", "ContainerUser=1654"));

        Assert.Equal(["SC4110", "SC4111", "SC4112", "SC4113"], ScCodes(result.Warnings).Intersect(["SC4110", "SC4111", "SC4112", "SC4113"]));
        foreach (string code in new[] { "SC4110", "SC4111", "SC4112", "SC4113" })
        {
            Assert.Single(result.Output.Split('\n'), l => l.Contains($"warning {code}:", StringComparison.Ordinal));
        }

        Assert.Contains("/usr/sbin/sshd", result.Output);
        Assert.Equal(["SC7150"], ScCodes(result.Errors));
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/fat-baseline"));
        sample.Succeeded();
    }

    [Fact]
    public async Task FatBaseFailsRestrictedWithOneErrorPerFindingAndPushesNothing()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "fat-restricted");
        PublishResult result = await sample.PublishAsync(Push(Fixtures.Pinned("fat"), "e2e/fat-restricted", "ContainerUser=1654", "SecureContainerProfile=Restricted", "SecureContainerRequireSigning=false"));

        Assert.False(result.Succeeded, result.ToString());
        string[] errors = ScCodes(result.Errors);
        Assert.Equal(["SC4110", "SC4111", "SC4112", "SC4113"], errors.Intersect(["SC4110", "SC4111", "SC4112", "SC4113"]));
        Assert.All(errors, c => Assert.True(c.StartsWith("SC411", StringComparison.Ordinal) || c == "SC7150", c));
        foreach (string code in errors)
        {
            Assert.Single(result.Output.Split('\n'), l => l.Contains($"error {code}:", StringComparison.Ordinal));
        }

        Assert.Empty(await RegistryProbe.TagsAsync("e2e/fat-restricted"));
        sample.Succeeded();
    }

    [Fact]
    public async Task FatBaseRunningAsRootIsRefusedInBothProfiles()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "fat-root");
        PublishResult result = await sample.PublishAsync(Push(TestBed.BaseImage("fat:12"), "e2e/fat-root"));

        // Every finding in one run: the root user and the base's port 22 together, not one per publish.
        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal(["SC2001", "SC7150"], ScCodes(result.Errors));
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/fat-root"));
        sample.Succeeded();
    }

    [Theory]
    [InlineData("hostile-traversal", "SC4002")]
    [InlineData("hostile-symlink", "SC4003")]
    [InlineData("hostile-hardlink", "SC4004")]
    [InlineData("hostile-truncated", "SC4005")]
    [InlineData("hostile-tartrunc", "SC4005")]
    [InlineData("hostile-digest", "SC4006")]
    [InlineData("hostile-bomb", "SC4007", "SecureContainerMaxLayerBytes=16777216")]
    [InlineData("hostile-entries", "SC4009", "SecureContainerMaxLayerEntries=10000")]
    public async Task HostileBaseLayersAreRefusedWithTheirCodeAndNothingIsPushed(string fixture, string code, params string[] extra)
    {
        string repository = $"e2e/{fixture}";
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", fixture);
        string cache = Path.Combine(sample.Directory, "layer-cache");
        PublishResult result = await sample.PublishAsync(Push(TestBed.BaseImage($"{fixture}:1"), repository, [$"SecureContainerCacheDirectory={cache}", .. extra]));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal([code], ScCodes(result.Errors));
        Assert.DoesNotContain("   at ", result.Output);
        Assert.Empty(await RegistryProbe.TagsAsync(repository));
        sample.Succeeded();
    }

    [Fact]
    public async Task BerkeleyDbRpmBaseWarnsThatItsPackagesAreNotRead()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "rpm-base");
        PublishResult result = await sample.PublishAsync(Push(TestBed.BaseImage("rpm:1"), "e2e/rpm-base"));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("SC4012", result.Warnings);
        sample.Succeeded();
    }

    [Theory]
    [InlineData("azurelinux")]
    [InlineData("azurelinux-distroless")]
    public async Task AzureLinuxBaseSbomListsExactlyThePackagesRpmQueryAllLists(string fixture)
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", fixture);
        PublishResult result = await sample.PublishAsync(Push(TestBed.BaseImage($"{fixture}:3.0"), $"e2e/{fixture}"));

        Assert.True(result.Succeeded, result.ToString());
        Assert.DoesNotContain("SC4012", result.Warnings);
        string sbomPath = Directory.GetFiles(Path.Combine(sample.Directory, "bin", "Release", "securecontainers"), "*.cdx.json").Single();
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(sbomPath));

        // The fixture's packages are `rpm -qa` on the rootfs the image was made from (eng/testbed/build-fixtures.sh).
        SortedSet<string> expected = new(Fixtures.Get(fixture).GetProperty("packages").EnumerateArray().Select(p => p.GetString()!), StringComparer.Ordinal);
        Assert.Equal(43, expected.Count);
        Assert.Equal(expected, SbomFacts.OsPackages(sbom, "rpm"));
        Assert.Contains("43 rpm packages", result.Output);
        sample.Succeeded();
    }

    [Fact]
    public async Task ApkBaseIsInventoriedAndItsBusyboxShellIsReported()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "apk-base");
        PublishResult result = await sample.PublishAsync(Push(TestBed.BaseImage("apk:1"), "e2e/apk-base"));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("4 apk packages", result.Output);
        Assert.Contains("SC4110", result.Warnings);
        Assert.Contains("/bin/sh -> /bin/busybox", result.Output);
        sample.Succeeded();
    }
}

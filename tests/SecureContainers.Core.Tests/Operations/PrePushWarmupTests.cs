using System.Net;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Operations;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Secrets;
using SecureContainers.Core.Tests.Layers;
using SecureContainers.Core.Tests.Vulnerabilities;
using SecureContainers.Core.Vulnerabilities;
using FakeRegistry = SecureContainers.TestUtilities.Registry.FakeRegistry;

namespace SecureContainers.Core.Tests.Operations;

/// <summary>
/// The check started ahead of time while the SDK compiles: it fills the build's caches and says nothing, and the check
/// proper that follows reports exactly what it would have reported alone, asking the registry for nothing it already has
/// (the base's tag only when the warm-up could not read it).
/// </summary>
public sealed class PrePushWarmupTests : IDisposable
{
    private readonly FakeRegistry _registry = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("sc-warmup-").FullName;

    private readonly FakeRegistry.FakeImage _base;

    public PrePushWarmupTests() =>
        _base = _registry.AddImage("base/aspnet", "10.0", new Platform("linux", "amd64"),
            layers: new TestLayer().Dir("etc").File("etc/passwd", "app:x:1654:1654::/:/x\n").Build().Bytes);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private PrePushRequest Request(IDiagnosticSink sink, IVulnerabilitySource advisories) => new()
    {
        Settings = SettingsReader.Read(new RawSettings
        {
            Properties = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { [SettingNames.CacheDirectory] = Path.Combine(_dir, "cache") },
            TrustedBaseImages = [new RawItem($"{_registry.Host}/base/*")],
        }, sink),
        BaseImage = ImageReference.Parse($"{_registry.Host}/base/aspnet:10.0"),
        RuntimeIdentifiers = ["linux-x64"],
        TargetImage = $"{_registry.Host}/app",
        PushTarget = (_registry.Host, "app"),
        Tags = ["1.0"],
        Libraries = VulnerabilityTestData.Closure(),
        VulnerabilitySource = advisories,
        Content = new SecretScanInput { PublishDirectory = Directory.CreateDirectory(Path.Combine(_dir, "publish")).FullName },
        SarifFile = Path.Combine(_dir, "out", "app.sarif"),
        GetEnvironmentVariable = _ => null,
    };

    private static string[] Codes(DiagnosticBag bag) => bag.Items.Select(d => $"{d.Severity}:{d.Code}").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task AfterTheWarmupTheCheckAsksTheRegistryNothingAndReportsWhatItWouldAlone()
    {
        // The check alone, for reference: its findings (the unpinned base, the advisories, the unsigned push).
        DiagnosticBag alone = new();
        PrePushResult aloneResult;
        using (RegistryClient fresh = new(_registry.Options()))
        {
            aloneResult = await new PrePushCheck(fresh, alone).RunAsync(Request(alone, new FixedVulnerabilitySource(VulnerabilityTestData.BothAdvisories)), CancellationToken.None);
        }

        File.Delete(Path.Combine(_dir, "out", "app.sarif"));
        _registry.Requests.Clear();
        FixedVulnerabilitySource feed = new(VulnerabilityTestData.BothAdvisories);
        MemoizedVulnerabilitySource advisories = new(feed);
        using RegistryClient client = new(_registry.Options());
        Digest? tagDigest;
        using (PrePushWarmup warmup = PrePushWarmup.Start(client, Request(new DiagnosticBag(), advisories)))
        {
            await warmup.Completion;
            tagDigest = warmup.BaseDigestFor(ImageReference.Parse($"{_registry.Host}/base/aspnet:10.0"));
        }

        Assert.Equal(_base.Digest, tagDigest);
        Assert.False(File.Exists(Path.Combine(_dir, "out", "app.sarif")));
        int before = _registry.Requests.Count;
        DiagnosticBag bag = new();
        PrePushResult result = await new PrePushCheck(client, bag).RunAsync(Request(bag, advisories) with { BaseTagDigest = tagDigest }, CancellationToken.None);

        Assert.Equal(Codes(alone), Codes(bag));
        Assert.Contains(bag.Items, d => d.Code == "SC7001");
        Assert.Equal(aloneResult.Passed, result.Passed);
        Assert.True(File.Exists(Path.Combine(_dir, "out", "app.sarif")));
        Assert.Empty(_registry.Requests.Skip(before));
        Assert.Equal(tagDigest, Assert.Single(result.Platforms).BaseImage.ReferenceDigest);
        Assert.Equal(1, _registry.CountRequests(r => r.Method == HttpMethod.Post));
        Assert.Single(feed.Requests);
    }

    [Fact]
    public async Task AWarmupThatMetAFailingRegistryLeavesNothingBehindForTheCheck()
    {
        bool failing = true;
        _registry.Intercept(r => Volatile.Read(ref failing) && r.RequestUri!.Host == _registry.Host ? FakeRegistry.Error(HttpStatusCode.ServiceUnavailable, "UNAVAILABLE") : null);
        MemoizedVulnerabilitySource advisories = new(new FixedVulnerabilitySource(VulnerabilityTestData.BothAdvisories));
        using RegistryClient client = new(_registry.Options());
        using (PrePushWarmup warmup = PrePushWarmup.Start(client, Request(new DiagnosticBag(), advisories)))
        {
            await warmup.Completion;
            Assert.Null(warmup.BaseDigestFor(ImageReference.Parse($"{_registry.Host}/base/aspnet:10.0")));
        }

        Volatile.Write(ref failing, false);
        DiagnosticBag bag = new();
        PrePushResult result = await new PrePushCheck(client, bag).RunAsync(Request(bag, advisories), CancellationToken.None);

        // Nothing of the outage was remembered: the probe and the base are asked again, and the base is read.
        Assert.DoesNotContain(bag.Items, d => d.Code is "SC3112" or "SC3103");
        Assert.Contains(bag.Items, d => d.Code == "SC4103");
        Assert.NotNull(Assert.Single(result.Platforms).Contents);
    }

    [Theory]
    [InlineData("both", true)]
    [InlineData("bundle", true)]
    [InlineData("legacy", false)]
    [InlineData(null, false)]
    public async Task TheWarmupLearnsWhetherTheRegistryListsReferrersOnlyWhenTheSigningWillAskIt(string? format, bool asks)
    {
        // The signing step lists the image's bundles (a statement this key signed already is not signed again). Learnt
        // ahead, a registry without the referrers API is read at its tag at once, without the API request and its 404.
        PrePushRequest request = Request(new DiagnosticBag(), new FixedVulnerabilitySource(VulnerabilityTestData.BothAdvisories));
        if (format is not null)
        {
            request = request with
            {
                Settings = SettingsReader.Read(new RawSettings
                {
                    Properties = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
                    {
                        [SettingNames.CacheDirectory] = Path.Combine(_dir, "cache"),
                        [SettingNames.SigningKey] = Path.Combine(_dir, "cosign.key"),
                        [SettingNames.SignatureFormat] = format,
                    },
                    TrustedBaseImages = [new RawItem($"{_registry.Host}/base/*")],
                }, new DiagnosticBag()),
            };
        }

        using RegistryClient client = new(_registry.Options());
        using (PrePushWarmup warmup = PrePushWarmup.Start(client, request))
        {
            await warmup.Completion;
        }

        static bool Api(FakeRegistry.RecordedRequest r) => r.Uri.AbsolutePath.Contains("/referrers/", StringComparison.Ordinal);
        Assert.Equal(asks ? 1 : 0, _registry.CountRequests(Api));
        await client.GetReferrersAsync(_registry.Host, "app", _base.Digest, null, CancellationToken.None);
        Assert.Equal(1, _registry.CountRequests(Api));
    }

    [Fact]
    public async Task TheTagsDigestIsHandedOnlyToACheckOfTheSameTagAfterTheRun()
    {
        using RegistryClient client = new(_registry.Options());
        using PrePushWarmup warmup = PrePushWarmup.Start(client, Request(new DiagnosticBag(), new FixedVulnerabilitySource(VulnerabilityTestData.BothAdvisories)));
        await warmup.Completion;
        Digest tagDigest = _base.Digest;

        Assert.Equal(tagDigest, warmup.BaseDigestFor(ImageReference.Parse($"{_registry.Host}/base/aspnet:10.0")));
        // The SDK settled on another base, or the base is pinned already: the check asks for itself.
        Assert.Null(warmup.BaseDigestFor(ImageReference.Parse($"{_registry.Host}/base/aspnet:10.0-noble")));
        Assert.Null(warmup.BaseDigestFor(ImageReference.Parse($"{_registry.Host}/base/runtime:10.0")));
        Assert.Null(warmup.BaseDigestFor(ImageReference.Parse($"{_registry.Host}/base/aspnet:10.0@{tagDigest}")));
        Assert.Null(warmup.BaseDigestFor(null));
    }
}

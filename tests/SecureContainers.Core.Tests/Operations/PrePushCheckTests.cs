using System.Security.Cryptography;
using System.Text.Json;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Operations;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Secrets;
using SecureContainers.Core.Tests.Layers;
using SecureContainers.Core.Tests.Vulnerabilities;
using FakeRegistry = SecureContainers.TestUtilities.Registry.FakeRegistry;

namespace SecureContainers.Core.Tests.Operations;

/// <summary>
/// The pre-push operation against an in-memory registry: one run reports every finding of every rule, whatever else
/// fails, decides once, and never writes to the registry.
/// </summary>
public sealed class PrePushCheckTests : IDisposable
{
    private static readonly UnixFileMode Executable = (UnixFileMode)0b111_101_101;
    private static readonly UnixFileMode SetUid = (UnixFileMode)0b100_111_101_101;

    private readonly FakeRegistry _registry = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("sc-prepush-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Cache => Path.Combine(_dir, "cache");

    /// <summary>A Debian-like base with a shell, a package manager, setuid binaries, sshd and a world-writable folder.</summary>
    private static byte[] FatLayer() =>
        new TestLayer()
            .Dir("bin").File("bin/dash", "elf", Executable).Symlink("bin/sh", "dash")
            .Dir("usr").Dir("usr/bin").File("usr/bin/apt", "elf", Executable)
            .File("usr/bin/passwd", "elf", SetUid).File("usr/bin/sudo", "elf", SetUid)
            .Dir("usr/sbin").File("usr/sbin/sshd", "elf", Executable)
            .Dir("srv").Dir("srv/shared", (UnixFileMode)0b111_111_111)
            .Dir("etc").File("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
            .Build().Bytes;

    /// <summary>A base with no User and no APP_UID (so it runs as root) that exposes 22/tcp.</summary>
    private Digest AddRootSshBase(string repository = "base/aspnet", string tag = "10.0")
    {
        byte[] config = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new Dictionary<string, object>
            {
                ["Env"] = new[] { "PATH=/usr/bin" },
                ["ExposedPorts"] = new Dictionary<string, object> { ["22/tcp"] = new { } },
            },
            ["rootfs"] = new { type = "layers", diff_ids = Array.Empty<string>() },
        });
        Descriptor configBlob = _registry.AddBlob(config, MediaTypes.OciConfigV1);
        Descriptor layer = _registry.AddBlob(FatLayer(), MediaTypes.OciLayerGzip);
        return _registry.AddManifest(repository, tag, FakeRegistry.ManifestJson(MediaTypes.OciManifestV1, configBlob, [layer]), MediaTypes.OciManifestV1);
    }

    private string PublishDirectoryWithPrivateKey()
    {
        string publish = Directory.CreateDirectory(Path.Combine(_dir, "publish")).FullName;
        File.WriteAllText(Path.Combine(publish, "app.dll"), "not really an assembly");
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(Path.Combine(publish, "signing.pem"), key.ExportPkcs8PrivateKeyPem());
        return publish;
    }

    private SecureContainerSettings Settings(IDiagnosticSink sink, params (string Name, string Value)[] properties)
    {
        Dictionary<string, string?> all = new(StringComparer.OrdinalIgnoreCase) { [SettingNames.CacheDirectory] = Cache };
        foreach ((string name, string value) in properties)
        {
            all[name] = value;
        }

        return SettingsReader.Read(new RawSettings { Properties = all, TrustedBaseImages = [new RawItem($"{_registry.Host}/base/*")] }, sink);
    }

    private PrePushRequest Request(SecureContainerSettings settings, string baseImage) => new()
    {
        Settings = settings,
        BaseImage = ImageReference.Parse(baseImage),
        RuntimeIdentifiers = ["linux-x64"],
        TargetImage = $"{_registry.Host}/app",
        Tags = ["latest"],
        GetEnvironmentVariable = _ => null,
    };

    private async Task<PrePushResult> RunAsync(PrePushRequest request, IDiagnosticSink sink)
    {
        using RegistryClient client = new(_registry.Options());
        return await new PrePushCheck(client, sink).RunAsync(request, CancellationToken.None);
    }

    private static string[] Errors(DiagnosticBag bag) =>
        bag.Items.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Code).Distinct().Order(StringComparer.Ordinal).ToArray();

    private int Writes() => _registry.CountRequests(r => r.Method != HttpMethod.Get && r.Method != HttpMethod.Head);

    [Fact]
    public async Task OneRunReportsEveryFindingOfEveryRuleAndNothingIsWritten()
    {
        DiagnosticBag bag = new();
        AddRootSshBase();
        SecureContainerSettings settings = Settings(bag, (SettingNames.Profile, "Restricted"));
        PrePushRequest request = Request(settings, $"{_registry.Host}/base/aspnet:10.0") with
        {
            Content = new SecretScanInput { PublishDirectory = PublishDirectoryWithPrivateKey() },
            Libraries = VulnerabilityTestData.Closure(),
            VulnerabilitySource = new FixedVulnerabilitySource(VulnerabilityTestData.BothAdvisories),
        };

        PrePushResult result = await RunAsync(request, bag);

        Assert.False(result.Passed);
        Assert.Equal(
            [
                "SC2001", // root: no User, no APP_UID
                "SC4102", // base by tag under Restricted
                "SC4110", "SC4111", "SC4112", "SC4113", "SC4114", "SC4115", // shell, package manager, setuid, sshd, sudo, world-writable
                "SC6030", // Restricted requires a signing key
                "SC6032", // latest is the only tag
                "SC7001", // known-vulnerable packages
                "SC7101", // a PEM private key in the publish output
                "SC7150", // EXPOSE 22 from the base
            ],
            Errors(bag));
        Assert.Contains(bag.Items, d => d.Code == "SC7150" && d.Message.Contains("base image", StringComparison.Ordinal));
        Assert.Contains(bag.Items, d => d.Code == "SC7101" && d.Message.Contains("signing.pem", StringComparison.Ordinal));
        Assert.Equal(0, Writes());
    }

    [Fact]
    public async Task ThePublishFolderIsScannedWhileTheBaseIsStillBeingRead()
    {
        // The base's tag answers only after two seconds, and the key leaves the publish folder just before: a scan that
        // waited for the base finds nothing, one that ran meanwhile (on the idle core, as it does now) found the key.
        DiagnosticBag bag = new();
        AddRootSshBase();
        string publish = PublishDirectoryWithPrivateKey();
        _registry.Intercept(r =>
        {
            if (r.RequestUri!.AbsolutePath == "/v2/base/aspnet/manifests/10.0")
            {
                Thread.Sleep(TimeSpan.FromSeconds(2));
                File.Delete(Path.Combine(publish, "signing.pem"));
            }

            return null;
        });

        await RunAsync(Request(Settings(bag), $"{_registry.Host}/base/aspnet:10.0") with { Content = new SecretScanInput { PublishDirectory = publish } }, bag);

        Assert.False(File.Exists(Path.Combine(publish, "signing.pem")));
        Assert.Contains(bag.Items, d => d.Code == "SC7101" && d.Message.Contains("signing.pem", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSameBaseUnderBaselineWarnsOnHygieneButStillRefusesRootSshAndTheKey()
    {
        DiagnosticBag bag = new();
        AddRootSshBase();
        PrePushRequest request = Request(Settings(bag), $"{_registry.Host}/base/aspnet:10.0") with
        {
            Content = new SecretScanInput { PublishDirectory = PublishDirectoryWithPrivateKey() },
        };

        PrePushResult result = await RunAsync(request, bag);

        Assert.False(result.Passed);
        Assert.Equal(["SC2001", "SC7101", "SC7150"], Errors(bag));
        string[] warnings = bag.Items.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.Code).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["SC4110", "SC4111", "SC4112", "SC4113", "SC4114", "SC4115", "SC6031"], warnings);
        Assert.Contains(bag.Items, d => d.Code == "SC4103");
    }

    [Fact]
    public async Task MalformedSettingsAndAnUnreachableBaseStillReportTheSettingsErrorsAndTheContentFindings()
    {
        DiagnosticBag bag = new();
        SecureContainerSettings settings = Settings(bag, (SettingNames.Profile, "Strict"), (SettingNames.SecretScan, "ture"), (SettingNames.MaxLayerBytes, "x"));
        PrePushRequest request = Request(settings, "unreachable.test/base/aspnet:10.0") with
        {
            Tags = ["1.0"],
            Content = new SecretScanInput { PublishDirectory = PublishDirectoryWithPrivateKey() },
            Ports = ["22/tcp"],
        };

        PrePushResult result = await RunAsync(request, bag);

        Assert.False(result.Passed);
        Assert.Empty(result.Platforms);
        Assert.Equal(["SC1001", "SC1002", "SC1004", "SC3101", "SC7101", "SC7150"], Errors(bag));
        Assert.Contains(bag.Items, d => d.Code == "SC3101" && d.Message.Contains("unreachable.test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MalformedSettingsAloneFailTheCheck()
    {
        // The front end reads the settings and runs the check with the same sink; Passed must not say "push" either way.
        DiagnosticBag bag = new();
        _registry.AddImage("base/aspnet", "10.0", new Platform("linux", "amd64"), layers: new TestLayer().Dir("etc").File("etc/passwd", "app:x:1654:1654::/:/x\n").Build().Bytes);
        SecureContainerSettings settings = Settings(bag, (SettingNames.AllowRoot, "ture"));
        PrePushRequest request = Request(settings, $"{_registry.Host}/base/aspnet:10.0") with { Tags = ["1.0"], Destination = ImageDestination.Archive };

        PrePushResult result = await RunAsync(request, bag);

        Assert.Equal(["SC1001"], Errors(bag));
        Assert.False(result.Passed);
    }

    [Fact]
    public async Task MissingAssetsFileIsSC5001BeforeAnythingIsPushed()
    {
        DiagnosticBag bag = new();
        _registry.AddImage("base/aspnet", "10.0", new Platform("linux", "amd64"), layers: new TestLayer().Dir("etc").File("etc/passwd", "app:x:1654:1654::/:/x\n").Build().Bytes);
        PrePushRequest request = Request(Settings(bag), $"{_registry.Host}/base/aspnet:10.0") with
        {
            Tags = ["1.0"],
            Assets = new ProjectAssets(Path.Combine(_dir, "obj", "project.assets.json"), "net10.0", []),
        };

        PrePushResult result = await RunAsync(request, bag);

        Assert.False(result.Passed);
        Assert.Equal(["SC5001"], Errors(bag));
        Assert.Empty(result.Closures);
        Assert.Equal(0, Writes());
    }

    [Fact]
    public async Task ASigningKeyWithAnArchiveDestinationWarnsSC6034AndPasses()
    {
        DiagnosticBag bag = new();
        _registry.AddImage("base/aspnet", "10.0", new Platform("linux", "amd64"), layers: new TestLayer().Dir("etc").File("etc/passwd", "app:x:1654:1654::/:/x\n").Build().Bytes);
        string keyFile = Path.Combine(_dir, "signing.key");
        using (ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        }

        PrePushRequest request = Request(Settings(bag, (SettingNames.SigningKey, keyFile)), $"{_registry.Host}/base/aspnet:10.0") with
        {
            Tags = ["1.0"],
            Destination = ImageDestination.Archive,
        };

        PrePushResult result = await RunAsync(request, bag);

        Assert.True(result.Passed, string.Join("\n", bag.Items));
        Diagnostic warning = Assert.Single(bag.Items, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Equal("SC6034", warning.Code);
        Assert.Contains("ContainerArchiveOutputPath", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APlatformCheckLeavesTagsAndSigningToTheOuterBuild()
    {
        DiagnosticBag bag = new();
        _registry.AddImage("base/aspnet", "10.0", new Platform("linux", "amd64"), layers: new TestLayer().Dir("etc").File("etc/passwd", "app:x:1654:1654::/:/x\n").Build().Bytes);
        PrePushRequest request = Request(Settings(bag, (SettingNames.Profile, "Restricted")), $"{_registry.Host}/base/aspnet:10.0") with { Scope = CheckScope.Platform };

        PrePushResult result = await RunAsync(request, bag);

        // Only the base's own finding: the outer build reported the latest-only tag and the missing key once for all platforms.
        Assert.Equal(["SC4102"], Errors(bag));
        Assert.False(result.Passed);
    }

    [Fact]
    public async Task ARepositoryThatRefusesThePushCredentialsFailsTheCheckBeforeAnythingIsPushed()
    {
        _registry.AddImage("base/aspnet", "10.0", new Platform("linux", "amd64"));
        _registry.RequireBearer();
        _registry.PushCredentials = ("release-bot", "secret");
        DiagnosticBag bag = new();

        PrePushResult result = await RunAsync(Request(Settings(bag), $"{_registry.Host}/base/aspnet:10.0") with { PushTarget = (_registry.Host, "app") }, bag);

        Assert.False(result.Passed);
        Assert.Contains("SC3112", Errors(bag));
        Assert.Equal(0, _registry.CountRequests(r => r.Method == HttpMethod.Put));
    }

    [Fact]
    public async Task ThePushProbePushesNothingAndItsUnusedUploadIsCancelled()
    {
        _registry.AddImage("base/aspnet", "10.0", new Platform("linux", "amd64"));
        DiagnosticBag bag = new();

        // RunAsync disposes its client, as a build's end does: nothing took over the probe's session.
        PrePushResult result = await RunAsync(Request(Settings(bag), $"{_registry.Host}/base/aspnet:10.0") with { PushTarget = (_registry.Host, "app") }, bag);

        Assert.True(result.Passed, string.Join("\n", bag.Items));
        Assert.Equal(1, _registry.CountRequests(r => r.Method == HttpMethod.Post));
        Assert.Equal((1, 0), (_registry.CancelledUploads, _registry.OpenUploads));
        Assert.Equal(0, _registry.CountRequests(r => r.Method == HttpMethod.Put));
    }

    [Fact]
    public async Task AKeylessSigningBuildIsProbedLikeOneWithAKey()
    {
        _registry.AddImage("base/aspnet", "10.0", new Platform("linux", "amd64"));
        DiagnosticBag bag = new();

        await RunAsync(Request(Settings(bag, (SettingNames.SbomAttach, "false"), (SettingNames.SigningMode, "keyless")), $"{_registry.Host}/base/aspnet:10.0") with { PushTarget = (_registry.Host, "app") }, bag);

        Assert.Equal(1, _registry.CountRequests(r => r.Method == HttpMethod.Post));
    }

    [Fact]
    public async Task NoProbeWhenNoEvidenceFollowsThePush()
    {
        _registry.AddImage("base/aspnet", "10.0", new Platform("linux", "amd64"));
        DiagnosticBag bag = new();

        await RunAsync(Request(Settings(bag, (SettingNames.SbomAttach, "false")), $"{_registry.Host}/base/aspnet:10.0") with { PushTarget = (_registry.Host, "app") }, bag);

        Assert.Equal(0, Writes());
    }
}

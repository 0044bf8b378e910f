using System.Runtime.CompilerServices;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.NuGet;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Sarif;
using SecureContainers.Core.Secrets;
using RegistryFake = SecureContainers.TestUtilities.Registry.FakeRegistry;

namespace SecureContainers.Core.Tests.Layers;

/// <summary>The app side of a built image: *.deps.json and secrets read from its layers in the scan's single pass.</summary>
public sealed class ImageApplicationInspectorTests : IDisposable
{
    private const string SecretValue = "Sup3r-Secret-Value-42";
    private static readonly Platform Amd64 = new("linux", "amd64");
    private static readonly byte[] AppDepsJson = File.ReadAllBytes(TestDataPath("app3.publish.deps.json"));

    private readonly string _cache = Directory.CreateTempSubdirectory("sc-app-scan-cache-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private static TestLayer BaseLayer() =>
        new TestLayer().Dir("etc").File("etc/passwd", "root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1654:1654::/home/app:/usr/sbin/nologin\n")
            .Dir("usr").Dir("usr/share").Dir("usr/share/dotnet").Dir("usr/share/dotnet/shared").Dir("usr/share/dotnet/shared/Microsoft.NETCore.App")
            .Dir("usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12")
            .File("usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/Microsoft.NETCore.App.deps.json", """
                {"runtimeTarget":{"name":".NETCoreApp,Version=v10.0/linux-x64"},"targets":{".NETCoreApp,Version=v10.0/linux-x64":{
                  "Microsoft.NETCore.App.Runtime.linux-x64/10.0.12":{"runtime":{"System.Private.CoreLib.dll":{}}}}},
                 "libraries":{"Microsoft.NETCore.App.Runtime.linux-x64/10.0.12":{"type":"package","serviceable":true,"sha512":""}}}
                """)
            // A test key an OS package might ship: the base's business, not the app's.
            .Dir("etc/ssl").Dir("etc/ssl/private").File("etc/ssl/private/test.pem", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n");

    private static TestLayer AppLayer() =>
        new TestLayer().Dir("app")
            .File("app/app.deps.json", AppDepsJson)
            .File("app/app.dll", "MZ not scanned: binary by name")
            .File("app/appsettings.json", "{\n  \"Logging\": { \"LogLevel\": \"Information\" },\n  \"Db\": {\n    \"Password\": \"" + SecretValue + "\"\n  }\n}\n");

    private async Task<ImageApplicationContents> ScanAsync(ImageApplicationScanOptions options, params TestLayer[] layers)
    {
        Blob[] blobs = layers.Select(l => l.Build()).ToArray();
        return await ImageApplicationInspector.ScanAsync(
            new LayerScanner(LayerScanLimits.Default, new LayerScanCache(_cache)), blobs.Select(b => b.Ref).ToArray(), new FakeRegistry(blobs).Open,
            options, CancellationToken.None);
    }

    [Fact]
    public async Task AppLayerYieldsItsLibrariesAndItsSecretAtTheInImagePathNeverTheValue()
    {
        using RegistryClient client = new(_registry.Options());
        ResolvedImage image = await client.ResolveAsync(ImageReference.Parse($"{_registry.Host}/team/app:1.0"), Amd64, CancellationToken.None);

        ImageApplicationContents contents = await ImageApplicationInspector.InspectAsync(
            client, new LayerScanner(LayerScanLimits.Default, new LayerScanCache(_cache)), image, new ImageApplicationScanOptions { FirstApplicationLayer = 1 }, CancellationToken.None);

        DepsJsonFile app = Assert.Single(contents.Applications);
        Assert.Equal("/app/app.deps.json", app.Path);
        Assert.Equal(["Newtonsoft.Json/13.0.3", "System.CommandLine/2.0.0", "lib/1.0.0"], contents.Libraries.Select(l => $"{l.Id}/{l.Version}"));
        Assert.Equal(2, contents.DepsJsonFiles.Count);

        SecretFinding finding = Assert.Single(contents.Secrets.Findings);
        Assert.Equal(("SC7120", SecretLocationKind.ImageFile, "/app/appsettings.json", 4), (finding.Code, finding.Location.Kind, finding.Location.Name, finding.Location.Line));

        SecretScanResult scan = SecretScanner.Scan(new SecretScanInput { ImageFiles = contents.Secrets });
        Diagnostic diagnostic = Assert.Single(scan.Diagnostics);
        Assert.Contains("'/app/appsettings.json' line 4", diagnostic.Message);
        string sarif = SarifTestText(scan);
        foreach (string text in new[] { diagnostic.Message, diagnostic.CliMessage, finding.ToString(), sarif })
        {
            Assert.DoesNotContain(SecretValue, text);
        }

        Assert.Contains("\"IMAGEROOT\"", sarif);
        Assert.Contains("app/appsettings.json", sarif);
    }

    [Fact]
    public async Task BaseLayersAreNotScannedForSecretsButEveryLayerIsWhenTheBaseIsUnknown()
    {
        ImageApplicationContents withBase = await ScanAsync(new() { FirstApplicationLayer = 1 }, BaseLayer(), AppLayer());
        ImageApplicationContents whole = await ScanAsync(new(), BaseLayer(), AppLayer());

        Assert.DoesNotContain(withBase.Secrets.Findings, f => f.Location.Name.StartsWith("/etc/", StringComparison.Ordinal));
        Assert.Contains(whole.Secrets.Findings, f => f.Code == "SC7101" && f.Location.Name == "/etc/ssl/private/test.pem");
    }

    [Fact]
    public async Task SharedFrameworkManifestIsReadButIsNotAnApplication()
    {
        ImageApplicationContents contents = await ScanAsync(new() { ScanSecrets = false }, BaseLayer(), AppLayer());

        Assert.Equal(["/app/app.deps.json", "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/Microsoft.NETCore.App.deps.json"], contents.DepsJsonFiles.Select(f => f.Path));
        Assert.DoesNotContain(contents.Libraries, l => l.Id.StartsWith("Microsoft.NETCore.App", StringComparison.Ordinal));
        Assert.Empty(contents.Secrets.Findings);
    }

    [Fact]
    public async Task DeletedOrReplacedManifestsFollowTheFinalTree()
    {
        TestLayer upper = new TestLayer().Dir("app").Whiteout("app/app.deps.json")
            .Dir("srv").File("srv/other.deps.json", AppDepsJson);
        TestLayer replaced = new TestLayer().Dir("srv").Symlink("srv/other.deps.json", "/dev/null");

        ImageApplicationContents deleted = await ScanAsync(new(), BaseLayer(), AppLayer(), upper);
        ImageApplicationContents none = await ScanAsync(new(), BaseLayer(), AppLayer(), upper, replaced);

        Assert.Equal(["/srv/other.deps.json"], deleted.Applications.Select(a => a.Path));
        Assert.Empty(none.Applications);
    }

    [Fact]
    public async Task TheSamePackagesInTwoAppsAreListedOnce()
    {
        TestLayer second = new TestLayer().Dir("tools").File("tools/app.deps.json", AppDepsJson);

        ImageApplicationContents contents = await ScanAsync(new(), AppLayer(), second);

        Assert.Equal(2, contents.Applications.Count());
        Assert.Equal(3, contents.Libraries.Count);
    }

    [Fact]
    public async Task GitFolderIsOneFindingAndNothingUnderItIsRead()
    {
        TestLayer layer = new TestLayer().Dir("app").File("app/.git/config", "[remote]\n url = https://user:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x\n")
            .File("app/.git/HEAD", "ref: refs/heads/main\n").Dir("app/.git/objects");

        ImageApplicationContents contents = await ScanAsync(new(), layer);

        SecretFinding finding = Assert.Single(contents.Secrets.Findings);
        Assert.Equal(("SC7104", "/app/.git"), (finding.Code, finding.Location.Name));
    }

    [Fact]
    public async Task NameRulesApplyToFilesAndLinksContentRulesCapTheBytesRead()
    {
        TestLayer layer = new TestLayer().Dir("app").File("app/cert.pfx", [0, 1, 2]).Symlink("app/id_rsa", "/dev/null")
            .File("app/big.txt", new string('a', 2000) + "\nghp_abcdefghijklmnopqrstuvwxyz0123456789\n");

        ImageApplicationContents contents = await ScanAsync(new() { MaxSecretContentBytesPerFile = 1000 }, layer);

        Assert.Equal(["SC7102 /app/cert.pfx", "SC7103 /app/id_rsa"], contents.Secrets.Findings.Select(f => $"{f.Code} {f.Location.Name}").Order(StringComparer.Ordinal));
        Assert.Equal("SC7133", Assert.Single(contents.Secrets.Diagnostics).Code);
    }

    [Fact]
    public async Task ExclusionsMatchInImagePathsWithOrWithoutTheLeadingSlash()
    {
        ImageApplicationContents contents = await ScanAsync(new(), AppLayer());

        foreach (string pattern in new[] { "/app/appsettings.json", "app/appsettings.json", "appsettings.json", "app/" })
        {
            SecretScanResult scan = SecretScanner.Scan(new SecretScanInput { ImageFiles = contents.Secrets },
                new SecretScanOptions { Exclusions = [new SecretScanExclusion(pattern, null, "test fixture")] });
            Assert.True(Assert.Single(scan.Findings).IsSuppressed, pattern);
        }
    }

    [Fact]
    public async Task BaseLayerComesFromTheCacheAppLayerIsAlwaysReadAndCachedWithoutContent()
    {
        Blob[] blobs = [BaseLayer().Build(), AppLayer().Build()];
        var registry = new FakeRegistry(blobs);
        var scanner = new LayerScanner(LayerScanLimits.Default, new LayerScanCache(_cache));
        await scanner.ScanAsync(blobs.Select(b => b.Ref).ToArray(), registry.Open, CancellationToken.None);
        int afterWarmUp = registry.Opens;

        ImageApplicationContents contents = await ImageApplicationInspector.ScanAsync(scanner, blobs.Select(b => b.Ref).ToArray(), registry.Open,
            new ImageApplicationScanOptions { FirstApplicationLayer = 1, FirstDepsJsonLayer = 1 }, CancellationToken.None);

        Assert.Equal(afterWarmUp + 1, registry.Opens);
        Assert.Single(contents.Secrets.Findings);
        string cached = File.ReadAllText(new LayerScanCache(_cache).GetPath(blobs[1].Ref.Digest));
        Assert.DoesNotContain(SecretValue, cached);
        Assert.NotNull(await new LayerScanCache(_cache).TryGetAsync(blobs[1].Ref.Digest, CancellationToken.None));
    }

    [Fact]
    public async Task ManifestOverTheCapIsRefusedOnlyWhenItStaysInTheImage()
    {
        byte[] huge = new byte[DepsJsonReader.MaxBytes + 1];
        TestLayer big = new TestLayer().Dir("app").File("app/big.deps.json", huge);
        TestLayer removed = new TestLayer().Dir("app").Whiteout("app/big.deps.json");

        string code = await Scan.FailureCode(() => ScanAsync(new() { ScanSecrets = false }, big));
        ImageApplicationContents contents = await ScanAsync(new() { ScanSecrets = false }, big, removed);

        Assert.Equal("SC5012", code);
        Assert.Empty(contents.DepsJsonFiles);
    }

    [Fact]
    public async Task MalformedAppManifestIsSC5011WithItsInImagePath()
    {
        TestLayer layer = new TestLayer().Dir("app").File("app/app.deps.json", "{ \"targets\": ");

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() => ScanAsync(new(), layer));

        Assert.Equal("SC5011", e.Diagnostic.Code);
        Assert.Contains("'/app/app.deps.json'", e.Diagnostic.Message);
    }

    [Fact]
    public async Task HostileLayerIsRefusedAsByTheBaseScan()
    {
        TestLayer layer = new TestLayer().File("../escape.deps.json", AppDepsJson);

        Assert.Equal("SC4002", await Scan.FailureCode(() => ScanAsync(new(), layer)));
    }

    private readonly RegistryFake _registry = CreateRegistry();

    private static RegistryFake CreateRegistry()
    {
        var registry = new RegistryFake();
        registry.AddImage("team/app", "1.0", Amd64, layers: [BaseLayer().Build().Bytes, AppLayer().Build().Bytes]);
        return registry;
    }

    private static string SarifTestText(SecretScanResult scan)
    {
        return System.Text.Encoding.UTF8.GetString(SarifWriter.Write(SecretSarif.ToRun(scan, new SarifTool("securecontainers", "0.0.0"))));
    }

    private static string TestDataPath(string fileName, [CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "Sbom", "TestData", fileName);
}

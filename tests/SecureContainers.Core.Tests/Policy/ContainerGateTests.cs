using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Policy;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Tests.Layers;
using FakeRegistry = SecureContainers.TestUtilities.Registry.FakeRegistry;

namespace SecureContainers.Core.Tests.Policy;

/// <summary>The gate over an in-memory registry: what it reads, what it reports, and that it decides per platform.</summary>
public sealed class ContainerGateTests : IDisposable
{
    private static readonly Platform Amd64 = new("linux", "amd64");
    private static readonly UnixFileMode SetUid = (UnixFileMode)0b100_111_101_101;
    private static readonly UnixFileMode WorldWritable = (UnixFileMode)0b111_111_111;
    private static readonly UnixFileMode StickyWorldWritable = (UnixFileMode)0b001_111_111_111;

    private readonly FakeRegistry _registry = new();
    private readonly string _cache = Directory.CreateTempSubdirectory("sc-gate-cache-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private static byte[] MinimalLayer(string passwd = "app:x:1654:1654::/home/app:/usr/sbin/nologin\n") =>
        new TestLayer().Dir("etc").File("etc/passwd", "root:x:0:0:root:/root:/usr/sbin/nologin\n" + passwd).Dir("app")
            .Dir("tmp", StickyWorldWritable).Dir("var").Dir("var/lock", StickyWorldWritable).Build().Bytes;

    private static byte[] FatLayer() =>
        new TestLayer()
            .Dir("bin").File("bin/dash", "elf", (UnixFileMode)0b111_101_101).Symlink("bin/sh", "dash")
            .Dir("usr").Dir("usr/bin").File("usr/bin/apt", "elf", (UnixFileMode)0b111_101_101)
            .File("usr/bin/passwd", "elf", SetUid).File("usr/bin/sudo", "elf", SetUid)
            .Dir("usr/sbin").File("usr/sbin/sshd", "elf", (UnixFileMode)0b111_101_101)
            .Dir("srv").Dir("srv/shared", WorldWritable)
            .Dir("etc").File("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
            .Build().Bytes;

    private GateRequest Request(string tag = "10.0", string? user = null, string profile = "Baseline", bool trusted = true, params string[] rids) => new()
    {
        BaseImage = ImageReference.Parse($"{_registry.Host}/base/aspnet:{tag}"),
        RuntimeIdentifiers = rids.Length == 0 ? ["linux-x64"] : rids,
        TargetImage = "localhost:5000/app",
        ContainerUser = user,
        Options = PolicyOptions.Resolve(profile, null, null, null, null, null, trusted ? [$"{_registry.Host}/base/*"] : [], new DiagnosticBag()),
    };

    private async Task<(IReadOnlyList<PlatformGateResult> Results, DiagnosticBag Diagnostics)> RunAsync(GateRequest request)
    {
        DiagnosticBag bag = new();
        using RegistryClient client = new(_registry.Options());
        ContainerGate gate = new(client, new LayerScanner(LayerScanLimits.Default, new LayerScanCache(_cache)), bag);
        return (await gate.RunAsync(request, CancellationToken.None), bag);
    }

    private static string[] Codes(DiagnosticBag bag, DiagnosticSeverity severity) =>
        bag.Items.Where(d => d.Severity == severity).Select(d => d.Code).Order().ToArray();

    private int LayerReads(FakeRegistry.FakeImage image) =>
        _registry.CountRequests(r => image.Layers.Any(l => r.Uri.AbsolutePath.EndsWith(l.Digest.ToString(), StringComparison.Ordinal)));

    [Fact]
    public async Task TrustedMinimalNonRootBasePassesWithThePinnedReferenceAsAdvice()
    {
        FakeRegistry.FakeImage image = _registry.AddImage("base/aspnet", "10.0", Amd64, layers: MinimalLayer());
        (IReadOnlyList<PlatformGateResult> results, DiagnosticBag bag) = await RunAsync(Request());

        Assert.Empty(Codes(bag, DiagnosticSeverity.Error));
        Assert.Empty(Codes(bag, DiagnosticSeverity.Warning));
        Diagnostic advice = Assert.Single(bag.Items);
        Assert.Equal("SC4103", advice.Code);
        Assert.Contains($"base/aspnet:10.0@{image.Digest}", advice.Message);
        Assert.Equal(image.Digest, Assert.Single(results).BaseImage.ManifestDigest);
    }

    [Fact]
    public async Task UntrustedBaseFailsWithTheLineToAddAndItsLayersAreNeverRead()
    {
        FakeRegistry.FakeImage image = _registry.AddImage("base/aspnet", "10.0", Amd64, layers: MinimalLayer());
        (_, DiagnosticBag bag) = await RunAsync(Request(trusted: false));

        Diagnostic error = Assert.Single(bag.Items, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("SC4101", error.Code);
        Assert.Contains($"<SecureContainerTrustedBaseImage Include=\"{_registry.Host}/base/aspnet\" />", error.Message);
        Assert.Equal(0, LayerReads(image));
    }

    [Fact]
    public async Task RestrictedRefusesATagOnlyBaseAndShowsThePinnedReference()
    {
        FakeRegistry.FakeImage image = _registry.AddImage("base/aspnet", "10.0", Amd64, layers: MinimalLayer());
        (_, DiagnosticBag bag) = await RunAsync(Request(profile: "Restricted"));

        Diagnostic error = Assert.Single(bag.Items, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("SC4102", error.Code);
        Assert.Contains($"<ContainerBaseImage>{_registry.Host}/base/aspnet:10.0@{image.Digest}</ContainerBaseImage>", error.Message);
    }

    [Fact]
    public async Task RestrictedAcceptsADigestPinnedMinimalBase()
    {
        FakeRegistry.FakeImage image = _registry.AddImage("base/aspnet", "10.0", Amd64, layers: MinimalLayer());
        GateRequest request = Request(profile: "Restricted") with { BaseImage = ImageReference.Parse($"{_registry.Host}/base/aspnet:10.0@{image.Digest}") };
        (_, DiagnosticBag bag) = await RunAsync(request);
        Assert.Empty(bag.Items);
    }

    [Fact]
    public async Task FatBaseWarnsOncePerKindUnderBaseline()
    {
        _registry.AddImage("base/aspnet", "10.0", Amd64, layers: FatLayer());
        (_, DiagnosticBag bag) = await RunAsync(Request(user: "1654"));

        Assert.Empty(Codes(bag, DiagnosticSeverity.Error));
        Assert.Equal(["SC4110", "SC4111", "SC4112", "SC4113", "SC4114", "SC4115"], Codes(bag, DiagnosticSeverity.Warning));
        Assert.Contains("/usr/bin/passwd", bag.Items.Single(d => d.Code == "SC4112").Message);
        Assert.Contains("/srv/shared", bag.Items.Single(d => d.Code == "SC4115").Message);
    }

    [Fact]
    public async Task FatBaseFailsRestrictedWithTheSameFindingsAsErrors()
    {
        FakeRegistry.FakeImage image = _registry.AddImage("base/aspnet", "10.0", Amd64, layers: FatLayer());
        GateRequest request = Request(user: "1654", profile: "Restricted") with { BaseImage = ImageReference.Parse($"{_registry.Host}/base/aspnet@{image.Digest}") };
        (_, DiagnosticBag bag) = await RunAsync(request);

        Assert.Equal(["SC4110", "SC4111", "SC4112", "SC4113", "SC4114", "SC4115"], Codes(bag, DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task MalformedDebianCopyrightsAreOneMessageThatDoesNotFailRestricted()
    {
        byte[] layer = new TestLayer().Dir("etc").File("etc/passwd", "root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1654:1654::/home/app:/usr/sbin/nologin\n")
            .Dir("var/lib/dpkg/status.d").File("var/lib/dpkg/status.d/a", "Package: a\nVersion: 1\n").File("var/lib/dpkg/status.d/b", "Package: b\nVersion: 1\n")
            .Dir("usr/share/doc/a").File("usr/share/doc/a/copyright", "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2 or\n")
            .Dir("usr/share/doc/b").File("usr/share/doc/b/copyright", "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nCopyright: X\n")
            .Build().Bytes;
        FakeRegistry.FakeImage image = _registry.AddImage("base/aspnet", "10.0", Amd64, layers: layer);
        GateRequest request = Request(profile: "Restricted") with { BaseImage = ImageReference.Parse($"{_registry.Host}/base/aspnet:10.0@{image.Digest}") };

        (_, DiagnosticBag bag) = await RunAsync(request);

        Assert.Empty(Codes(bag, DiagnosticSeverity.Error));
        Assert.Empty(Codes(bag, DiagnosticSeverity.Warning));
        Diagnostic message = Assert.Single(bag.Items, d => d.Code == "SC4037");
        Assert.Equal(DiagnosticSeverity.Message, message.Severity);
        Assert.Contains("a (/usr/share/doc/a/copyright", message.Message, StringComparison.Ordinal);
        Assert.Contains("b (/usr/share/doc/b/copyright", message.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserNamesAreMappedThroughTheBaseImagesPasswd()
    {
        _registry.AddImage("base/aspnet", "10.0", Amd64, layers: MinimalLayer("app:x:1654:1654::/:/x\ntoor:x:0:0::/:/x\n"));
        (_, DiagnosticBag named) = await RunAsync(Request(user: "app"));
        Assert.Equal(["SC2004"], Codes(named, DiagnosticSeverity.Warning));

        (_, DiagnosticBag root) = await RunAsync(Request(user: "toor"));
        Assert.Equal(["SC2002"], Codes(root, DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task SecondGateReadsNoLayerBytes()
    {
        FakeRegistry.FakeImage image = _registry.AddImage("base/aspnet", "10.0", Amd64, layers: MinimalLayer());
        await RunAsync(Request());
        int first = LayerReads(image);
        await RunAsync(Request());

        Assert.Equal(1, first);
        Assert.Equal(first, LayerReads(image));
    }

    [Fact]
    public async Task TagIsResolvedOnceForAllPlatforms()
    {
        FakeRegistry.FakeImage linux = _registry.AddImage("base/aspnet", null, Amd64, layers: MinimalLayer());
        FakeRegistry.FakeImage windows = _registry.AddImage("base/aspnet", null, new Platform("windows", "amd64"), user: "ContainerUser", layers: MinimalLayer());
        _registry.AddIndex("base/aspnet", "10.0", MediaTypes.OciIndexV1, linux, windows);

        (IReadOnlyList<PlatformGateResult> results, DiagnosticBag bag) = await RunAsync(Request(rids: ["linux-x64", "win-x64"]));

        Assert.Empty(Codes(bag, DiagnosticSeverity.Error));
        Assert.Equal([linux.Digest, windows.Digest], results.Select(r => r.BaseImage.ManifestDigest));
        Assert.Equal(1, _registry.CountRequests(r => r.Uri.AbsolutePath.EndsWith("/manifests/10.0", StringComparison.Ordinal)));
        // The index the tag named is not fetched again by digest: verified manifests are reused by digest.
        Assert.Equal(0, _registry.CountRequests(r => r.Uri.AbsolutePath.Contains("/manifests/sha256:", StringComparison.Ordinal)
            && !r.Uri.AbsolutePath.EndsWith(linux.Digest.ToString(), StringComparison.Ordinal) && !r.Uri.AbsolutePath.EndsWith(windows.Digest.ToString(), StringComparison.Ordinal)));
        Assert.Equal(0, LayerReads(windows));
    }

    [Fact]
    public async Task HostileLayerStopsTheGateWithItsCode()
    {
        byte[] hostile = new TestLayer().File("../../etc/evil", "x").Build().Bytes;
        _registry.AddImage("base/aspnet", "10.0", Amd64, layers: hostile);

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() => RunAsync(Request()));
        Assert.Equal("SC4002", e.Diagnostic.Code);
    }
}

using System.Text;
using SecureContainers.Core.Layers;

namespace SecureContainers.Core.Tests.Layers;

public sealed class LayerScanCacheTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sc-layer-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static Blob Sample() => new TestLayer()
        .Dir("etc").File("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
        .File("usr/bin/su", "", (UnixFileMode)0b111_101_101 | UnixFileMode.SetUser)
        .Whiteout("opt/old").Opaque("var/cache")
        .Build();

    [Fact]
    public async Task CacheHitDoesNotOpenTheLayer()
    {
        Blob blob = Sample();
        var cache = new LayerScanCache(_dir);
        var first = new FakeRegistry(blob);
        ImageFileSystem cold = await new LayerScanner(LayerScanLimits.Default, cache).ScanAsync([blob.Ref], first.Open, CancellationToken.None);

        var second = new FakeRegistry(blob);
        ImageFileSystem warm = await new LayerScanner(LayerScanLimits.Default, cache).ScanAsync([blob.Ref], second.Open, CancellationToken.None);

        Assert.Equal(1, first.Opens);
        Assert.Equal(0, second.Opens);
        Assert.Equal(cold.Entries, warm.Entries);
        Assert.Equal(cold.ReadCapturedFile("/etc/passwd"), warm.ReadCapturedFile("/etc/passwd"));
        Assert.True(File.Exists(Path.Combine(_dir, "sha256", blob.Ref.Digest.Hex + ".json")));
    }

    [Fact]
    public async Task RoundTripKeepsEveryField()
    {
        Blob blob = Sample();
        var cache = new LayerScanCache(_dir);
        LayerScanResult scanned = await new LayerScanner(LayerScanLimits.Default, null).ScanLayerAsync(blob.Ref, new FakeRegistry(blob).Open, CancellationToken.None);

        await cache.StoreAsync(scanned, CancellationToken.None);
        LayerScanResult? loaded = await cache.TryGetAsync(blob.Ref.Digest, CancellationToken.None);

        Assert.NotNull(loaded);
        Assert.Equal(scanned.Entries, loaded.Entries);
        Assert.Equal(scanned.Whiteouts, loaded.Whiteouts);
        Assert.Equal(scanned.OpaqueDirectories, loaded.OpaqueDirectories);
        Assert.Equal(scanned.UncompressedSize, loaded.UncompressedSize);
        Assert.Equal(scanned.CapturedFiles.Select(f => (f.Path, Convert.ToHexString(f.Content))), loaded.CapturedFiles.Select(f => (f.Path, Convert.ToHexString(f.Content))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("{\"FormatVersion\":999}")]
    [InlineData("null")]
    public async Task CorruptCacheFileIsIgnoredAndRewritten(string content)
    {
        Blob blob = Sample();
        var cache = new LayerScanCache(_dir);
        string path = cache.GetPath(blob.Ref.Digest);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, content);
        var registry = new FakeRegistry(blob);

        ImageFileSystem fs = await new LayerScanner(LayerScanLimits.Default, cache).ScanAsync([blob.Ref], registry.Open, CancellationToken.None);

        Assert.Equal(1, registry.Opens);
        Assert.True(fs.TryGetEntry("/usr/bin/su", out _));
        Assert.NotNull(await cache.TryGetAsync(blob.Ref.Digest, CancellationToken.None));
    }

    [Fact]
    public async Task CachedResultForAnotherDigestIsIgnored()
    {
        Blob a = Sample();
        Blob b = new TestLayer().File("other").Build();
        var cache = new LayerScanCache(_dir);
        var scanner = new LayerScanner(LayerScanLimits.Default, cache);
        await scanner.ScanAsync([a.Ref], new FakeRegistry(a).Open, CancellationToken.None);
        string bPath = cache.GetPath(b.Ref.Digest);
        Directory.CreateDirectory(Path.GetDirectoryName(bPath)!);
        File.Copy(cache.GetPath(a.Ref.Digest), bPath);

        Assert.Null(await cache.TryGetAsync(b.Ref.Digest, CancellationToken.None));
    }

    [Fact]
    public async Task CachedResultWithHostilePathIsIgnored()
    {
        Blob blob = Sample();
        var cache = new LayerScanCache(_dir);
        await new LayerScanner(LayerScanLimits.Default, cache).ScanAsync([blob.Ref], new FakeRegistry(blob).Open, CancellationToken.None);
        string path = cache.GetPath(blob.Ref.Digest);
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("/usr/bin/su", "/../../su"));

        // A later build reads the file; the build that scanned the layer keeps its own result in memory.
        Assert.Null(await new LayerScanCache(_dir).TryGetAsync(blob.Ref.Digest, CancellationToken.None));
        Assert.DoesNotContain((await cache.TryGetAsync(blob.Ref.Digest, CancellationToken.None))!.Entries, e => e.Path.Contains("..", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OneInstanceParsesAnEntryOnceAndServesItFromMemory()
    {
        Blob blob = Sample();
        await new LayerScanner(LayerScanLimits.Default, new LayerScanCache(_dir)).ScanAsync([blob.Ref], new FakeRegistry(blob).Open, CancellationToken.None);
        var cache = new LayerScanCache(_dir);

        LayerScanResult? first = await cache.TryGetAsync(blob.Ref.Digest, CancellationToken.None);
        File.Delete(cache.GetPath(blob.Ref.Digest));

        Assert.NotNull(first);
        Assert.Same(first, await cache.TryGetAsync(blob.Ref.Digest, CancellationToken.None));
    }

    [Fact]
    public async Task CacheHitIsHeldToCurrentLimits()
    {
        Blob blob = Sample();
        var cache = new LayerScanCache(_dir);
        await new LayerScanner(LayerScanLimits.Default, cache).ScanAsync([blob.Ref], new FakeRegistry(blob).Open, CancellationToken.None);
        var strict = new LayerScanner(LayerScanLimits.Default with { MaxEntriesPerLayer = 2 }, cache);

        Assert.Equal("SC4009", await Scan.FailureCode(() => strict.ScanAsync([blob.Ref], new FakeRegistry(blob).Open, CancellationToken.None)));
    }

    [Fact]
    public async Task ConcurrentWritersOfTheSameKeyLeaveAReadableEntry()
    {
        Blob blob = Sample();
        LayerScanResult result = await new LayerScanner(LayerScanLimits.Default, null).ScanLayerAsync(blob.Ref, new FakeRegistry(blob).Open, CancellationToken.None);
        var cache = new LayerScanCache(_dir);
        int readsThatFailed = 0;

        await Parallel.ForAsync(0, 32, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            // Each writer is its own cache instance, as separate builds would be; readers run alongside.
            await new LayerScanCache(_dir).StoreAsync(result, ct);
            if (await new LayerScanCache(_dir).TryGetAsync(blob.Ref.Digest, ct) is null)
            {
                Interlocked.Increment(ref readsThatFailed);
            }
        });

        Assert.Equal(0, readsThatFailed);
        LayerScanResult? loaded = await cache.TryGetAsync(blob.Ref.Digest, CancellationToken.None);
        Assert.NotNull(loaded);
        Assert.Equal(result.Entries, loaded.Entries);
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "sha256"), "*.tmp"));
    }

    [Fact]
    public void DefaultDirectoryFollowsXdgCacheHome()
    {
        string? saved = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/custom/cache");
            Assert.Equal(Path.Combine("/custom/cache", "securecontainers", "layers"), LayerScanCache.DefaultDirectory);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "relative/ignored");
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "securecontainers", "layers"), LayerScanCache.DefaultDirectory);
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", saved);
        }
    }
}

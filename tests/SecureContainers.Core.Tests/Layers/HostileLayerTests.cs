using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Tests.Layers;

public class HostileLayerTests
{
    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("etc/../../escape")]
    [InlineData("./a/../b")]
    [InlineData("/../root/.ssh/authorized_keys")]
    public async Task EntryWithDotDotSegmentIsRefused(string name)
    {
        Assert.Equal("SC4002", await Scan.FailureCode(() => Scan.Layers(new TestLayer().File(name, "x"))));
    }

    [Fact]
    public async Task HardLinkTargetWithDotDotIsRefused()
    {
        Assert.Equal("SC4002", await Scan.FailureCode(() => Scan.Layers(new TestLayer().File("a").HardLink("b", "../../etc/shadow"))));
    }

    [Fact]
    public async Task WhiteoutOfParentDirectoryIsRefused()
    {
        Assert.Equal("SC4002", await Scan.FailureCode(() => Scan.Layers(new TestLayer().File("etc/.wh.."))));
    }

    [Fact]
    public async Task SymbolicLinkClimbingAboveRootIsRefusedWhenResolved()
    {
        ImageFileSystem fs = await Scan.Layers(new TestLayer().Dir("etc").Symlink("etc/passwd", "../../x"));

        // Recording the link is harmless; following it is where a naive tool would read the host's file.
        SecureContainerExceptionCode("SC4003", () => fs.ReadCapturedFile("/etc/passwd"));
        SecureContainerExceptionCode("SC4003", () => ImageContentsAnalyzer.Analyze(fs));
    }

    [Fact]
    public async Task SymbolicLinkLoopIsRefusedWhenResolved()
    {
        ImageFileSystem fs = await Scan.Layers(new TestLayer().Dir("etc").Symlink("etc/a", "b").Symlink("etc/b", "/etc/a").Symlink("etc/passwd", "a"));

        SecureContainerExceptionCode("SC4003", () => fs.ReadCapturedFile("/etc/passwd"));
    }

    [Fact]
    public async Task HardLinkToMissingTargetIsRefused()
    {
        Assert.Equal("SC4004", await Scan.FailureCode(() => Scan.Layers(new TestLayer().File("a"), new TestLayer().HardLink("b", "c"))));
    }

    [Fact]
    public async Task HardLinkToTargetWhitedOutBelowIsRefused()
    {
        Assert.Equal("SC4004", await Scan.FailureCode(() => Scan.Layers(new TestLayer().File("a"), new TestLayer().Whiteout("a").HardLink("b", "a"))));
    }

    [Fact]
    public async Task HardLinkToLowerLayerFileIsAccepted()
    {
        ImageFileSystem fs = await Scan.Layers(new TestLayer().File("usr/bin/perl"), new TestLayer().HardLink("usr/bin/perl5", "usr/bin/perl"));

        Assert.True(fs.TryGetEntry("/usr/bin/perl5", out ImageEntry? link));
        Assert.Equal("/usr/bin/perl", link.LinkTarget);
    }

    [Fact]
    public async Task TruncatedGzipIsCorruptLayer()
    {
        byte[] full = new TestLayer().File("big", new byte[200_000].Select((_, i) => (byte)(i * 7919 % 251)).ToArray()).Build().Bytes;

        // A blob whose digest matches the truncated bytes: only the decoder can notice.
        Assert.Equal("SC4005", await Scan.FailureCode(() => Scan.Blobs(Blob.Of(full[..(full.Length / 2)]))));
    }

    [Fact]
    public async Task TruncatedTarIsCorruptLayer()
    {
        byte[] tar = new TestLayer().File("a", new byte[5000]).ToTar();

        Assert.Equal("SC4005", await Scan.FailureCode(() => Scan.Blobs(Blob.Of(tar[..2000], TestLayer.TarMediaType))));
    }

    [Fact]
    public async Task NonGzipBytesUnderGzipMediaTypeAreCorruptLayer()
    {
        Assert.Equal("SC4005", await Scan.FailureCode(() => Scan.Blobs(Blob.Of("this is not gzip at all"u8.ToArray()))));
    }

    [Fact]
    public async Task TruncatedBlobUnderItsOriginalDigestIsDigestMismatch()
    {
        Blob good = new TestLayer().File("a", "hello").Build();
        var truncated = new Blob(good.Ref, good.Bytes[..^10]);

        Assert.Equal("SC4006", await Scan.FailureCode(() => Scan.Blobs(truncated)));
    }

    [Fact]
    public async Task DigestMismatchFromVerifyingStreamIsCoded()
    {
        Blob good = new TestLayer().File("a", "hello").Build();
        Digest wrong = Digest.Sha256("other content"u8);
        var scanner = new LayerScanner(LayerScanLimits.Default, null);

        // The registry client wraps blobs itself; the scanner must drain it so the check runs, and map the failure.
        string code = await Scan.FailureCode(() => scanner.ScanAsync([good.Ref],
            (layer, _) => Task.FromResult<Stream>(new DigestVerifyingStream(new MemoryStream(good.Bytes), wrong, good.Bytes.Length)),
            CancellationToken.None));

        Assert.Equal("SC4006", code);
    }

    [Fact]
    public async Task BytesAfterEndOfArchiveAreStillVerified()
    {
        // Digest of the real blob, but the server appends garbage after the gzip stream ends.
        Blob good = new TestLayer().File("a", "hello").Build();
        var padded = new Blob(good.Ref with { Size = -1 }, [.. good.Bytes, .. TestLayer.Gzip(new byte[10])]);

        Assert.Equal("SC4006", await Scan.FailureCode(() => Scan.Blobs(padded)));
    }

    [Theory]
    [InlineData("application/vnd.oci.image.layer.v1.tar+zstd")]
    [InlineData("application/vnd.oci.image.config.v1+json")]
    [InlineData("")]
    public async Task UnsupportedMediaTypeIsRefusedBeforeAnyByteIsRead(string mediaType)
    {
        Blob blob = new TestLayer().File("a").Build();
        var registry = new FakeRegistry(blob);
        var scanner = new LayerScanner(LayerScanLimits.Default, null);

        string code = await Scan.FailureCode(() => scanner.ScanAsync([blob.Ref with { MediaType = mediaType }], registry.Open, CancellationToken.None));

        Assert.Equal("SC4001", code);
        Assert.Equal(0, registry.Opens);
    }

    [Fact]
    public async Task LayerExpandingPastPerLayerLimitIsStopped()
    {
        // 1 MiB of zeros compresses to about a kilobyte: the ratio a bomb relies on.
        Blob bomb = new TestLayer().File("zeros", new byte[1024 * 1024]).Build();
        var limits = LayerScanLimits.Default with { MaxUncompressedBytesPerLayer = 256 * 1024 };

        Assert.Equal("SC4007", await Scan.FailureCode(() => Scan.Blobs(limits, null, bomb)));
    }

    [Fact]
    public async Task LayersExpandingPastPerImageLimitAreStopped()
    {
        Blob a = new TestLayer().File("a", new byte[300 * 1024]).Build();
        Blob b = new TestLayer().File("b", new byte[300 * 1024]).Build();
        var limits = LayerScanLimits.Default with { MaxUncompressedBytesPerLayer = 400 * 1024, MaxUncompressedBytesPerImage = 500 * 1024 };

        Assert.Equal("SC4008", await Scan.FailureCode(() => Scan.Blobs(limits, null, a, b)));
    }

    [Fact]
    public async Task TooManyEntriesIsStopped()
    {
        var layer = new TestLayer();
        for (int i = 0; i < 11; i++)
        {
            layer.File("f" + i);
        }

        var limits = LayerScanLimits.Default with { MaxEntriesPerLayer = 10 };

        Assert.Equal("SC4009", await Scan.FailureCode(() => Scan.Blobs(limits, null, layer.Build())));
    }

    [Fact]
    public async Task OversizedCapturedFileIsRefusedWithoutReadingIt()
    {
        var limits = LayerScanLimits.Default with { MaxCapturedFileBytes = 1024 };

        Assert.Equal("SC4010", await Scan.FailureCode(() => Scan.Blobs(limits, null, new TestLayer().File("etc/passwd", new byte[1025]).Build())));
    }

    [Fact]
    public async Task CapturedBytesPerLayerAreCapped()
    {
        var layer = new TestLayer();
        for (int i = 0; i < 5; i++)
        {
            layer.File($"var/lib/dpkg/status.d/pkg{i}", new byte[1000]);
        }

        var limits = LayerScanLimits.Default with { MaxCapturedBytesPerLayer = 4500 };

        Assert.Equal("SC4010", await Scan.FailureCode(() => Scan.Blobs(limits, null, layer.Build())));
    }

    [Fact]
    public async Task LargeUncapturedFileIsNotALimitProblem()
    {
        var limits = LayerScanLimits.Default with { MaxCapturedFileBytes = 16 };

        ImageFileSystem fs = await Scan.Blobs(limits, null, new TestLayer().File("opt/big.bin", new byte[100_000]).Build());

        Assert.True(fs.TryGetEntry("/opt/big.bin", out ImageEntry? big));
        Assert.Equal(100_000, big.Size);
    }

    [Fact]
    public async Task ReadErrorFromTheStreamIsCoded()
    {
        Blob blob = new TestLayer().File("a", new byte[100_000]).Build();
        var scanner = new LayerScanner(LayerScanLimits.Default, null);

        string code = await Scan.FailureCode(() => scanner.ScanAsync([blob.Ref],
            (_, _) => Task.FromResult<Stream>(new FailingStream(blob.Bytes, failAfter: 100)), CancellationToken.None));

        Assert.Equal("SC4011", code);
    }

    [Fact]
    public async Task RandomlyCorruptedLayersFailOnlyWithCodes()
    {
        byte[] tar = new TestLayer().Dir("etc").File("etc/passwd", "root:x:0:0::/:/bin/sh\n").Symlink("bin/sh", "dash")
            .File("usr/bin/dash", new byte[3000]).HardLink("usr/bin/sh2", "usr/bin/dash").ToTar();
        var random = new Random(12345);
        for (int i = 0; i < 400; i++)
        {
            byte[] corrupt = (byte[])tar.Clone();
            for (int j = random.Next(1, 8); j > 0; j--)
            {
                corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
            }

            byte[] cut = random.Next(4) == 0 ? corrupt[..random.Next(corrupt.Length)] : corrupt;
            Blob blob = random.Next(2) == 0 ? Blob.Of(cut, TestLayer.TarMediaType) : Blob.Of(TestLayer.Gzip(cut));
            try
            {
                ImageFileSystem fs = await Scan.Blobs(blob);
                _ = ImageContentsAnalyzer.Analyze(fs);
            }
            catch (SecureContainerException e)
            {
                Assert.StartsWith("SC40", e.Diagnostic.Code);
            }
        }
    }

    private static void SecureContainerExceptionCode(string code, Action action)
    {
        var e = Assert.Throws<SecureContainerException>(action);
        Assert.Equal(code, e.Diagnostic.Code);
    }

    /// <summary>A network stream that drops the connection part-way.</summary>
    private sealed class FailingStream(byte[] data, int failAfter) : MemoryStream(data, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position >= failAfter ? throw new IOException("The response ended prematurely.") : base.ReadAsync(buffer[..Math.Min(buffer.Length, 50)], cancellationToken);

        public override int Read(Span<byte> buffer) =>
            Position >= failAfter ? throw new IOException("The response ended prematurely.") : base.Read(buffer[..Math.Min(buffer.Length, 50)]);
    }
}

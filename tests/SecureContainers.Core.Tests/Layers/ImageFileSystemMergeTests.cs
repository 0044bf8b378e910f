using System.Text;
using SecureContainers.Core.Layers;

namespace SecureContainers.Core.Tests.Layers;

public class ImageFileSystemMergeTests
{
    [Fact]
    public async Task WhiteoutsAndOpaqueDirectoriesApplyAcrossThreeLayers()
    {
        Blob bottom = new TestLayer()
            .Dir("etc").File("etc/a", "1").File("etc/b", "1")
            .Dir("opt").Dir("opt/app").File("opt/app/x", "1").Dir("opt/app/sub").File("opt/app/sub/y", "1")
            .Dir("var").Dir("var/cache").File("var/cache/old", "1")
            .Build();
        Blob middle = new TestLayer()
            .Whiteout("etc/a")                        // removes a file
            .Whiteout("opt/app")                      // removes a directory and everything below it
            .Opaque("var/cache").File("var/cache/new", "2") // hides lower children, keeps this layer's
            .File("etc/c", "2")
            .Build(TestLayer.DockerGzipMediaType);
        Blob top = new TestLayer()
            .Dir("opt/app").File("opt/app/z", "3")    // recreated after deletion: the old children stay gone
            .File("etc/b", "3")                       // overrides a bottom-layer file
            .Whiteout("etc/c")
            .Build(TestLayer.TarMediaType);

        ImageFileSystem fs = await Scan.Blobs(bottom, middle, top);

        Assert.Equal(
            ["/etc", "/etc/b", "/opt", "/opt/app", "/opt/app/z", "/var", "/var/cache", "/var/cache/new"],
            fs.Entries.Select(e => e.Path));
        Assert.True(fs.TryGetEntry("/etc/b", out ImageEntry? b));
        Assert.Equal(top.Ref.Digest, b.LayerDigest);
        Assert.True(fs.TryGetEntry("var/cache/new", out ImageEntry? n));
        Assert.Equal(middle.Ref.Digest, n.LayerDigest);
        Assert.Equal([bottom.Ref.Digest, middle.Ref.Digest, top.Ref.Digest], fs.Layers);
    }

    [Fact]
    public async Task WhiteoutOnlyAffectsLowerLayersWhateverItsPositionInTheTar()
    {
        // The file comes before its own layer's whiteout in the tar; the whiteout must still only hit the lower copy.
        ImageFileSystem fs = await Scan.Layers(
            new TestLayer().File("x", "lower"),
            new TestLayer().File("x", "upper").Whiteout("x"));

        Assert.True(fs.TryGetEntry("/x", out ImageEntry? x));
        Assert.Equal(5, x.Size);
    }

    [Fact]
    public async Task FileWrittenOverLowerDirectoryHidesItsChildren()
    {
        ImageFileSystem fs = await Scan.Layers(
            new TestLayer().Dir("d").File("d/child"),
            new TestLayer().File("d", "now a file"));

        Assert.Equal(["/d"], fs.Entries.Select(e => e.Path));
        Assert.Equal(LayerEntryType.File, fs.Entries[0].Type);
    }

    [Fact]
    public async Task EntryNamesAreNormalizedWhateverTheirSpelling()
    {
        ImageFileSystem fs = await Scan.Layers(new TestLayer().Dir("./").Dir("./etc/").File("/etc/abs").File("etc//double").File("./etc/./dot"));

        Assert.Equal(["/", "/etc", "/etc/abs", "/etc/dot", "/etc/double"], fs.Entries.Select(e => e.Path));
    }

    [Fact]
    public async Task ModesKeepSetUidSetGidAndOwner()
    {
        ImageFileSystem fs = await Scan.Layers(new TestLayer()
            .File("usr/bin/su", "", (UnixFileMode)0b111_101_101 | UnixFileMode.SetUser, uid: 0)
            .File("usr/bin/wall", "", (UnixFileMode)0b111_101_101 | UnixFileMode.SetGroup, uid: 1000));

        Assert.True(fs.TryGetEntry("/usr/bin/su", out ImageEntry? su));
        Assert.True(su.IsSetUid);
        Assert.False(su.IsSetGid);
        Assert.True(fs.TryGetEntry("/usr/bin/wall", out ImageEntry? wall));
        Assert.True(wall.IsSetGid);
        Assert.Equal(1000, wall.Uid);
    }

    [Fact]
    public async Task CapturedFilesAreReadThroughSymbolicLinksAndMergedUsr()
    {
        // Debian 12's layout: /bin and /lib are links into /usr, /etc/os-release is a relative link.
        ImageFileSystem fs = await Scan.Layers(
            new TestLayer().Dir("usr").Dir("usr/lib").File("usr/lib/os-release", "ID=debian\n").Symlink("lib", "usr/lib")
                .Dir("etc").Symlink("etc/os-release", "../usr/lib/os-release").File("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"),
            new TestLayer().Symlink("etc/passwd", "/lib/../etc/real-passwd").File("etc/real-passwd", "app:x:1654:1654::/home/app:/bin/false\n"));

        Assert.Equal("ID=debian\n", Encoding.UTF8.GetString(fs.ReadCapturedFile("/etc/os-release")!));
        Assert.Equal("/usr/lib/os-release", fs.ResolvePath("/lib/os-release"));
        Assert.Null(fs.ReadCapturedFile("/etc/real-passwd"));

        // As in the kernel, '..' after a link applies to where the link led: /lib/.. is /usr, which has no etc/.
        Assert.Null(fs.ResolvePath("/etc/passwd"));
        Assert.Null(fs.ReadCapturedFile("/etc/missing"));
    }

    [Fact]
    public async Task CapturedFileIsReadThroughHardLink()
    {
        ImageFileSystem fs = await Scan.Layers(
            new TestLayer().File("etc/group", "root:x:0:\n"),
            new TestLayer().Whiteout("etc/passwd").HardLink("etc/passwd", "etc/group"));

        Assert.Equal("root:x:0:\n", Encoding.UTF8.GetString(fs.ReadCapturedFile("/etc/passwd")!));
    }

    [Fact]
    public async Task FileReplacedByUncapturedTypeHasNoContent()
    {
        ImageFileSystem fs = await Scan.Layers(
            new TestLayer().File("etc/passwd", "root:x:0:0::/:/bin/sh\n"),
            new TestLayer().Dir("etc/passwd"));

        Assert.Null(fs.ReadCapturedFile("/etc/passwd"));
    }

    [Fact]
    public async Task DanglingLinkResolvesToNothing()
    {
        ImageFileSystem fs = await Scan.Layers(new TestLayer().Symlink("bin/sh", "/nowhere"));

        Assert.Null(fs.ResolvePath("/bin/sh"));
        Assert.True(fs.TryGetEntry("/bin/sh", out ImageEntry? link));
        Assert.Equal("/nowhere", link.LinkTarget);
    }

    [Theory]
    [InlineData(TestLayer.TarMediaType)]
    [InlineData(TestLayer.GzipMediaType)]
    public async Task ZeroByteTarIsAnEmptyLayer(string mediaType)
    {
        byte[] bytes = mediaType == TestLayer.TarMediaType ? [] : TestLayer.Gzip([]);

        ImageFileSystem fs = await Scan.Blobs(Blob.Of(bytes, mediaType));

        Assert.Empty(fs.Entries);
    }
}

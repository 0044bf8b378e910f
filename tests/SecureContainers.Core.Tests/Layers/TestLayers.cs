using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Tests.Layers;

/// <summary>Builds layer blobs in memory with the BCL's own tar writer, the way an image builder would.</summary>
internal sealed class TestLayer
{
    public const string GzipMediaType = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string DockerGzipMediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string TarMediaType = "application/vnd.oci.image.layer.v1.tar";

    private readonly List<PaxTarEntry> _entries = new();

    public TestLayer Dir(string name, UnixFileMode mode = (UnixFileMode)0b111_101_101) =>
        Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode });

    public TestLayer File(string name, string content = "", UnixFileMode mode = (UnixFileMode)0b110_100_100, int uid = 0) =>
        File(name, Encoding.UTF8.GetBytes(content), mode, uid);

    public TestLayer File(string name, byte[] content, UnixFileMode mode = (UnixFileMode)0b110_100_100, int uid = 0) =>
        Add(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = mode, Uid = uid, DataStream = new MemoryStream(content) });

    public TestLayer Symlink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = (UnixFileMode)0b111_111_111 });

    public TestLayer HardLink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, Mode = (UnixFileMode)0b111_101_101 });

    /// <summary>Marks <paramref name="path"/> deleted with an OCI/AUFS whiteout file.</summary>
    public TestLayer Whiteout(string path)
    {
        int slash = path.LastIndexOf('/');
        return File(slash < 0 ? ".wh." + path : path[..(slash + 1)] + ".wh." + path[(slash + 1)..]);
    }

    public TestLayer Opaque(string directory) => File(directory.TrimEnd('/') + "/.wh..wh..opq");

    public TestLayer Add(PaxTarEntry entry)
    {
        _entries.Add(entry);
        return this;
    }

    public byte[] ToTar()
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (PaxTarEntry e in _entries)
            {
                e.DataStream?.Seek(0, SeekOrigin.Begin);
                writer.WriteEntry(e);
            }
        }

        return tar.ToArray();
    }

    public Blob Build(string mediaType = GzipMediaType) =>
        Blob.Of(mediaType == TarMediaType ? ToTar() : Gzip(ToTar()), mediaType);

    public static byte[] Gzip(byte[] data)
    {
        var compressed = new MemoryStream();
        using (var gz = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }

        return compressed.ToArray();
    }
}

/// <summary>A layer blob and the reference a manifest would carry for it.</summary>
internal sealed record Blob(LayerRef Ref, byte[] Bytes)
{
    public static Blob Of(byte[] bytes, string mediaType = TestLayer.GzipMediaType) =>
        new(new LayerRef(Digest.Parse("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes))), mediaType, bytes.Length), bytes);
}

/// <summary>Serves blobs to the scanner like a registry and counts what it was asked for.</summary>
internal sealed class FakeRegistry
{
    private readonly Dictionary<Digest, byte[]> _blobs = new();
    private int _opens;

    public FakeRegistry(params Blob[] blobs)
    {
        foreach (Blob b in blobs)
        {
            _blobs[b.Ref.Digest] = b.Bytes;
        }
    }

    public int Opens => _opens;

    public Task<Stream> Open(LayerRef layer, CancellationToken ct)
    {
        Interlocked.Increment(ref _opens);
        return Task.FromResult<Stream>(new MemoryStream(_blobs[layer.Digest], writable: false));
    }
}

internal static class Scan
{
    public static LayerScanLimits Limits { get; } = LayerScanLimits.Default;

    public static Task<ImageFileSystem> Layers(params TestLayer[] layers) => Blobs(layers.Select(l => l.Build()).ToArray());

    public static Task<ImageFileSystem> Blobs(params Blob[] blobs) => Blobs(Limits, null, blobs);

    public static Task<ImageFileSystem> Blobs(LayerScanLimits limits, LayerScanCache? cache, params Blob[] blobs) =>
        new LayerScanner(limits, cache).ScanAsync(blobs.Select(b => b.Ref).ToArray(), new FakeRegistry(blobs).Open, CancellationToken.None);

    /// <summary>Runs a scan expected to fail and returns the code it failed with.</summary>
    public static async Task<string> FailureCode(Func<Task> scan)
    {
        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(scan);
        return e.Diagnostic.Code;
    }
}

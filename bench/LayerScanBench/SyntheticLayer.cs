using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;

namespace LayerScanBench;

/// <summary>
/// Writes a gzip layer of about the requested uncompressed size to a temp file: a realistic mix of many small files
/// and a few large ones, with data that compresses about 2:1 like binaries do (zeros would flatter the decompressor).
/// </summary>
internal static class SyntheticLayer
{
    public static (LayerRef Ref, string Path, long Uncompressed) Create(long targetBytes, string directory)
    {
        string path = Path.Combine(directory, $"layer-{targetBytes / (1024 * 1024)}mb.tar.gz");
        long written = 0;
        using (FileStream file = File.Create(path))
        using (var gz = new GZipStream(file, CompressionLevel.Fastest))
        using (var counter = new CountingWriteStream(gz))
        using (var tar = new TarWriter(counter, TarEntryFormat.Pax))
        {
            var random = new Random(42);
            byte[] chunk = new byte[16 * 1024 * 1024];
            FillHalfCompressible(chunk, random);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/passwd") { DataStream = new MemoryStream("root:x:0:0::/root:/bin/sh\n"u8.ToArray()) });
            for (int i = 0; counter.Written < targetBytes; i++)
            {
                // Nine small files (1–64 KiB) for every large one (1–8 MiB).
                int size = i % 10 == 9 ? random.Next(1, 9) * 1024 * 1024 : random.Next(1, 65) * 1024;
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"usr/lib/bench/d{i % 97}/f{i}.bin")
                {
                    DataStream = new MemoryStream(chunk, random.Next(0, chunk.Length - size), size, writable: false),
                };
                tar.WriteEntry(entry);
            }

            tar.Dispose();
            written = counter.Written;
        }

        byte[] hash;
        using (FileStream file = File.OpenRead(path))
        {
            hash = SHA256.HashData(file);
        }

        var layer = new LayerRef(Digest.Parse("sha256:" + Convert.ToHexStringLower(hash)), "application/vnd.oci.image.layer.v1.tar+gzip", new FileInfo(path).Length);
        return (layer, path, written);
    }

    /// <summary>Random bytes from a 16-symbol alphabet: about 4 bits of entropy per byte.</summary>
    private static void FillHalfCompressible(byte[] buffer, Random random)
    {
        random.NextBytes(buffer);
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)('a' + (buffer[i] & 0x0F));
        }
    }

    private sealed class CountingWriteStream(Stream inner) : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            Written += buffer.Length;
        }

        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;

namespace LayerScanBench;

/// <summary>
/// Writes a gzip layer of about the requested uncompressed size, shaped like a .NET base layer: directories, many
/// small text files, binaries of every size up to 16 MiB, symlinks, and the files the scanner keeps (passwd,
/// os-release, a status.d package database of 100 packages). Compressed at gzip's default level, as image tools do.
/// The same size and seed give the same bytes, so a layer file can be reused across runs (see <c>--work</c>).
/// </summary>
internal static class SyntheticLayer
{
    public static BenchLayer Create(long targetBytes, string directory, ContentCorpus corpus)
    {
        string path = Path.Combine(directory, $"synthetic-{targetBytes / (1024 * 1024)}mb.tar.gz");
        string sizeFile = path + ".size";
        if (!File.Exists(path) || !File.Exists(sizeFile))
        {
            long written = Write(path, targetBytes, corpus);
            File.WriteAllText(sizeFile, written.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return Describe($"synthetic {targetBytes / (1024 * 1024)} MB", path, long.Parse(File.ReadAllText(sizeFile), System.Globalization.CultureInfo.InvariantCulture));
    }

    public static BenchLayer Describe(string name, string path, long uncompressed)
    {
        byte[] hash;
        using (FileStream file = File.OpenRead(path))
        {
            hash = SHA256.HashData(file);
        }

        var layer = new LayerRef(Digest.Parse("sha256:" + Convert.ToHexStringLower(hash)), "application/vnd.oci.image.layer.v1.tar+gzip", new FileInfo(path).Length);
        return new BenchLayer(name, layer, path, uncompressed);
    }

    private static long Write(string path, long targetBytes, ContentCorpus corpus)
    {
        string temp = path + ".tmp";
        long written;
        using (FileStream file = File.Create(temp))
        using (var gz = new GZipStream(file, CompressionLevel.Optimal))
        using (var counter = new CountingWriteStream(gz))
        {
            using (var tar = new TarWriter(counter, TarEntryFormat.Ustar, leaveOpen: true))
            {
                var random = new Random(42);
                WriteFile(tar, "etc/passwd", "root:x:0:0:root:/root:/usr/sbin/nologin\napp:x:1654:1654::/home/app:/usr/sbin/nologin\n"u8.ToArray());
                WriteFile(tar, "etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"u8.ToArray());
                for (int p = 0; p < 100; p++)
                {
                    WriteFile(tar, $"var/lib/dpkg/status.d/pkg{p}", System.Text.Encoding.ASCII.GetBytes(
                        $"Package: pkg{p}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.{p}-1\nSource: src{p % 37}\nDescription: synthetic package {p}\n"));
                }

                for (int i = 0; counter.Written < targetBytes; i++)
                {
                    string dir = $"usr/lib/d{i / 40}";
                    if (i % 40 == 0)
                    {
                        tar.WriteEntry(new UstarTarEntry(TarEntryType.Directory, dir + "/") { Mode = (UnixFileMode)0b111_101_101 });
                    }

                    if (i % 50 == 49)
                    {
                        tar.WriteEntry(new UstarTarEntry(TarEntryType.SymbolicLink, $"{dir}/link{i}") { LinkName = $"f{i - 1}" });
                        continue;
                    }

                    (byte[] pool, int size) = PickFile(random, corpus);
                    var entry = new UstarTarEntry(TarEntryType.RegularFile, $"{dir}/f{i}")
                    {
                        Mode = (UnixFileMode)(pool == corpus.Binary ? 0b111_101_101 : 0b110_100_100),
                        DataStream = new MemoryStream(pool, random.Next(0, pool.Length - size), size, writable: false),
                    };
                    tar.WriteEntry(entry);
                }
            }

            written = counter.Written;
        }

        File.Move(temp, path, overwrite: true);
        return written;
    }

    /// <summary>
    /// Sizes in the proportions of the real aspnet test-bed layer (2,302 entries for 170 MB: 71% under 4 KiB,
    /// 19% 4–64 KiB, 8% 64 KiB–1 MiB, 1% over 1 MiB holding most of the bytes), log-uniform within each band; small
    /// files are mostly text, large ones binary. About 90 KB per entry on average.
    /// </summary>
    private static (byte[] Pool, int Size) PickFile(Random random, ContentCorpus corpus)
    {
        int band = random.Next(100);
        (int low, int high) = band < 70 ? (64, 4 << 10) : band < 89 ? (4 << 10, 64 << 10) : band < 99 ? (64 << 10, 1 << 20) : (1 << 20, 16 << 20);
        int size = (int)Math.Exp(Math.Log(low) + (random.NextDouble() * (Math.Log(high) - Math.Log(low))));
        bool text = size < (64 << 10) ? random.Next(10) < 7 : random.Next(10) < 1;
        return (text ? corpus.Text : corpus.Binary, size);
    }

    private static void WriteFile(TarWriter tar, string name, byte[] content) =>
        tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0b110_100_100, DataStream = new MemoryStream(content) });

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
    }
}

/// <summary>A gzip layer file to measure, with the size of the tar stream it expands to.</summary>
internal sealed record BenchLayer(string Name, LayerRef Ref, string Path, long Uncompressed);

using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using SecureContainers.Core.Oci;

namespace LayerScanBench;

/// <summary>
/// The scan's parts on their own, on the same bytes, to show where the time goes: hashing the compressed blob,
/// bare gzip decompression (the floor a streaming scan cannot beat on one core), and gzip plus TarReader.
/// </summary>
internal static class Baselines
{
    private const int Big = 1 << 20;

    /// <summary>SHA-256 of the compressed file: the digest check every scan does.</summary>
    public static Task Sha256(BenchLayer layer)
    {
        using FileStream file = Open(layer, Big, async: false);
        SHA256.HashData(file);
        return Task.CompletedTask;
    }

    /// <summary>Bare GZipStream, synchronous, 1 MiB reads: the gzip-bound ceiling.</summary>
    public static Task Gzip(BenchLayer layer)
    {
        using var gz = new GZipStream(Open(layer, Big, async: false), CompressionMode.Decompress);
        Drain(gz, Big);
        return Task.CompletedTask;
    }

    /// <summary>Bare GZipStream read the way TarReader skips file data: async, 4 KiB at a time.</summary>
    public static async Task GzipAsyncSmallReads(BenchLayer layer)
    {
        await using var gz = new GZipStream(Open(layer, 1 << 16, async: true), CompressionMode.Decompress);
        byte[] buffer = new byte[4096];
        while (await gz.ReadAsync(buffer) > 0)
        {
        }
    }

    /// <summary>GZipStream over a digest-verifying stream: decompression plus the hash.</summary>
    public static Task GzipVerified(BenchLayer layer)
    {
        using var verified = new DigestVerifyingStream(Open(layer, Big, async: false), layer.Ref.Digest, layer.Ref.Size);
        using (var gz = new GZipStream(verified, CompressionMode.Decompress, leaveOpen: true))
        {
            Drain(gz, Big);
        }

        Drain(verified, Big);
        return Task.CompletedTask;
    }

    /// <summary>
    /// GZipStream plus TarReader (every header parsed, data skipped), as the scanner reads it: from an async file
    /// stream through the digest check. <paramref name="below"/> buffers the compressed stream under GZipStream (which
    /// reads its input 8 KiB at a time); <paramref name="above"/> buffers the tar stream over it (TarReader skips file
    /// data 4 KiB at a time). 0 means no buffer.
    /// </summary>
    public static async Task GzipTar(BenchLayer layer, bool async, int below, int above)
    {
        Stream raw = new DigestVerifyingStream(Open(layer, 1 << 16, async), layer.Ref.Digest, layer.Ref.Size);
        if (below > 0)
        {
            raw = new BufferedStream(raw, below);
        }

        await using (raw)
        {
            Stream tar = new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true);
            if (above > 0)
            {
                tar = new BufferedStream(tar, above);
            }

            await using (tar)
            await using (var reader = new TarReader(tar, leaveOpen: true))
            {
                if (async)
                {
                    while (await reader.GetNextEntryAsync(copyData: false) is not null)
                    {
                    }
                }
                else
                {
                    while (reader.GetNextEntry(copyData: false) is not null)
                    {
                    }
                }
            }

            byte[] rest = new byte[1 << 16];
            while (await raw.ReadAsync(rest) > 0)
            {
            }
        }
    }

    private static FileStream Open(BenchLayer layer, int bufferSize, bool async) =>
        new(layer.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, async);

    private static void Drain(Stream stream, int bufferSize)
    {
        byte[] buffer = new byte[bufferSize];
        while (stream.Read(buffer) > 0)
        {
        }
    }
}

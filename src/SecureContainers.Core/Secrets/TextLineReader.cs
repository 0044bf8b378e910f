using System.Buffers;
using System.Text;

namespace SecureContainers.Core.Secrets;

/// <summary>How much of a file the content rules saw.</summary>
internal enum TextReadOutcome
{
    Complete,
    /// <summary>The file has a NUL byte in its first 8000 bytes (git's test), so it is treated as binary and not read.</summary>
    Binary,
    /// <summary>The byte budget ran out before the end of the file.</summary>
    Truncated,
}

/// <summary>
/// Streams a file's text as spans over pooled buffers: no string per line and no whole-file buffer, so a 100 MB
/// publish directory costs a few hundred KB of memory. UTF-8 is assumed (UTF-16 text has NUL bytes and is treated as
/// binary). A line longer than <see cref="MaxLineChars"/> is cut there and its parts are scanned as separate lines;
/// a secret straddling the cut can be missed, which only concerns minified files of a megabyte per line.
/// </summary>
internal static class TextLineReader
{
    public const int MaxLineChars = 1024 * 1024;
    private const int ChunkBytes = 64 * 1024;
    private const int SniffBytes = 8000;

    public delegate void LineHandler(ReadOnlySpan<char> line, int lineNumber);

    /// <summary>Receives whole lines joined by '\n' (a trailing '\r' may remain on each), the first numbered <paramref name="firstLineNumber"/>.</summary>
    public delegate void BlockHandler(ReadOnlySpan<char> lines, int firstLineNumber);

    /// <summary>
    /// Hands over the text in blocks of whole lines (about 64 KiB each), so a caller can dismiss a block with one
    /// vectorized search before looking at its lines.
    /// </summary>
    public static TextReadOutcome ForEachBlock(Stream stream, long maxBytes, BlockHandler onBlock)
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        char[] chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(ChunkBytes) * 2);
        try
        {
            Decoder decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
            long remaining = maxBytes;
            int pending = 0;
            int lineNumber = 1;
            bool first = true;
            while (true)
            {
                int toRead = (int)Math.Min(bytes.Length, remaining);
                int read = toRead == 0 ? 0 : ReadFully(stream, bytes.AsSpan(0, toRead));
                if (first)
                {
                    first = false;
                    if (bytes.AsSpan(0, Math.Min(read, SniffBytes)).Contains((byte)0))
                    {
                        return TextReadOutcome.Binary;
                    }
                }

                remaining -= read;
                bool end = read == 0;
                int needed = pending + decoder.GetCharCount(bytes, 0, read, flush: end);
                if (needed > chars.Length)
                {
                    char[] bigger = ArrayPool<char>.Shared.Rent(needed);
                    chars.AsSpan(0, pending).CopyTo(bigger);
                    ArrayPool<char>.Shared.Return(chars);
                    chars = bigger;
                }

                int total = pending + decoder.GetChars(bytes, 0, read, chars, pending, flush: end);
                int lastNewline = chars.AsSpan(0, total).LastIndexOf('\n');
                int start = 0;
                if (lastNewline >= 0)
                {
                    ReadOnlySpan<char> block = chars.AsSpan(0, lastNewline);
                    onBlock(block, lineNumber);
                    lineNumber += block.Count('\n') + 1;
                    start = lastNewline + 1;
                }

                pending = total - start;
                if (end || pending >= MaxLineChars)
                {
                    if (pending > 0)
                    {
                        // The parts of a cut line keep its number, so later lines are still numbered right.
                        onBlock(chars.AsSpan(start, pending), lineNumber);
                    }

                    pending = 0;
                }
                else if (start > 0)
                {
                    chars.AsSpan(start, pending).CopyTo(chars);
                }

                if (end)
                {
                    return remaining == 0 && stream.ReadByte() >= 0 ? TextReadOutcome.Truncated : TextReadOutcome.Complete;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Splits an in-memory value (an environment variable, a label) into lines numbered from 1.</summary>
    public static void ForEachLine(string text, LineHandler onLine)
    {
        int lineNumber = 1;
        foreach (Range range in text.AsSpan().Split('\n'))
        {
            onLine(TrimCr(text.AsSpan()[range]), lineNumber++);
        }
    }

    private static ReadOnlySpan<char> TrimCr(ReadOnlySpan<char> line) => line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}

using System.Text;

namespace LayerScanBench;

/// <summary>
/// Two pools of deterministic bytes that files of a synthetic layer are cut from: text (source, config, docs) and
/// binary-ish (machine code and IL: skewed opcodes, small operands, some random words, string tables). Cut at random
/// offsets from pools far larger than deflate's 32 KiB window, a file compresses as its own kind of content does,
/// not better because the pool repeats. Together they compress about 2.5:1, like the real .NET base layers here.
/// </summary>
internal sealed class ContentCorpus
{
    public const int PoolBytes = 48 * 1024 * 1024;

    private ContentCorpus(byte[] text, byte[] binary)
    {
        Text = text;
        Binary = binary;
    }

    public byte[] Text { get; }

    public byte[] Binary { get; }

    public static ContentCorpus Create(int seed)
    {
        var random = new Random(seed);
        string[] words = MakeVocabulary(random, 6000);
        return new ContentCorpus(MakeText(random, words), MakeBinary(random, words));
    }

    /// <summary>How well each pool compresses at gzip's default level (uncompressed / compressed of an 8 MiB slice).</summary>
    public (double Text, double Binary) Ratios() => (Ratio(Text), Ratio(Binary));

    private static double Ratio(byte[] pool)
    {
        var sink = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(sink, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(pool, 0, 8 << 20);
        }

        return (8 << 20) / (double)sink.Length;
    }

    private static string[] MakeVocabulary(Random random, int count)
    {
        const string letters = "etaoinshrdlcumwfgypbvkjxqz";
        var words = new string[count];
        var sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            sb.Clear();
            int length = 2 + (int)(random.NextDouble() * random.NextDouble() * 12);
            for (int j = 0; j < length; j++)
            {
                // Squaring the draw favours frequent letters, as English does.
                double r = random.NextDouble();
                sb.Append(letters[(int)(r * r * letters.Length)]);
            }

            words[i] = sb.ToString();
        }

        return words;
    }

    /// <summary>Zipf-like pick: a few words are very common, most are rare.</summary>
    private static string PickWord(Random random, string[] words)
    {
        double r = random.NextDouble();
        return words[(int)(Math.Pow(r, 4) * words.Length)];
    }

    private static byte[] MakeText(Random random, string[] words)
    {
        var buffer = new byte[PoolBytes];
        int at = 0;
        int indent = 0;
        string[] punctuation = [" ", " ", " ", " ", ", ", ". ", "(", ") ", " = ", ";\n", " {\n", "}\n", ": ", "\n", "\"", "/"];
        while (at < buffer.Length)
        {
            string piece = random.Next(4) == 0 ? punctuation[random.Next(punctuation.Length)] : PickWord(random, words);
            if (piece.EndsWith('\n'))
            {
                indent = Math.Clamp(indent + (piece.Contains('{') ? 1 : piece.Contains('}') ? -1 : 0), 0, 6);
                piece += new string(' ', indent * 4);
            }

            int n = Math.Min(piece.Length, buffer.Length - at);
            at += Encoding.ASCII.GetBytes(piece.AsSpan(0, n), buffer.AsSpan(at, n));
        }

        return buffer;
    }

    private static byte[] MakeBinary(Random random, string[] words)
    {
        var buffer = new byte[PoolBytes];
        byte[] opcodes = new byte[64];
        random.NextBytes(opcodes);
        int at = 0;
        while (at < buffer.Length - 64)
        {
            int kind = random.Next(100);
            if (kind < 72)
            {
                // An instruction: a common opcode, then a small operand or none.
                double r = random.NextDouble();
                buffer[at++] = opcodes[(int)(r * r * opcodes.Length)];
                int operand = random.Next(4);
                for (int i = 0; i < operand; i++)
                {
                    buffer[at++] = i == 0 ? (byte)random.Next(32) : (byte)0;
                }
            }
            else if (kind < 79)
            {
                // A constant, pointer or hash: incompressible.
                int n = random.Next(8) == 0 ? 8 : 4;
                random.NextBytes(buffer.AsSpan(at, n));
                at += n;
            }
            else if (kind < 93)
            {
                // Padding and zeroed tables.
                at += random.Next(1, 24);
            }
            else
            {
                // An identifier from the string table.
                string word = PickWord(random, words);
                at += Encoding.ASCII.GetBytes(word, buffer.AsSpan(at));
                buffer[at++] = 0;
            }
        }

        return buffer;
    }
}

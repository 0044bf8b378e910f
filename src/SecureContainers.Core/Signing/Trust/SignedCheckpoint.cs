using System.Globalization;
using System.Text;

namespace SecureContainers.Core.Signing.Trust;

/// <summary>
/// A transparency log's checkpoint as a signed note (golang.org/x/mod/sumdb/note; Rekor's <c>checkpoint.envelope</c>):
/// <c>origin\nsize\nbase64(root)\n[extra lines\n]\n— name base64(keyhint(4) || signature)\n…</c>. The signature covers
/// the note text up to and including the newline before the blank line.
/// </summary>
public sealed record SignedCheckpoint(string Origin, long Size, byte[] RootHash, string Note, IReadOnlyList<(string Name, byte[] KeyHint, byte[] Signature)> Signatures)
{
    /// <summary>Checkpoints are a few hundred bytes; anything far larger is not one.</summary>
    public const int MaxLength = 64 * 1024;

    private const int MaxSignatures = 16;

    public static SignedCheckpoint? TryParse(string envelope, out string problem)
    {
        problem = "";
        if (envelope.Length > MaxLength)
        {
            problem = $"the checkpoint is over {MaxLength} characters";
            return null;
        }

        int split = envelope.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            problem = "the checkpoint has no blank line between note and signatures";
            return null;
        }

        string note = envelope[..(split + 1)];
        string[] lines = note.TrimEnd('\n').Split('\n');
        if (lines.Length < 3 || lines[0].Length == 0)
        {
            problem = "the checkpoint note does not have origin, size and root hash lines";
            return null;
        }

        if (!long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size))
        {
            problem = "the checkpoint's size line is not a number";
            return null;
        }

        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            problem = "the checkpoint's root hash line is not base64";
            return null;
        }

        List<(string, byte[], byte[])> signatures = new();
        foreach (string line in envelope[(split + 2)..].Split('\n').Where(l => l.Length > 0).Take(MaxSignatures))
        {
            // "— name signature": an em dash, a space, the key name, a space, base64.
            string[] parts = line.Split(' ');
            if (parts.Length != 3 || parts[0] != "\u2014")
            {
                continue;
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(parts[2]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (bytes.Length > 4)
            {
                signatures.Add((parts[1], bytes[..4], bytes[4..]));
            }
        }

        if (signatures.Count == 0)
        {
            problem = "the checkpoint carries no signature line";
            return null;
        }

        return new SignedCheckpoint(lines[0], size, root, note, signatures);
    }

    /// <summary>
    /// True when a signature line names a log of <paramref name="root"/> (key hint = the first 4 bytes of its log ID,
    /// name part of its base URL) and verifies over the note with that log's key.
    /// </summary>
    public bool IsSignedBy(TrustedRoot root)
    {
        byte[] data = Encoding.UTF8.GetBytes(Note);
        return Signatures.Any(s => root.Tlogs.Any(log =>
            log.LogId.Length >= 4 && log.LogId.AsSpan(0, 4).SequenceEqual(s.KeyHint)
            && log.BaseUrl.Contains(s.Name, StringComparison.Ordinal)
            && log.Key.Verify(data, s.Signature)));
    }
}

using System.Globalization;

namespace SecureContainers.Core.Layers;

/// <summary>One line of <c>/etc/passwd</c>.</summary>
public sealed record PasswdEntry(string Name, long Uid, long Gid, string Home, string Shell);

/// <summary>
/// Parses <c>/etc/passwd</c> (<c>name:password:uid:gid:gecos:home:shell</c>). Tolerant: blank lines, comments,
/// NIS <c>+</c>/<c>-</c> lines and lines with the wrong field count or non-numeric IDs are skipped, never fatal.
/// The first line for a name wins, as in glibc's lookup.
/// </summary>
public static class PasswdParser
{
    public static IReadOnlyList<PasswdEntry> Parse(ReadOnlySpan<byte> content) => Parse(LenientText.Decode(content));

    public static IReadOnlyList<PasswdEntry> Parse(string content)
    {
        var entries = new List<PasswdEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in LenientText.Lines(content))
        {
            if (line.Length == 0 || line[0] is '#' or '+' or '-')
            {
                continue;
            }

            string[] f = line.Split(':');
            if (f.Length != 7 || f[0].Length == 0 || !TryParseId(f[2], out long uid) || !TryParseId(f[3], out long gid))
            {
                continue;
            }

            if (seen.Add(f[0]))
            {
                entries.Add(new PasswdEntry(f[0], uid, gid, f[5], f[6]));
            }
        }

        return entries;
    }

    /// <summary>UIDs are unsigned 32-bit; 4294967295 is (uid_t)-1, "no user", and never valid.</summary>
    private static bool TryParseId(string s, out long id) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id < uint.MaxValue;
}

using System.Text.RegularExpressions;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Reads Debian's machine-readable copyright format 1.0 (https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/).
/// Only files whose first stanza has <c>Format:</c> with the 1.0 URI (http or https, optional trailing slash) are read:
/// the spec warns that short names mean nothing certain under other Format versions, and free-form files have none.
/// </summary>
public static partial class DebianCopyrightParser
{
    public static DebianCopyright Parse(ReadOnlySpan<byte> content) => Parse(LenientText.Decode(content));

    public static DebianCopyright Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var stanzas = new List<Dictionary<string, string>>();
        string? problem = SplitStanzas(content, stanzas);
        if (stanzas.Count == 0 || !stanzas[0].TryGetValue("Format", out string? format) || !FormatUri().IsMatch(format))
        {
            return DebianCopyright.FreeForm;
        }

        if (problem is not null)
        {
            return DebianCopyright.Malformed(problem);
        }

        var names = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int files = 0;
        for (int i = 1; i < stanzas.Count; i++)
        {
            if (!stanzas[i].TryGetValue("Files", out string? patterns))
            {
                continue;
            }

            files++;
            if (patterns.Length == 0)
            {
                return DebianCopyright.Malformed($"stanza {i + 1} has an empty Files field");
            }

            if (!stanzas[i].TryGetValue("License", out string? license))
            {
                return DebianCopyright.Malformed($"the Files stanza {i + 1} has no License field");
            }

            string synopsis = license.Split('\n', 2)[0];
            if (ParseSynopsis(synopsis) is not { } terms)
            {
                return DebianCopyright.Malformed($"the License synopsis '{synopsis}' of stanza {i + 1} is not a list of short names joined by 'or'/'and'");
            }

            // Short names are case-insensitive: one entry, spelled as first seen in the file.
            foreach (string term in terms)
            {
                if (seen.Add(term))
                {
                    names.Add(term);
                }
            }
        }

        return files == 0
            ? DebianCopyright.Malformed("it has no Files stanza")
            : new DebianCopyright(DebianCopyrightKind.MachineReadable, names.ToArray(), null);
    }

    /// <summary>
    /// The terms of a synopsis (spec §7.2): short names (no spaces) joined by <c>or</c>/<c>and</c>, a comma before a
    /// conjunction only regrouping them, each name optionally followed by <c>with &lt;keywords&gt; exception</c>.
    /// Null when it does not follow that shape. Grouping is not kept: the package's licenses are reported as the set
    /// of licenses it contains (see README, "OS package licenses").
    /// </summary>
    internal static IReadOnlyList<string>? ParseSynopsis(string synopsis)
    {
        string[] words = synopsis.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var terms = new List<string>();
        int i = 0;
        while (true)
        {
            if (i >= words.Length || IsKeyword(words[i].TrimEnd(',')))
            {
                return null;
            }

            string name = words[i++];
            bool comma = name.EndsWith(',');
            name = name.TrimEnd(',');
            if (name.Length == 0 || name.Contains(','))
            {
                return null;
            }

            if (!comma && i < words.Length && words[i].Equals("with", StringComparison.OrdinalIgnoreCase))
            {
                int start = i;
                while (i < words.Length && !words[i].TrimEnd(',').Equals("exception", StringComparison.OrdinalIgnoreCase))
                {
                    i++;
                }

                // "with" needs at least one keyword and a closing "exception".
                if (i >= words.Length || i - start < 2)
                {
                    return null;
                }

                comma = words[i].EndsWith(',');
                name = name + " " + string.Join(' ', words[start..(i + 1)]).TrimEnd(',');
                i++;
            }

            terms.Add(name);
            if (i == words.Length)
            {
                return comma ? null : terms;
            }

            if (!words[i].Equals("or", StringComparison.OrdinalIgnoreCase) && !words[i].Equals("and", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            i++;
        }
    }

    private static bool IsKeyword(string word) =>
        word.Equals("or", StringComparison.OrdinalIgnoreCase) || word.Equals("and", StringComparison.OrdinalIgnoreCase)
        || word.Equals("with", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// deb822 stanzas, stricter than <see cref="ControlParagraphs"/>: a line that is not a field, a continuation or a
    /// comment, or a continuation with no field before it, is a syntax error (returned), since the file claims a format.
    /// </summary>
    private static string? SplitStanzas(string content, List<Dictionary<string, string>> stanzas)
    {
        Dictionary<string, string>? current = null;
        string? lastField = null;
        string? problem = null;
        int lineNumber = 0;
        foreach (string line in LenientText.Lines(content))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                current = null;
                lastField = null;
                continue;
            }

            if (line[0] == '#')
            {
                continue;
            }

            if (line[0] is ' ' or '\t')
            {
                if (lastField is null || current is null)
                {
                    problem ??= $"line {lineNumber} continues a field that does not exist";
                    continue;
                }

                current[lastField] = current[lastField] + "\n" + line.Trim();
                continue;
            }

            int colon = line.IndexOf(':');
            string field = colon > 0 ? line[..colon] : string.Empty;
            if (field.Length == 0 || field.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                problem ??= $"line {lineNumber} is not a 'Field: value' line";
                lastField = null;
                continue;
            }

            if (current is null)
            {
                current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                stanzas.Add(current);
            }

            if (!current.TryAdd(field, line[(colon + 1)..].Trim()))
            {
                problem ??= $"line {lineNumber} repeats the field '{field}' in one stanza";
                lastField = null;
                continue;
            }

            lastField = field;
        }

        return problem;
    }

    [GeneratedRegex(@"^https?://www\.debian\.org/doc/packaging-manuals/copyright-format/1\.0/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FormatUri();
}

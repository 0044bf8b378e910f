namespace SecureContainers.Core.Layers;

/// <summary>
/// Splits deb822 / RFC 822-style text (dpkg's status database) into paragraphs of fields. A paragraph ends at one
/// or more blank (or all-white-space) lines; a line starting with a space or tab continues the previous field; a
/// line without a colon, or a continuation with no field before it, is skipped. Field names compare
/// case-insensitively; a repeated field keeps its first value.
/// </summary>
internal static class ControlParagraphs
{
    public static IEnumerable<IReadOnlyDictionary<string, string>> Parse(string text)
    {
        Dictionary<string, string>? current = null;
        string? lastField = null;
        foreach (string line in LenientText.Lines(text))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                if (current is { Count: > 0 })
                {
                    yield return current;
                }

                current = null;
                lastField = null;
                continue;
            }

            if (line[0] is ' ' or '\t')
            {
                if (lastField is not null && current is not null)
                {
                    current[lastField] = current[lastField] + "\n" + line.Trim();
                }

                continue;
            }

            if (line[0] == '#')
            {
                continue;
            }

            int colon = line.IndexOf(':');
            if (colon <= 0)
            {
                lastField = null;
                continue;
            }

            current ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            string field = line[..colon].Trim();
            if (current.TryAdd(field, line[(colon + 1)..].Trim()))
            {
                lastField = field;
            }
            else
            {
                lastField = null;
            }
        }

        if (current is { Count: > 0 })
        {
            yield return current;
        }
    }
}

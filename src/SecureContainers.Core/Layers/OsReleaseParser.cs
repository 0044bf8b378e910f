using System.Text;

namespace SecureContainers.Core.Layers;

/// <summary>The identity fields of <c>os-release</c>; <see cref="Values"/> holds every field read.</summary>
public sealed record OsRelease(string? Id, string? VersionId, string? VersionCodename, string? PrettyName, IReadOnlyDictionary<string, string> Values);

/// <summary>
/// Parses <c>os-release(5)</c>: <c>KEY=value</c> lines, values optionally in single or double quotes with shell-style
/// backslash escapes inside double quotes. Malformed lines are skipped; a later assignment wins, as when sourced.
/// </summary>
public static class OsReleaseParser
{
    public static OsRelease Parse(ReadOnlySpan<byte> content) => Parse(LenientText.Decode(content));

    public static OsRelease Parse(string content)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string raw in LenientText.Lines(content))
        {
            string line = raw.Trim();
            int eq = line.IndexOf('=');
            if (line.Length == 0 || line[0] == '#' || eq <= 0)
            {
                continue;
            }

            string key = line[..eq].Trim();
            if (!key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                continue;
            }

            values[key] = Unquote(line[(eq + 1)..].Trim());
        }

        return new OsRelease(Get("ID"), Get("VERSION_ID"), Get("VERSION_CODENAME"), Get("PRETTY_NAME"), values);

        string? Get(string key) => values.TryGetValue(key, out string? v) && v.Length > 0 ? v : null;
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            return value[1..^1];
        }

        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            var sb = new StringBuilder(value.Length);
            for (int i = 1; i < value.Length - 1; i++)
            {
                if (value[i] == '\\' && i + 1 < value.Length - 1 && value[i + 1] is '"' or '\\' or '$' or '`')
                {
                    i++;
                }

                sb.Append(value[i]);
            }

            return sb.ToString();
        }

        return value;
    }
}

using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Parses Alpine's <c>/lib/apk/db/installed</c>: paragraphs of single-letter <c>X:value</c> lines separated by blank
/// lines (P name, V version, A architecture, o origin, L license, D dependencies). A paragraph without P or V is
/// skipped; unknown or malformed lines are ignored.
/// </summary>
public static class ApkInstalledParser
{
    public static IReadOnlyList<OsPackage> Parse(ReadOnlySpan<byte> content, Digest layerDigest) =>
        Parse(LenientText.Decode(content), layerDigest);

    public static IReadOnlyList<OsPackage> Parse(string content, Digest layerDigest)
    {
        var packages = new List<OsPackage>();
        var fields = new Dictionary<char, string>();
        foreach (string line in LenientText.Lines(content).Append(string.Empty))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                if (fields.TryGetValue('P', out string? name) && name.Length > 0 && fields.TryGetValue('V', out string? version) && version.Length > 0)
                {
                    packages.Add(new OsPackage("apk", name, version, Get('A'), Get('o'), null, Get('L'), DependencyNames(Get('D')), layerDigest));
                }

                fields.Clear();
                continue;
            }

            // Only the first value of a letter counts; file lists (F:, R:, Z:) repeat letters and are not needed.
            if (line.Length >= 2 && line[1] == ':')
            {
                fields.TryAdd(line[0], line[2..].Trim());
            }
        }

        return packages;

        string? Get(char key) => fields.TryGetValue(key, out string? v) && v.Length > 0 ? v : null;
    }

    /// <summary><c>so:libc.musl-x86_64.so.1 musl&gt;=1.2 !conflict</c> → <c>so:libc.musl-x86_64.so.1, musl</c>.</summary>
    private static IReadOnlyList<string> DependencyNames(string? value)
    {
        var names = new List<string>();
        foreach (string token in (value ?? string.Empty).Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (token[0] == '!')
            {
                continue;
            }

            int op = token.IndexOfAny(['<', '>', '=', '~']);
            string name = op >= 0 ? token[..op] : token;
            if (name.Length > 0 && !names.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }
}

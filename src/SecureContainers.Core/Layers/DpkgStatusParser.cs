using System.Text.RegularExpressions;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Parses dpkg's database: <c>/var/lib/dpkg/status</c> and the per-package files distroless and chiseled images keep
/// in <c>/var/lib/dpkg/status.d/</c>. A paragraph counts only if it has <c>Package</c> and <c>Version</c>, and, when it
/// has a <c>Status</c> field, only if that is <c>install ok installed</c> (removed or half-configured packages leave
/// paragraphs behind; status.d files usually have no Status at all).
/// </summary>
public static partial class DpkgStatusParser
{
    public static IReadOnlyList<OsPackage> Parse(ReadOnlySpan<byte> content, Digest layerDigest) =>
        Parse(LenientText.Decode(content), layerDigest);

    public static IReadOnlyList<OsPackage> Parse(string content, Digest layerDigest)
    {
        var packages = new List<OsPackage>();
        foreach (IReadOnlyDictionary<string, string> p in ControlParagraphs.Parse(content))
        {
            if (!p.TryGetValue("Package", out string? name) || name.Length == 0
                || !p.TryGetValue("Version", out string? version) || version.Length == 0)
            {
                continue;
            }

            if (p.TryGetValue("Status", out string? status) && !IsInstalled(status))
            {
                continue;
            }

            string? source = null;
            string? sourceVersion = null;
            if (p.TryGetValue("Source", out string? src) && src.Length > 0)
            {
                Match m = SourcePattern().Match(src);
                source = m.Success ? m.Groups[1].Value : src;
                sourceVersion = m.Success && m.Groups[2].Success ? m.Groups[2].Value.Trim() : null;
            }

            var depends = new List<string>();
            AddDependencyNames(p, "Pre-Depends", depends);
            AddDependencyNames(p, "Depends", depends);

            packages.Add(new OsPackage("deb", name, version, p.TryGetValue("Architecture", out string? arch) && arch.Length > 0 ? arch : null,
                source, sourceVersion, null, depends, layerDigest));
        }

        return packages;
    }

    private static bool IsInstalled(string status) =>
        string.Join(' ', status.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries)) == "install ok installed";

    /// <summary><c>libc6 (&gt;= 2.34), libgcc-s1 | libgcc1, python3:any</c> → <c>libc6, libgcc-s1, libgcc1, python3</c>.</summary>
    private static void AddDependencyNames(IReadOnlyDictionary<string, string> p, string field, List<string> names)
    {
        if (!p.TryGetValue(field, out string? value))
        {
            return;
        }

        foreach (string alternative in value.Split((char[])[',', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string name = alternative.Split((char[])[' ', '\t', '\n', '(', '['], 2)[0];
            int colon = name.IndexOf(':');
            if (colon >= 0)
            {
                name = name[..colon];
            }

            if (name.Length > 0 && !names.Contains(name))
            {
                names.Add(name);
            }
        }
    }

    [GeneratedRegex(@"^(\S+)\s*(?:\((.*)\))?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SourcePattern();
}

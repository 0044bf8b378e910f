namespace SecureContainers.Core.Packages;

/// <summary>
/// A purl read back into its parts (<c>pkg:type/namespace/name@version?qualifiers#subpath</c>), percent-decoded, so an
/// SBOM's components can be matched and compared by type, namespace and name rather than by their whole string.
/// </summary>
public sealed record ParsedPackageUrl(string Type, string? Namespace, string Name, string? Version, IReadOnlyDictionary<string, string> Qualifiers)
{
    /// <summary>
    /// What identifies the package across versions: <c>type/namespace/name</c>, plus the <c>arch</c> qualifier when there
    /// is one (a multi-arch image can hold libc6 for two architectures). NuGet ids compare case-insensitively, so they are lowercased.
    /// </summary>
    public string Key
    {
        get
        {
            string name = Type == "nuget" ? Name.ToLowerInvariant() : Name;
            string key = Namespace is null ? $"{Type}/{name}" : $"{Type}/{Namespace}/{name}";
            return Qualifiers.TryGetValue("arch", out string? arch) ? $"{key}?arch={arch}" : key;
        }
    }

    public static bool TryParse(string? purl, out ParsedPackageUrl? parsed)
    {
        parsed = null;
        if (purl is null || !purl.StartsWith("pkg:", StringComparison.Ordinal))
        {
            return false;
        }

        string rest = purl[4..].TrimStart('/');
        int hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            rest = rest[..hash];
        }

        Dictionary<string, string> qualifiers = new(StringComparer.Ordinal);
        int question = rest.IndexOf('?');
        if (question >= 0)
        {
            foreach (string pair in rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                if (eq > 0)
                {
                    qualifiers[pair[..eq].ToLowerInvariant()] = Uri.UnescapeDataString(pair[(eq + 1)..]);
                }
            }

            rest = rest[..question];
        }

        string? version = null;
        int at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            version = Uri.UnescapeDataString(rest[(at + 1)..]);
            rest = rest[..at];
        }

        string[] segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2)
        {
            return false;
        }

        string type = segments[0].ToLowerInvariant();
        string name = Uri.UnescapeDataString(segments[^1]);
        string? ns = segments.Length > 2 ? string.Join('/', segments[1..^1].Select(Uri.UnescapeDataString)) : null;
        parsed = new ParsedPackageUrl(type, ns, name, version, qualifiers);
        return true;
    }
}

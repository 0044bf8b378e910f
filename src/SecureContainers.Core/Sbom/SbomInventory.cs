using System.Text.Json;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Packages;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Core.Sbom;

/// <summary>
/// One component of an SBOM as <c>scan</c> and <c>diff</c> read it back. <see cref="Package"/> is its parsed purl
/// (null for components without one: the app, project references, shared frameworks, the OS).
/// </summary>
public sealed record SbomInventoryComponent(
    string BomRef,
    string Type,
    string Name,
    string? Version,
    ParsedPackageUrl? Package,
    bool Excluded,
    IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>What identifies the component across versions: its purl's <see cref="ParsedPackageUrl.Key"/>, else <c>type:name</c>.</summary>
    public string Key => Package?.Key ?? $"{Type}:{Name}";

    public string? Property(string name) => Properties.TryGetValue(name, out string? value) ? value : null;
}

/// <summary>
/// The parts of a CycloneDX JSON SBOM (as SecureContainers writes it, and any other with purls) that vulnerability
/// matching and release diffs need: the subject, the operating system, the components, and the suppressions the build
/// recorded as <c>vulnerabilities[].analysis</c>. Nested components are flattened.
/// </summary>
public sealed record SbomInventory(
    string Origin,
    string? Subject,
    OsRelease? OperatingSystem,
    IReadOnlyList<SbomInventoryComponent> Components,
    IReadOnlyList<VulnerabilitySuppressionItem> Analyses)
{
    /// <summary>False, with the reason, when the document is not a CycloneDX JSON SBOM with a components array (or none).</summary>
    public static bool TryRead(ReadOnlyMemory<byte> json, string origin, out SbomInventory? inventory, out string error)
    {
        inventory = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            error = $"it is not JSON ({e.Message})";
            return false;
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "bomFormat") != "CycloneDX")
            {
                error = "it has no \"bomFormat\": \"CycloneDX\"";
                return false;
            }

            List<SbomInventoryComponent> components = [];
            if (root.TryGetProperty("components", out JsonElement list))
            {
                if (list.ValueKind != JsonValueKind.Array)
                {
                    error = "its \"components\" is not an array";
                    return false;
                }

                Collect(list, components);
            }

            string? subject = root.TryGetProperty("metadata", out JsonElement metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("component", out JsonElement image) && image.ValueKind == JsonValueKind.Object
                ? String(image, "purl") ?? String(image, "name")
                : null;
            inventory = new SbomInventory(origin, subject, OperatingSystemOf(components), components, ReadAnalyses(root));
            error = string.Empty;
            return true;
        }
    }

    private static void Collect(JsonElement list, List<SbomInventoryComponent> into)
    {
        foreach (JsonElement c in list.EnumerateArray())
        {
            if (c.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            string? name = String(c, "name");
            string? purl = String(c, "purl");
            string? bomRef = String(c, "bom-ref") ?? purl;
            if (name is not null && bomRef is not null)
            {
                Dictionary<string, string> properties = new(StringComparer.Ordinal);
                if (c.TryGetProperty("properties", out JsonElement props) && props.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement p in props.EnumerateArray())
                    {
                        // A repeated name (one per layer) keeps its first value: the ones read here are single-valued.
                        if (p.ValueKind == JsonValueKind.Object && String(p, "name") is { } key && String(p, "value") is { } value)
                        {
                            properties.TryAdd(key, value);
                        }
                    }
                }

                ParsedPackageUrl.TryParse(purl, out ParsedPackageUrl? package);
                into.Add(new SbomInventoryComponent(bomRef, String(c, "type") ?? "library", name, String(c, "version"), package,
                    String(c, "scope") == "excluded", properties));
            }

            if (c.TryGetProperty("components", out JsonElement nested) && nested.ValueKind == JsonValueKind.Array)
            {
                Collect(nested, into);
            }
        }
    }

    /// <summary>
    /// The <c>operating-system</c> component (os-release ID as its name, VERSION_ID as its version); without one, the
    /// <c>distro</c> qualifier of the first OS package purl (<c>debian-12</c>), which SecureContainers writes from the same file.
    /// </summary>
    private static OsRelease? OperatingSystemOf(List<SbomInventoryComponent> components)
    {
        if (components.FirstOrDefault(c => c.Type == "operating-system") is { } os)
        {
            return new OsRelease(os.Name.ToLowerInvariant(), os.Version, os.Property(SbomPropertyNames.OsVersionCodename), null, new Dictionary<string, string>());
        }

        foreach (ParsedPackageUrl p in components.Select(c => c.Package).OfType<ParsedPackageUrl>())
        {
            if (p.Type is "deb" or "rpm" or "apk" && p.Namespace is { } vendor && p.Qualifiers.TryGetValue("distro", out string? distro)
                && distro.StartsWith(vendor + "-", StringComparison.OrdinalIgnoreCase))
            {
                return new OsRelease(vendor.ToLowerInvariant(), distro[(vendor.Length + 1)..], null, null, new Dictionary<string, string>());
            }
        }

        return null;
    }

    /// <summary>Suppressions the build recorded: each vulnerability with an analysis state and a detail (its justification).</summary>
    private static IReadOnlyList<VulnerabilitySuppressionItem> ReadAnalyses(JsonElement root)
    {
        if (!root.TryGetProperty("vulnerabilities", out JsonElement list) || list.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        List<VulnerabilitySuppressionItem> items = [];
        foreach (JsonElement v in list.EnumerateArray())
        {
            if (v.ValueKind == JsonValueKind.Object && String(v, "id") is { } id
                && v.TryGetProperty("analysis", out JsonElement analysis) && analysis.ValueKind == JsonValueKind.Object
                && String(analysis, "state") is { } state && String(analysis, "detail") is { } detail)
            {
                items.Add(new VulnerabilitySuppressionItem(id, detail, state));
            }
        }

        return items;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

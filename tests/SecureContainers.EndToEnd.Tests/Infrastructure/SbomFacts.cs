using System.Text.Json;

namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>Reads what the tests compare in an SBOM and in the oracle the SDK itself writes (the app's .deps.json).</summary>
public static class SbomFacts
{
    /// <summary>NuGet components as "Id/Version", from their pkg:nuget purls.</summary>
    public static SortedSet<string> NuGetComponents(JsonDocument sbom)
    {
        SortedSet<string> set = new(StringComparer.OrdinalIgnoreCase);
        if (!sbom.RootElement.TryGetProperty("components", out JsonElement components))
        {
            return set;
        }

        foreach (JsonElement c in components.EnumerateArray())
        {
            if (c.TryGetProperty("purl", out JsonElement purl) && purl.GetString() is { } p && p.StartsWith("pkg:nuget/", StringComparison.Ordinal))
            {
                set.Add($"{c.GetProperty("name").GetString()}/{c.GetProperty("version").GetString()}");
            }
        }

        return set;
    }

    /// <summary>The packages the runtime host will load: libraries of type "package" in the published .deps.json.</summary>
    public static SortedSet<string> DepsJsonPackages(string depsJsonPath)
    {
        using JsonDocument deps = JsonDocument.Parse(File.ReadAllBytes(depsJsonPath));
        SortedSet<string> set = new(StringComparer.OrdinalIgnoreCase);
        foreach (JsonProperty library in deps.RootElement.GetProperty("libraries").EnumerateObject())
        {
            if (library.Value.GetProperty("type").GetString() == "package")
            {
                set.Add(library.Name);
            }
        }

        return set;
    }

    /// <summary>Validates an SBOM against the official CycloneDX schema with the npm @cyclonedx/cyclonedx-library validator.</summary>
    public static async Task<ProcessResult> ValidateAsync(string sbomPath, string specVersion = "1.6")
    {
        string validator = Path.Combine(TestBed.RepoRoot, "eng", "sbom-validator", "validate.mjs");
        return await ProcessRunner.RunAsync("node", [validator, sbomPath, specVersion], TestBed.RepoRoot, timeout: TimeSpan.FromMinutes(1));
    }

    /// <summary>OS package components as "name=version", decoded from their pkg:deb / pkg:apk purls.</summary>
    public static SortedSet<string> OsPackages(JsonDocument sbom, string purlType)
    {
        SortedSet<string> set = new(StringComparer.Ordinal);
        foreach (JsonElement c in Components(sbom))
        {
            if (c.TryGetProperty("purl", out JsonElement purl) && purl.GetString() is { } p && p.StartsWith($"pkg:{purlType}/", StringComparison.Ordinal))
            {
                string nameAndVersion = p[(p.LastIndexOf('/') + 1)..].Split('?')[0];
                int at = nameAndVersion.IndexOf('@');

                // rpm purls carry the epoch as a qualifier; put it back in front, as rpm and the fixtures write versions.
                string? epoch = p.Contains('?') ? p[(p.IndexOf('?') + 1)..].Split('&').FirstOrDefault(q => q.StartsWith("epoch=", StringComparison.Ordinal))?[6..] : null;
                set.Add($"{Uri.UnescapeDataString(nameAndVersion[..at])}={(epoch is null ? "" : epoch + ":")}{Uri.UnescapeDataString(nameAndVersion[(at + 1)..])}");
            }
        }

        return set;
    }

    /// <summary>Licenses of the OS package components of one purl type, by package name: "id:X" or "name:Y" each, sorted.</summary>
    public static SortedDictionary<string, string[]> OsPackageLicenses(JsonDocument sbom, string purlType)
    {
        SortedDictionary<string, string[]> byName = new(StringComparer.Ordinal);
        foreach (JsonElement c in Components(sbom))
        {
            if (c.TryGetProperty("purl", out JsonElement purl) && purl.GetString() is { } p && p.StartsWith($"pkg:{purlType}/", StringComparison.Ordinal))
            {
                byName[c.GetProperty("name").GetString()!] = c.TryGetProperty("licenses", out JsonElement licenses)
                    ? licenses.EnumerateArray().Select(l => l.TryGetProperty("expression", out JsonElement e) ? "expression:" + e.GetString()
                        : l.GetProperty("license").TryGetProperty("id", out JsonElement id) ? "id:" + id.GetString()
                        : "name:" + l.GetProperty("license").GetProperty("name").GetString()).Order(StringComparer.Ordinal).ToArray()
                    : [];
            }
        }

        return byName;
    }

    /// <summary>Framework components (the .NET shared runtimes) as "name=version".</summary>
    public static SortedSet<string> Frameworks(JsonDocument sbom) =>
        new(Components(sbom).Where(c => c.GetProperty("type").GetString() == "framework")
            .Select(c => $"{c.GetProperty("name").GetString()}={c.GetProperty("version").GetString()}"), StringComparer.Ordinal);

    private static IEnumerable<JsonElement> Components(JsonDocument sbom) =>
        sbom.RootElement.TryGetProperty("components", out JsonElement components) ? components.EnumerateArray() : [];
}

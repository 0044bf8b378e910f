using SecureContainers.Core.Packages;
using System.Globalization;
using System.Text;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.NuGet;

namespace SecureContainers.Core.Sbom;

public static partial class SbomBuilder
{
    private const string NetCoreApp = "Microsoft.NETCore.App";
    private const string AspNetCoreApp = "Microsoft.AspNetCore.App";

    /// <summary>
    /// The .NET runtime in the image. Shared frameworks found in the base layers are listed whatever the app is (they
    /// are in the image); a framework-dependent app depends on the one the host would pick, a self-contained app on
    /// the runtime packs it ships instead.
    /// </summary>
    private static void AddDotNetRuntime(SbomInputs inputs, string imageRef, string appRef, List<SbomComponent> components, Graph graph, IDiagnosticSink? diagnostics)
    {
        List<(DotNetFramework Framework, string BomRef)> frameworks = [];
        foreach (IGrouping<(string Name, string Version), DotNetFramework> group in (inputs.BaseImageContents?.DotNetFrameworks ?? [])
            .GroupBy(f => (f.Name, f.Version))
            .OrderBy(g => g.Key.Name, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Version, StringComparer.Ordinal))
        {
            SbomComponent component = SharedFrameworkComponent(group.Key.Name, group.Key.Version, group.ToArray(), inputs.RuntimeIdentifier);
            components.Add(component);
            graph.Add(imageRef, component.BomRef!);
            graph.Add(component.BomRef!);
            frameworks.Add((group.First(), component.BomRef!));
        }

        // ASP.NET Core runs on the NETCore.App of its own major.minor, as its runtimeconfig says.
        foreach ((DotNetFramework framework, string bomRef) in frameworks.Where(f => f.Framework.Name != NetCoreApp))
        {
            if (FrameworkVersion.TryParse(framework.Version, out FrameworkVersion version) &&
                PickFramework(frameworks, NetCoreApp, version.Major, version.Minor) is string netCore)
            {
                graph.Add(bomRef, netCore);
            }
        }

        if (inputs.SelfContained)
        {
            foreach (SbomRuntimePack pack in inputs.RuntimePacks.OrderBy(p => p.Id, StringComparer.Ordinal))
            {
                SbomComponent component = RuntimePackComponent(pack, inputs, diagnostics);
                components.Add(component);
                graph.Add(appRef, component.BomRef!);
                graph.Add(component.BomRef!);
            }

            return;
        }

        if (TargetFrameworkVersion(inputs.TargetFramework) is (int major, int minor))
        {
            IEnumerable<string> referenced = inputs.FrameworkReferences.Count > 0 ? inputs.FrameworkReferences : [NetCoreApp];
            foreach (string name in referenced)
            {
                if (PickFramework(frameworks, name, major, minor) is string target)
                {
                    graph.Add(appRef, target);
                }
            }
        }
    }

    private static SbomComponent SharedFrameworkComponent(string name, string version, IReadOnlyList<DotNetFramework> copies, string? rid)
    {
        List<SbomProperty> properties = [];
        foreach (DotNetFramework copy in copies.OrderBy(c => c.Path, StringComparer.Ordinal))
        {
            properties.Add(new SbomProperty(SbomPropertyNames.DotNetFrameworkPath, copy.Path));
        }

        foreach (Digest layer in copies.Select(c => c.LayerDigest).Distinct().OrderBy(d => d.ToString(), StringComparer.Ordinal))
        {
            properties.Add(new SbomProperty(SbomPropertyNames.LayerDigest, layer.ToString()));
        }

        if (!string.IsNullOrEmpty(rid) && name is NetCoreApp or AspNetCoreApp)
        {
            properties.Add(new SbomProperty(SbomPropertyNames.DotNetRuntimePackEquivalent, PackageUrl.NuGet($"{name}.Runtime.{rid}", version)));
        }

        // No purl type exists for an installed shared framework; the CPE is how the NVD files .NET advisories.
        return new SbomComponent
        {
            Type = SbomComponentType.Framework,
            BomRef = $"dotnet-framework:{name}@{version}",
            Name = name,
            Version = version,
            Scope = SbomComponentScope.Required,
            Cpe = DotNetCpe(name, version),
            Properties = properties,
        };
    }

    private static SbomComponent RuntimePackComponent(SbomRuntimePack pack, SbomInputs inputs, IDiagnosticSink? diagnostics)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pack.Id);
        ArgumentException.ThrowIfNullOrWhiteSpace(pack.Version);
        NuGetPackageMetadata? metadata = null;
        string? sha512 = null;
        if (!string.IsNullOrEmpty(pack.PackageDirectory))
        {
            string nuspec = Path.Combine(pack.PackageDirectory, pack.Id.ToLowerInvariant() + ".nuspec");
            if (File.Exists(nuspec))
            {
                metadata = NuspecReader.Read(nuspec, pack.Id, pack.Version, diagnostics);
            }
            else
            {
                diagnostics?.Report(NuGetAssetsDiagnostics.PackageNotInPackagesFolder.Create(pack.Id, pack.Version, nuspec));
            }

            sha512 = ReadNupkgSha512(pack.PackageDirectory, pack.Id, pack.Version);
        }
        else if (inputs.NuGetPackageFolders.Count > 0)
        {
            metadata = NuspecReader.Find(inputs.NuGetPackageFolders, pack.Id, pack.Version, relativePath: null, diagnostics);
            string? directory = inputs.NuGetPackageFolders
                .Select(f => Path.Combine(f, NuspecReader.DefaultRelativePath(pack.Id, pack.Version)))
                .FirstOrDefault(Directory.Exists);
            sha512 = directory is null ? null : ReadNupkgSha512(directory, pack.Id, pack.Version);
        }

        string purl = PackageUrl.NuGet(pack.Id, pack.Version);
        List<SbomProperty> properties = [new(SbomPropertyNames.DotNetFrameworkName, pack.FrameworkName)];
        properties.AddRange(LayerProperties(inputs.AppLayerDigest));
        return new SbomComponent
        {
            Type = SbomComponentType.Framework,
            BomRef = purl,
            Name = pack.Id,
            Version = pack.Version,
            Scope = SbomComponentScope.Required,
            Description = metadata?.Description,
            Authors = metadata?.Authors ?? [],
            Licenses = metadata?.Licenses ?? [],
            Hashes = sha512 is null ? [] : [new SbomHash(SbomHashAlgorithm.Sha512, sha512)],
            Cpe = DotNetCpe(pack.FrameworkName, pack.Version),
            Purl = purl,
            ExternalReferences = References(metadata),
            Properties = properties,
        };
    }

    /// <summary>NuGet stores the package hash next to the nuspec as base64 in <c>&lt;id&gt;.&lt;version&gt;.nupkg.sha512</c>.</summary>
    private static string? ReadNupkgSha512(string directory, string id, string version)
    {
        int metadata = version.IndexOf('+');
        string path = Path.Combine(directory, $"{id}.{(metadata < 0 ? version : version[..metadata])}.nupkg.sha512".ToLowerInvariant());
        try
        {
            byte[] hash = Convert.FromBase64String(File.ReadAllText(path).Trim());
            return hash.Length == 64 ? Convert.ToHexStringLower(hash) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // The hash is optional evidence; the component is still identified by its purl.
            return null;
        }
    }

    /// <summary>
    /// The CPE 2.3 names the NVD uses for .NET advisories: <c>microsoft:.net</c> for the runtime and
    /// <c>microsoft:asp.net_core</c> for ASP.NET Core; other frameworks get none.
    /// </summary>
    internal static string? DotNetCpe(string frameworkName, string version)
    {
        string? product = frameworkName switch
        {
            NetCoreApp => ".net",
            AspNetCoreApp => "asp.net_core",
            _ => null,
        };
        return product is null ? null : $"cpe:2.3:a:microsoft:{product}:{CpeEscape(version)}:*:*:*:*:*:*:*";
    }

    // CPE 2.3 formatted strings take letters, digits, '_', '-' and '.' as they are and backslash-quote other punctuation.
    private static string CpeEscape(string value)
    {
        var result = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                result.Append('\\');
            }

            result.Append(c);
        }

        return result.ToString();
    }

    /// <summary>
    /// The host's default roll-forward (<c>Minor</c>, then latest patch): within the same major, the lowest minor at
    /// or above the wanted one, and in it the highest patch. Previews are candidates only when no release is, as the
    /// host ignores pre-release frameworks for an app built against a release.
    /// </summary>
    private static string? PickFramework(List<(DotNetFramework Framework, string BomRef)> frameworks, string name, int major, int minor)
    {
        var candidates = frameworks
            .Where(f => f.Framework.Name == name)
            .Select(f => (Parsed: FrameworkVersion.TryParse(f.Framework.Version, out FrameworkVersion v) ? v : (FrameworkVersion?)null, f.BomRef))
            .Where(f => f.Parsed is FrameworkVersion v && v.Major == major && v.Minor >= minor)
            .Select(f => (Version: f.Parsed!.Value, f.BomRef))
            .ToList();
        if (candidates.Any(c => c.Version.IsRelease))
        {
            candidates.RemoveAll(c => !c.Version.IsRelease);
        }

        return candidates
            .OrderBy(c => c.Version.Minor)
            .ThenByDescending(c => c.Version.Patch)
            .ThenByDescending(c => c.BomRef, StringComparer.Ordinal)
            .Select(c => c.BomRef)
            .FirstOrDefault();
    }

    /// <summary><c>net10.0</c> or <c>net8.0-linux</c> → (10, 0); other frameworks (netstandard, net48) → <c>null</c>.</summary>
    private static (int Major, int Minor)? TargetFrameworkVersion(string targetFramework)
    {
        string tfm = targetFramework.Split('-')[0];
        if (!tfm.StartsWith("net", StringComparison.OrdinalIgnoreCase) || tfm.StartsWith("netstandard", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string[] parts = tfm[3..].Split('.');
        return parts.Length == 2 &&
            int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major) && major >= 5 &&
            int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor)
            ? (major, minor)
            : null;
    }

    private readonly record struct FrameworkVersion(int Major, int Minor, int Patch, bool IsRelease)
    {
        public static bool TryParse(string text, out FrameworkVersion version)
        {
            int dash = text.IndexOfAny(['-', '+']);
            string[] parts = (dash < 0 ? text : text[..dash]).Split('.');
            if (parts.Length >= 3 &&
                int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major) &&
                int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor) &&
                int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int patch))
            {
                version = new FrameworkVersion(major, minor, patch, dash < 0 || text[dash] == '+');
                return true;
            }

            version = default;
            return false;
        }
    }
}

using System.Text.Json;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.NuGet;

/// <summary>
/// Reads <c>obj/project.assets.json</c> (NuGet's restore result) with System.Text.Json and computes the libraries the
/// published app ships for one TargetFramework and RuntimeIdentifier. The rules mirror what <c>dotnet publish</c>
/// writes into the app's <c>.deps.json</c>, because the SBOM must list what is in the image, not what restore saw:
/// <list type="bullet">
/// <item>A PackageReference with <c>PrivateAssets="all"</c> (<c>suppressParent: "All"</c>) is excluded from publish,
/// and so is everything reached only through it (analyzers, build tooling such as SecureContainers.Build itself):
/// their files are not copied, even when a public package depends on them (SC5005 warns about that case).</item>
/// <item>A library that ships no files (excluded from publish, <c>ExcludeAssets="runtime"</c>, analyzer-only or
/// meta-packages) is dropped unless it is the only link to a dependency, as the SDK's deps.json writer does; the
/// ones kept say so in <see cref="NuGetLibrary.HasRuntimeAssets"/>.</item>
/// </list>
/// Not visible in the assets file and therefore not honoured: <c>Publish="false"</c>/<c>"true"</c> metadata on a
/// PackageReference, and runtime-pack assets of self-contained apps (those are the .NET runtime, listed separately).
/// </summary>
public static class ProjectAssetsReader
{
    private const string PlaceholderFileName = "_._";

    private static readonly string[] RuntimeAssetSections = ["runtime", "native", "resource", "runtimeTargets"];

    /// <summary>Reads and resolves the assets file at <paramref name="assetsFilePath"/>; failures are SC5001–SC5004.</summary>
    /// <param name="targetFramework">The project's <c>TargetFramework</c> (its alias, e.g. <c>net10.0</c>).</param>
    /// <param name="runtimeIdentifier">The publish RID, or <c>null</c> for a RID-less (portable) restore.</param>
    /// <param name="diagnostics">Receives SC5005 warnings; may be <c>null</c>.</param>
    public static NuGetRuntimeClosure Read(string assetsFilePath, string targetFramework, string? runtimeIdentifier, IDiagnosticSink? diagnostics = null)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(assetsFilePath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SecureContainerException(NuGetAssetsDiagnostics.AssetsFileMissing.Create(assetsFilePath, "it does not exist"), ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecureContainerException(NuGetAssetsDiagnostics.AssetsFileMissing.Create(assetsFilePath, ex.Message), ex);
        }

        return Parse(content, assetsFilePath, targetFramework, runtimeIdentifier, diagnostics);
    }

    /// <summary>Resolves already-loaded assets JSON; <paramref name="sourcePath"/> only names the file in messages.</summary>
    public static NuGetRuntimeClosure Parse(ReadOnlyMemory<byte> json, string sourcePath, string targetFramework, string? runtimeIdentifier, IDiagnosticSink? diagnostics = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetFramework);
        if (string.IsNullOrEmpty(runtimeIdentifier))
        {
            runtimeIdentifier = null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new SecureContainerException(NuGetAssetsDiagnostics.AssetsFileInvalid.Create(sourcePath, "it is not valid JSON (" + ex.Message + ")"), ex);
        }

        using (document)
        {
            try
            {
                return Resolve(document.RootElement, sourcePath, targetFramework, runtimeIdentifier, diagnostics);
            }
            catch (AssetsFormatException ex)
            {
                throw new SecureContainerException(NuGetAssetsDiagnostics.AssetsFileInvalid.Create(sourcePath, ex.Message), ex);
            }
        }
    }

    private static NuGetRuntimeClosure Resolve(JsonElement root, string sourcePath, string targetFramework, string? rid, IDiagnosticSink? diagnostics)
    {
        JsonElement project = RequireObject(root, "project", "the root");
        JsonElement frameworks = RequireObject(project, "frameworks", "'project'");
        JsonElement targets = RequireObject(root, "targets", "the root");

        (string frameworkKey, JsonElement framework) = FindFramework(frameworks, targetFramework)
            ?? throw new SecureContainerException(NuGetAssetsDiagnostics.TargetFrameworkNotRestored.Create(
                sourcePath, targetFramework, ListOrNone(frameworks.EnumerateObject().Select(p => p.Name))));

        string targetKey = FindTargetKey(targets, frameworks, frameworkKey, framework, targetFramework, rid, sourcePath);
        string targetFrameworkName = rid is null ? targetKey : targetKey[..targetKey.LastIndexOf('/')];

        Dictionary<string, TargetLibrary> libraries = ReadTargetLibraries(targets.GetProperty(targetKey), targetKey);
        List<string> topLevel = ReadTopLevelDependencies(root, targetFrameworkName, libraries);
        HashSet<string> excludedFromPublish = ReadPrivateAssetsAll(framework, libraries);

        // What publish copies: PrivateAssets="all" references, and whatever only they bring in, lose their files
        // (the SDK's ProjectContext.GetExcludeFromPublishList) but stay in the graph the deps.json is built from.
        HashSet<string> publicClosure = Walk(topLevel.Where(id => !excludedFromPublish.Contains(id)), libraries);
        HashSet<string> withoutFiles = ExcludedFromPublish(excludedFromPublish, publicClosure, libraries);
        foreach (string id in excludedFromPublish.Where(publicClosure.Contains).Order(StringComparer.Ordinal))
        {
            string dependent = libraries.Values
                .Where(l => publicClosure.Contains(l.Id) && l.DependencyIds.Contains(id, StringComparer.OrdinalIgnoreCase))
                .Select(l => l.Id)
                .Order(StringComparer.Ordinal)
                .FirstOrDefault() ?? "another package";
            diagnostics?.Report(NuGetAssetsDiagnostics.PrivatePackageNeededAtRuntime.Create(id, dependent));
        }

        bool ShipsFiles(TargetLibrary l) => l.HasRuntimeAssets && !withoutFiles.Contains(l.Id);
        HashSet<string> shipped = DropLibrariesWithoutFiles(topLevel, libraries, ShipsFiles);
        HashSet<string> direct = new(topLevel, StringComparer.OrdinalIgnoreCase);

        NuGetLibrary[] result = libraries.Values
            .Where(l => shipped.Contains(l.Id))
            .Select(l => ToLibrary(root, l, direct.Contains(l.Id), ShipsFiles(l), l.DependencyIds.Where(shipped.Contains).Select(d => libraries[d].Id)))
            .OrderBy(l => l.Id, StringComparer.Ordinal)
            .ToArray();

        // Packages of the runtime graph that publish does not ship, because restore gave them no files: superseded by a
        // shared framework (pruned), or placeholders only. The SBOM always lists them (scope "excluded", with why), so a
        // NuGet audit warning about one is explained there.
        string[] frameworkReferences = ReadFrameworkReferences(framework);
        Dictionary<string, string> prune = ReadPackagesToPrune(framework);
        NotShippedLibrary[] notShipped = libraries.Values
            .Where(l => l.Kind == NuGetLibraryKind.Package && publicClosure.Contains(l.Id) && !shipped.Contains(l.Id))
            .Select(l => new NotShippedLibrary(
                ToLibrary(root, l, direct.Contains(l.Id), hasRuntimeAssets: false, l.DependencyIds.Where(d => publicClosure.Contains(d) && libraries.ContainsKey(d)).Select(d => libraries[d].Id)),
                withoutFiles.Contains(l.Id)
                    ? "PrivateAssets=\"all\" keeps it out of publish although the runtime graph needs it (SC5005)"
                    : NotShippedReason(l, prune, frameworkReferences, targetKey)))
            .OrderBy(n => n.Library.Id, StringComparer.Ordinal)
            .ToArray();
        HashSet<string> accounted = new(notShipped.Select(n => n.Library.Id), StringComparer.OrdinalIgnoreCase);

        // Everything else restore resolved that publish does not ship: PrivateAssets="all" tooling, analyzers, compile-only
        // references. The SBOM lists them only on request (scope "excluded"), with their full dependency lists.
        NuGetLibrary[] buildOnly = libraries.Values
            .Where(l => !shipped.Contains(l.Id) && !accounted.Contains(l.Id))
            .Select(l => ToLibrary(root, l, direct.Contains(l.Id), hasRuntimeAssets: false, l.DependencyIds.Where(libraries.ContainsKey).Select(d => libraries[d].Id)))
            .OrderBy(l => l.Id, StringComparer.Ordinal)
            .ToArray();

        return new NuGetRuntimeClosure(sourcePath, targetKey, result)
        {
            NotShippedLibraries = notShipped,
            BuildOnlyLibraries = buildOnly,
            PackageFolders = ReadPackageFolders(root),
            FrameworkReferences = frameworkReferences,
        };
    }

    /// <summary>
    /// Why restore gave a runtime-graph package no files. NuGet (.NET 10+) prunes packages a shared framework provides:
    /// <c>packagesToPrune</c> lists each such id with the version range the frameworks supersede.
    /// </summary>
    private static string NotShippedReason(TargetLibrary library, Dictionary<string, string> prune, string[] frameworks, string targetKey)
    {
        if (prune.TryGetValue(library.Id, out string? range) && NuGetVersionRangeContains(range, library.Version))
        {
            return $"superseded by the shared framework ({string.Join(", ", frameworks.DefaultIfEmpty("the target framework"))}): restore pruned {library.Id} {range}, so the framework's own copy is what runs";
        }

        return $"restore resolved no runtime files for it on {targetKey} (placeholder or compile-only assets), so publish copies nothing of it";
    }

    private static bool NuGetVersionRangeContains(string range, string version) =>
        Vulnerabilities.NuGetVersionRange.TryParse(range, out Vulnerabilities.NuGetVersionRange? parsed)
        && Vulnerabilities.NuGetPackageVersion.TryParse(version, out Vulnerabilities.NuGetPackageVersion? v)
        && parsed.Satisfies(v);

    /// <summary><c>project.frameworks.&lt;tfm&gt;.packagesToPrune</c>: id → version range (NuGet 6.13+, .NET 10 SDK).</summary>
    private static Dictionary<string, string> ReadPackagesToPrune(JsonElement framework)
    {
        Dictionary<string, string> result = new(StringComparer.OrdinalIgnoreCase);
        if (framework.TryGetProperty("packagesToPrune", out JsonElement prune) && prune.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in prune.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                result[p.Name] = p.Value.GetString()!;
            }
        }

        return result;
    }

    private static NuGetLibrary ToLibrary(JsonElement root, TargetLibrary library, bool isDirect, bool hasRuntimeAssets, IEnumerable<string> dependencies)
    {
        (string? sha512, string? path) = library.Kind == NuGetLibraryKind.Package ? ReadPackageEntry(root, library.Key) : (null, null);
        return new NuGetLibrary(
            library.Id,
            library.Version,
            library.Kind,
            sha512,
            isDirect,
            hasRuntimeAssets,
            dependencies.Distinct().Order(StringComparer.Ordinal).ToArray(),
            path);
    }

    /// <summary>
    /// <c>packageFolders</c> lists the global packages folder first, then fallback folders, as restore searched them;
    /// the keys are absolute paths of the machine that restored.
    /// </summary>
    private static string[] ReadPackageFolders(JsonElement root) =>
        root.TryGetProperty("packageFolders", out JsonElement folders) && folders.ValueKind == JsonValueKind.Object
            ? folders.EnumerateObject().Select(f => f.Name).Where(n => n.Length > 0).ToArray()
            : [];

    /// <summary>The shared frameworks the project references (<c>Microsoft.NETCore.App</c>, <c>Microsoft.AspNetCore.App</c>).</summary>
    private static string[] ReadFrameworkReferences(JsonElement framework) =>
        framework.TryGetProperty("frameworkReferences", out JsonElement references) && references.ValueKind == JsonValueKind.Object
            ? references.EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>
    /// <c>project.frameworks</c> is keyed by the TargetFramework alias; older files key it by framework and newer ones
    /// also write <c>targetAlias</c>, so both are matched.
    /// </summary>
    private static (string Key, JsonElement Framework)? FindFramework(JsonElement frameworks, string targetFramework)
    {
        foreach (JsonProperty p in frameworks.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Object &&
                (string.Equals(p.Name, targetFramework, StringComparison.OrdinalIgnoreCase) ||
                 string.Equals(OptionalString(p.Value, "targetAlias"), targetFramework, StringComparison.OrdinalIgnoreCase)))
            {
                return (p.Name, p.Value);
            }
        }

        return null;
    }

    /// <summary>
    /// Targets are keyed <c>framework</c> and <c>framework/rid</c>, where framework is the short name (assets v3,
    /// e.g. <c>net10.0</c>) or the alias (v4); a project with a single framework may also use the long name
    /// (<c>.NETCoreApp,Version=v3.1</c>), which is only taken when it is unambiguous.
    /// </summary>
    private static string FindTargetKey(JsonElement targets, JsonElement frameworks, string frameworkKey, JsonElement framework, string targetFramework, string? rid, string sourcePath)
    {
        List<string> keys = targets.EnumerateObject().Select(p => p.Name).ToList();
        string[] frameworkParts = keys.Select(k => k.Split('/')[0]).Distinct(StringComparer.Ordinal).ToArray();
        string?[] names = [targetFramework, frameworkKey, OptionalString(framework, "framework")];

        string? frameworkPart = null;
        foreach (StringComparison comparison in new[] { StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase })
        {
            frameworkPart ??= names.Where(n => n is not null).Select(n => frameworkParts.FirstOrDefault(p => string.Equals(p, n, comparison))).FirstOrDefault(p => p is not null);
        }

        if (frameworkPart is null && frameworks.EnumerateObject().Count() == 1 && frameworkParts.Length == 1)
        {
            frameworkPart = frameworkParts[0];
        }

        string available = ListOrNone(keys);
        if (frameworkPart is null)
        {
            throw new SecureContainerException(NuGetAssetsDiagnostics.TargetFrameworkNotRestored.Create(sourcePath, targetFramework, available));
        }

        string wanted = rid is null ? frameworkPart : frameworkPart + "/" + rid;
        string? key = keys.FirstOrDefault(k => string.Equals(k, wanted, StringComparison.Ordinal))
            ?? keys.FirstOrDefault(k => string.Equals(k, wanted, StringComparison.OrdinalIgnoreCase));
        if (key is null)
        {
            throw new SecureContainerException(rid is null
                ? NuGetAssetsDiagnostics.TargetFrameworkNotRestored.Create(sourcePath, targetFramework, available)
                : NuGetAssetsDiagnostics.RuntimeIdentifierNotRestored.Create(sourcePath, targetFramework, rid, available));
        }

        return RequireObjectValue(targets, key);
    }

    private static string RequireObjectValue(JsonElement parent, string key) =>
        parent.GetProperty(key).ValueKind == JsonValueKind.Object ? key : throw new AssetsFormatException($"target '{key}' is not an object");

    private static Dictionary<string, TargetLibrary> ReadTargetLibraries(JsonElement target, string targetKey)
    {
        // Insertion order is the file's order; the SDK prunes in that order, so keeping it keeps results identical.
        Dictionary<string, TargetLibrary> libraries = new(StringComparer.OrdinalIgnoreCase);
        foreach (JsonProperty entry in target.EnumerateObject())
        {
            int slash = entry.Name.IndexOf('/');
            if (slash <= 0 || slash == entry.Name.Length - 1)
            {
                throw new AssetsFormatException($"library key '{entry.Name}' in target '{targetKey}' is not '<id>/<version>'");
            }

            if (entry.Value.ValueKind != JsonValueKind.Object)
            {
                throw new AssetsFormatException($"library '{entry.Name}' in target '{targetKey}' is not an object");
            }

            NuGetLibraryKind? kind = OptionalString(entry.Value, "type") switch
            {
                "package" => NuGetLibraryKind.Package,
                "project" => NuGetLibraryKind.Project,
                _ => null,
            };
            if (kind is null)
            {
                // Other kinds (external projects, references) carry no NuGet identity the SBOM could name.
                continue;
            }

            string id = entry.Name[..slash];
            List<string> dependencies = [];
            if (entry.Value.TryGetProperty("dependencies", out JsonElement deps))
            {
                if (deps.ValueKind != JsonValueKind.Object)
                {
                    throw new AssetsFormatException($"'dependencies' of '{entry.Name}' is not an object");
                }

                dependencies.AddRange(deps.EnumerateObject().Select(d => d.Name));
            }

            if (!libraries.TryAdd(id, new TargetLibrary(entry.Name, id, entry.Name[(slash + 1)..], kind.Value, HasRuntimeAssets(entry.Value), dependencies)))
            {
                throw new AssetsFormatException($"target '{targetKey}' lists '{id}' twice");
            }
        }

        return libraries;
    }

    private static bool HasRuntimeAssets(JsonElement library)
    {
        foreach (string section in RuntimeAssetSections)
        {
            if (library.TryGetProperty(section, out JsonElement files) && files.ValueKind == JsonValueKind.Object &&
                files.EnumerateObject().Any(f => !f.Name.EndsWith(PlaceholderFileName, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The project's own references (packages and projects), as the SDK finds them for the deps.json.</summary>
    private static List<string> ReadTopLevelDependencies(JsonElement root, string targetFrameworkName, Dictionary<string, TargetLibrary> libraries)
    {
        List<string> result = [];
        JsonElement groups = RequireObject(root, "projectFileDependencyGroups", "the root");
        foreach (JsonProperty group in groups.EnumerateObject())
        {
            if (group.Name.Length != 0 && !group.Name.Equals(targetFrameworkName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (group.Value.ValueKind != JsonValueKind.Array)
            {
                throw new AssetsFormatException($"projectFileDependencyGroups '{group.Name}' is not an array");
            }

            foreach (JsonElement item in group.Value.EnumerateArray())
            {
                // Entries read "Newtonsoft.Json >= 13.0.3": the id is everything before the first white space.
                string text = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new AssetsFormatException("a projectFileDependencyGroups entry is not a string");
                int space = text.IndexOfAny([' ', '\t']);
                string id = space < 0 ? text : text[..space];
                if (libraries.TryGetValue(id, out TargetLibrary? library) && !result.Contains(library.Id))
                {
                    result.Add(library.Id);
                }
            }
        }

        return result;
    }

    private static HashSet<string> ReadPrivateAssetsAll(JsonElement framework, Dictionary<string, TargetLibrary> libraries)
    {
        HashSet<string> result = new(StringComparer.OrdinalIgnoreCase);
        if (!framework.TryGetProperty("dependencies", out JsonElement deps))
        {
            return result;
        }

        if (deps.ValueKind != JsonValueKind.Object)
        {
            throw new AssetsFormatException("the framework's 'dependencies' is not an object");
        }

        foreach (JsonProperty dependency in deps.EnumerateObject())
        {
            // NuGet writes the flags normalised, so PrivateAssets="all" (or every flag spelled out) becomes "All".
            if (dependency.Value.ValueKind == JsonValueKind.Object &&
                string.Equals(OptionalString(dependency.Value, "suppressParent"), "All", StringComparison.OrdinalIgnoreCase) &&
                libraries.TryGetValue(dependency.Name, out TargetLibrary? library))
            {
                result.Add(library.Id);
            }
        }

        return result;
    }

    private static HashSet<string> Walk(IEnumerable<string> roots, Dictionary<string, TargetLibrary> libraries)
    {
        HashSet<string> seen = new(StringComparer.OrdinalIgnoreCase);
        Stack<string> pending = new(roots);
        while (pending.Count > 0)
        {
            string id = pending.Pop();
            if (!libraries.TryGetValue(id, out TargetLibrary? library) || !seen.Add(library.Id))
            {
                continue;
            }

            foreach (string dependency in library.DependencyIds)
            {
                pending.Push(dependency);
            }
        }

        return seen;
    }

    /// <summary>The PrivateAssets="all" references plus every library reached from them but not from a public reference.</summary>
    private static HashSet<string> ExcludedFromPublish(HashSet<string> privateReferences, HashSet<string> publicClosure, Dictionary<string, TargetLibrary> libraries)
    {
        HashSet<string> excluded = new(StringComparer.OrdinalIgnoreCase);
        Stack<string> pending = new(privateReferences);
        while (pending.Count > 0)
        {
            if (!libraries.TryGetValue(pending.Pop(), out TargetLibrary? library) || !excluded.Add(library.Id))
            {
                continue;
            }

            foreach (string dependency in library.DependencyIds.Where(d => !publicClosure.Contains(d)))
            {
                pending.Push(dependency);
            }
        }

        return excluded;
    }

    /// <summary>
    /// The SDK's deps.json writer removes a library that ships no files (no runtime, native or resource assets, or
    /// excluded from publish) when every library it depends on has another dependent, repeating as removals change
    /// the counts. The same rule is applied here, in the same order, with the app as the root that depends on its
    /// top-level references; a file-less library that is the only link to a dependency therefore stays listed.
    /// </summary>
    private static HashSet<string> DropLibrariesWithoutFiles(List<string> topLevel, Dictionary<string, TargetLibrary> libraries, Func<TargetLibrary, bool> shipsFiles)
    {
        const string app = "";
        HashSet<string> present = new(libraries.Keys, StringComparer.OrdinalIgnoreCase);
        Dictionary<string, List<string>> dependsOn = new(StringComparer.OrdinalIgnoreCase)
        {
            [app] = topLevel.Where(present.Contains).ToList(),
        };
        List<string> order = [app];
        foreach (TargetLibrary library in libraries.Values.Where(l => present.Contains(l.Id)))
        {
            dependsOn[library.Id] = library.DependencyIds.Where(present.Contains).Select(d => libraries[d].Id).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            order.Add(library.Id);
        }

        Dictionary<string, HashSet<string>> dependents = order.ToDictionary(id => id, _ => new HashSet<string>(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        foreach (string id in order)
        {
            foreach (string dependency in dependsOn[id])
            {
                dependents[dependency].Add(id);
            }
        }

        List<string> pass = order;
        while (pass.Count > 0)
        {
            List<string> next = [];
            foreach (string id in pass)
            {
                if (id == app || !present.Contains(id) || shipsFiles(libraries[id]))
                {
                    continue;
                }

                if (dependsOn[id].All(d => !present.Contains(d) || dependents[d].Count > 1))
                {
                    present.Remove(id);
                    foreach (string dependency in dependsOn[id])
                    {
                        dependents[dependency].Remove(id);
                    }

                    next.AddRange(dependents[id].Where(d => !next.Contains(d, StringComparer.OrdinalIgnoreCase)));
                }
            }

            pass = next;
        }

        return present;
    }

    /// <summary>The package's SHA-512 (as lowercase hex) and its folder relative to a packages folder (<c>path</c>).</summary>
    private static (string Sha512Hex, string? Path) ReadPackageEntry(JsonElement root, string libraryKey)
    {
        JsonElement libraries = RequireObject(root, "libraries", "the root");
        if (!libraries.TryGetProperty(libraryKey, out JsonElement library) || library.ValueKind != JsonValueKind.Object)
        {
            throw new AssetsFormatException($"'libraries' has no entry for '{libraryKey}'");
        }

        string sha512 = OptionalString(library, "sha512") ?? throw new AssetsFormatException($"'{libraryKey}' has no sha512");
        byte[] hash;
        try
        {
            hash = Convert.FromBase64String(sha512);
        }
        catch (FormatException ex)
        {
            throw new AssetsFormatException($"the sha512 of '{libraryKey}' is not base64", ex);
        }

        return hash.Length == 64
            ? (Convert.ToHexStringLower(hash), OptionalString(library, "path"))
            : throw new AssetsFormatException($"the sha512 of '{libraryKey}' is {hash.Length} bytes, not 64");
    }

    private static JsonElement RequireObject(JsonElement parent, string name, string where)
    {
        if (parent.ValueKind != JsonValueKind.Object)
        {
            throw new AssetsFormatException($"{where} is not a JSON object");
        }

        return parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object
            ? value
            : throw new AssetsFormatException($"{where} has no '{name}' object");
    }

    private static string? OptionalString(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string ListOrNone(IEnumerable<string> items)
    {
        string list = string.Join(", ", items);
        return list.Length == 0 ? "none" : list;
    }

    private sealed record TargetLibrary(string Key, string Id, string Version, NuGetLibraryKind Kind, bool HasRuntimeAssets, List<string> DependencyIds);

    /// <summary>Shape errors inside the file; <see cref="Parse"/> turns them into SC5002 naming the file.</summary>
    private sealed class AssetsFormatException : Exception
    {
        public AssetsFormatException(string message, Exception? inner = null)
            : base(message, inner)
        {
        }
    }
}

using System.Globalization;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.NuGet;

/// <summary>
/// What one <c>*.deps.json</c> says ships: the app (the <c>project</c> library the file is named for) and the packages
/// and referenced projects it loads, with their SHA-512s and dependency graph for the runtime target.
/// </summary>
/// <param name="Path">Where the file is (an in-image path such as <c>/app/app.deps.json</c>); only names it in messages.</param>
/// <param name="RuntimeTarget">The target the host loads (<c>runtimeTarget.name</c>, e.g. <c>.NETCoreApp,Version=v10.0/linux-x64</c>).</param>
/// <param name="Application">The app itself, or null for a manifest that names no project: a shared framework's own
/// <c>Microsoft.NETCore.App.deps.json</c>, which describes the runtime, not an app.</param>
/// <param name="Libraries">Every package and referenced project besides the app, sorted by id (ordinal).</param>
/// <param name="RuntimePacks">The <c>runtimepack</c> libraries of a self-contained app (<c>Microsoft.NETCore.App.Runtime.linux-x64</c>
/// and so on): the .NET runtime copied into the app, as <c>id/version</c>, ordinal order.</param>
public sealed record DepsJsonFile(
    string Path,
    string RuntimeTarget,
    NuGetLibrary? Application,
    IReadOnlyList<NuGetLibrary> Libraries,
    IReadOnlyList<string> RuntimePacks)
{
    public bool IsApplication => Application is not null;

    public IEnumerable<NuGetLibrary> Packages => Libraries.Where(l => l.Kind == NuGetLibraryKind.Package);

    public IEnumerable<NuGetLibrary> Projects => Libraries.Where(l => l.Kind == NuGetLibraryKind.Project);
}

/// <summary>
/// Reads the dependency manifest <c>dotnet publish</c> writes next to an app (<c>&lt;app&gt;.deps.json</c>), which is
/// what the .NET host loads: for an image any tool built, it is the only record of the app's NuGet packages that
/// survives into the image. <c>libraries</c> gives each library's type, SHA-512 and package path;
/// <c>targets[runtimeTarget]</c> gives dependencies and whether it has runtime, native or resource files. The file is
/// untrusted input: it is capped at <see cref="MaxBytes"/> (SC5012), and anything that is not the SDK's shape is
/// SC5011, never a partial list.
/// </summary>
public static class DepsJsonReader
{
    /// <summary>The largest file read. The SDK writes a few KB per package; 16 MiB is far beyond any real app.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    private const string Sha512Prefix = "sha512-";

    private static readonly string[] RuntimeAssetSections = ["runtime", "native", "resources", "runtimeTargets"];

    /// <summary>True for a file name the host would load as a dependency manifest (<c>*.deps.json</c>).</summary>
    public static bool IsDepsJsonFileName(string fileName) =>
        fileName.Length > ".deps.json".Length && fileName.EndsWith(".deps.json", StringComparison.Ordinal);

    /// <summary>Reads a file from disk; SC5012 when it is larger than <see cref="MaxBytes"/>.</summary>
    public static DepsJsonFile Read(string filePath)
    {
        long length = new FileInfo(filePath).Length;
        if (length > MaxBytes)
        {
            throw TooLarge(filePath, length);
        }

        return Parse(File.ReadAllBytes(filePath), filePath);
    }

    /// <summary>The coded error for a file over <see cref="MaxBytes"/>, for callers that see the size before the bytes.</summary>
    public static SecureContainerException TooLarge(string path, long length) =>
        new(NuGetAssetsDiagnostics.DepsJsonTooLarge.Create($"'{path}'", length.ToString(CultureInfo.InvariantCulture), MaxBytes.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Parses already-loaded JSON; <paramref name="path"/> names the file in SC5011/SC5012 messages.</summary>
    public static DepsJsonFile Parse(ReadOnlyMemory<byte> json, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (json.Length > MaxBytes)
        {
            throw TooLarge(path, json.Length);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw Invalid(path, "it is not valid JSON (" + ex.Message + ")", ex);
        }

        using (document)
        {
            try
            {
                return Resolve(document.RootElement, path);
            }
            catch (DepsFormatException ex)
            {
                throw Invalid(path, ex.Message, ex);
            }
        }
    }

    private static SecureContainerException Invalid(string path, string reason, Exception inner) =>
        new(NuGetAssetsDiagnostics.DepsJsonInvalid.Create(path, reason), inner);

    private static DepsJsonFile Resolve(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DepsFormatException("the root is not a JSON object");
        }

        JsonElement targets = RequireObject(root, "targets", "the root");
        JsonElement libraries = RequireObject(root, "libraries", "the root");
        string targetName = ReadRuntimeTargetName(root, targets);
        if (!targets.TryGetProperty(targetName, out JsonElement target) || target.ValueKind != JsonValueKind.Object)
        {
            throw new DepsFormatException($"'targets' has no '{targetName}' object (the runtimeTarget)");
        }

        Dictionary<string, TargetEntry> graph = ReadTarget(target, targetName);
        var entries = new List<LibraryEntry>();
        var runtimePacks = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonProperty library in libraries.EnumerateObject())
        {
            (string id, string version) = SplitKey(library.Name, "'libraries'");
            if (library.Value.ValueKind != JsonValueKind.Object)
            {
                throw new DepsFormatException($"library '{library.Name}' is not an object");
            }

            if (!seen.Add(id))
            {
                throw new DepsFormatException($"'libraries' lists '{id}' twice");
            }

            string? type = OptionalString(library.Value, "type");
            NuGetLibraryKind? kind = type switch
            {
                "package" => NuGetLibraryKind.Package,
                "project" => NuGetLibraryKind.Project,
                _ => null,
            };
            if (kind is null)
            {
                // runtimepack: the .NET runtime of a self-contained app; reference/referenceassembly: compilation
                // context. None of them is a NuGet package the SBOM could name by purl.
                if (type == "runtimepack")
                {
                    runtimePacks.Add(library.Name);
                }

                continue;
            }

            string? sha512 = kind == NuGetLibraryKind.Package ? ReadSha512(library.Value, library.Name) : null;
            graph.TryGetValue(library.Name, out TargetEntry? entry);
            entries.Add(new LibraryEntry(id, version, kind.Value, sha512, OptionalString(library.Value, "path"), entry));
        }

        LibraryEntry? app = FindApplication(entries, path, target);
        HashSet<string> ids = entries.Where(e => e != app).Select(e => e.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Dictionary<string, string> canonical = entries.ToDictionary(e => e.Id, e => e.Id, StringComparer.OrdinalIgnoreCase);
        HashSet<string> direct = new(app?.Target?.Dependencies ?? [], StringComparer.OrdinalIgnoreCase);

        NuGetLibrary ToLibrary(LibraryEntry e, bool isDirect) => new(
            e.Id,
            e.Version,
            e.Kind,
            e.Sha512Hex,
            isDirect,
            e.Target?.HasRuntimeAssets ?? false,
            (e.Target?.Dependencies ?? []).Where(ids.Contains).Select(d => canonical[d]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
            e.Kind == NuGetLibraryKind.Package ? e.PackagePath : null);

        NuGetLibrary[] result = entries
            .Where(e => e != app)
            .Select(e => ToLibrary(e, direct.Contains(e.Id)))
            .OrderBy(l => l.Id, StringComparer.Ordinal)
            .ToArray();

        return new DepsJsonFile(path, targetName, app is null ? null : ToLibrary(app, isDirect: true), result, runtimePacks.Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>
    /// <c>runtimeTarget</c> is an object with <c>name</c> (SDK 2.0 and later) or a plain string (older); without it the
    /// host takes the first target, and so does this.
    /// </summary>
    private static string ReadRuntimeTargetName(JsonElement root, JsonElement targets)
    {
        if (root.TryGetProperty("runtimeTarget", out JsonElement runtimeTarget))
        {
            string? name = runtimeTarget.ValueKind switch
            {
                JsonValueKind.String => runtimeTarget.GetString(),
                JsonValueKind.Object => OptionalString(runtimeTarget, "name"),
                _ => null,
            };
            return string.IsNullOrEmpty(name) ? throw new DepsFormatException("'runtimeTarget' has no name") : name;
        }

        foreach (JsonProperty first in targets.EnumerateObject())
        {
            return first.Name;
        }

        throw new DepsFormatException("it has neither a 'runtimeTarget' nor any target");
    }

    private static Dictionary<string, TargetEntry> ReadTarget(JsonElement target, string targetName)
    {
        var result = new Dictionary<string, TargetEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonProperty entry in target.EnumerateObject())
        {
            SplitKey(entry.Name, $"target '{targetName}'");
            if (entry.Value.ValueKind != JsonValueKind.Object)
            {
                throw new DepsFormatException($"'{entry.Name}' in target '{targetName}' is not an object");
            }

            string[] dependencies = [];
            if (entry.Value.TryGetProperty("dependencies", out JsonElement deps))
            {
                dependencies = deps.ValueKind == JsonValueKind.Object
                    ? deps.EnumerateObject().Select(d => d.Name).ToArray()
                    : throw new DepsFormatException($"'dependencies' of '{entry.Name}' is not an object");
            }

            bool hasAssets = RuntimeAssetSections.Any(s =>
                entry.Value.TryGetProperty(s, out JsonElement files) && files.ValueKind == JsonValueKind.Object && files.EnumerateObject().Any());
            if (!result.TryAdd(entry.Name, new TargetEntry(dependencies, hasAssets)))
            {
                throw new DepsFormatException($"target '{targetName}' lists '{entry.Name}' twice");
            }
        }

        return result;
    }

    /// <summary>
    /// The app is the project the file is named for (<c>app.deps.json</c> → <c>app</c>), which the SDK also writes
    /// first; a manifest renamed by hand falls back to the first project of the runtime target.
    /// </summary>
    private static LibraryEntry? FindApplication(List<LibraryEntry> entries, string path, JsonElement target)
    {
        List<LibraryEntry> projects = entries.Where(e => e.Kind == NuGetLibraryKind.Project).ToList();
        string fileName = path[(path.LastIndexOfAny(['/', '\\']) + 1)..];
        string stem = fileName.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase) ? fileName[..^".deps.json".Length] : fileName;
        LibraryEntry? named = projects.FirstOrDefault(p => string.Equals(p.Id, stem, StringComparison.Ordinal))
            ?? projects.FirstOrDefault(p => string.Equals(p.Id, stem, StringComparison.OrdinalIgnoreCase));
        if (named is not null)
        {
            return named;
        }

        foreach (JsonProperty entry in target.EnumerateObject())
        {
            string id = entry.Name[..entry.Name.IndexOf('/')];
            if (projects.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase)) is { } first)
            {
                return first;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>sha512-&lt;base64&gt;</c> as the SDK copies it from the assets file, returned as lowercase hex; empty for
    /// packages the SDK does not hash (a shared framework's own manifest), which gives null.
    /// </summary>
    private static string? ReadSha512(JsonElement library, string key)
    {
        string? value = OptionalString(library, "sha512");
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!value.StartsWith(Sha512Prefix, StringComparison.Ordinal))
        {
            throw new DepsFormatException($"the sha512 of '{key}' does not start with '{Sha512Prefix}'");
        }

        byte[] hash;
        try
        {
            hash = Convert.FromBase64String(value[Sha512Prefix.Length..]);
        }
        catch (FormatException ex)
        {
            throw new DepsFormatException($"the sha512 of '{key}' is not base64", ex);
        }

        return hash.Length == 64
            ? Convert.ToHexStringLower(hash)
            : throw new DepsFormatException($"the sha512 of '{key}' is {hash.Length} bytes, not 64");
    }

    private static (string Id, string Version) SplitKey(string key, string where)
    {
        int slash = key.IndexOf('/');
        return slash <= 0 || slash == key.Length - 1 || key.IndexOf('/', slash + 1) >= 0
            ? throw new DepsFormatException($"library key '{key}' in {where} is not '<id>/<version>'")
            : (key[..slash], key[(slash + 1)..]);
    }

    private static JsonElement RequireObject(JsonElement parent, string name, string where) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object
            ? value
            : throw new DepsFormatException($"{where} has no '{name}' object");

    private static string? OptionalString(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record TargetEntry(string[] Dependencies, bool HasRuntimeAssets);

    private sealed record LibraryEntry(string Id, string Version, NuGetLibraryKind Kind, string? Sha512Hex, string? PackagePath, TargetEntry? Target);

    /// <summary>Shape errors inside the file; <see cref="Parse"/> turns them into SC5011 naming the file.</summary>
    private sealed class DepsFormatException(string message, Exception? inner = null) : Exception(message, inner);
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SecureContainers.Core.Vulnerabilities;

/// <summary>
/// The vulnerability data NuGet.Protocol keeps in NuGet's HTTP cache (restore's audit downloads it there), read only
/// when NuGet itself would answer from that cache: every file present and younger than <see cref="MaxAge"/>, every
/// document in the plain shape that NuGet and <see cref="NuGetVulnerabilityDocuments"/> read alike. Anything else is a
/// miss (<c>null</c>), and the caller asks NuGet.Protocol, which downloads, repairs or reports as it always did. A fresh
/// build process so skips NuGet.Protocol's resource providers, credential set-up and JSON stack when there is nothing
/// to download.
/// </summary>
public static partial class NuGetHttpCacheVulnerabilities
{
    /// <summary>How long NuGet trusts an HTTP cache entry by default (<c>SourceCacheContext</c>), restore's audit included.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(30);

    // NuGet's own limits (VulnerabilityInfoResourceV3): at most 16 pages, names of 1-32 letters, digits, '-' or '_'.
    private const int MaxPages = 16;
    private const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>
    /// The folder NuGet caches <paramref name="source"/>'s documents in (<c>HttpCacheUtility</c>): the first 20 bytes of
    /// the SHA-256 of the source URL in hex, <c>$</c>, its last 32 characters, with characters not allowed in a file
    /// name replaced by <c>_</c> and doubled <c>_</c> halved twice, as NuGet does.
    /// </summary>
    /// <param name="source">The source URL as NuGet holds it (<c>PackageSource.SourceUri.OriginalString</c>).</param>
    public static string SourceFolder(string cacheRoot, string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(cacheRoot);
        ArgumentException.ThrowIfNullOrEmpty(source);
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)).AsSpan(0, 20));
        string trailing = source.Length > 32 ? source[^32..] : source;
        return Path.Combine(cacheRoot, FileNameSafe(hash + "$" + trailing));
    }

    /// <summary>
    /// The advisories of <paramref name="packageIds"/> from <paramref name="source"/>'s cached vulnerability data, or
    /// <c>null</c> when NuGet would not answer from the cache alone (or would read it differently).
    /// </summary>
    /// <param name="cacheRoot">NuGet's HTTP cache folder (<c>SettingsUtility.GetHttpCacheFolder()</c>).</param>
    /// <param name="source">The source URL as NuGet holds it (<c>PackageSource.SourceUri.OriginalString</c>).</param>
    /// <param name="sourceName">The name advisories are credited to.</param>
    /// <param name="utcNow">Now, against which each file's time of last write is aged.</param>
    public static IReadOnlyList<(string PackageId, Advisory Advisory)>? TryRead(string cacheRoot, string source, string sourceName, IReadOnlyCollection<string> packageIds, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(packageIds);
        string folder = SourceFolder(cacheRoot, source);
        if (!Uri.TryCreate(source, UriKind.Absolute, out Uri? sourceUri))
        {
            return null;
        }

        try
        {
            Uri? index;
            using (JsonDocument? serviceIndex = ReadFresh(folder, "service_index", utcNow))
            {
                if (serviceIndex is null || !IsVersion3(serviceIndex.RootElement) || !TryFindResource(serviceIndex.RootElement, sourceUri, out index))
                {
                    return null;
                }
            }

            IReadOnlyList<(string Name, Uri Url)> pages;
            using (JsonDocument? vulnerabilityIndex = ReadFresh(folder, "vuln_index", utcNow))
            {
                if (vulnerabilityIndex is null)
                {
                    return null;
                }

                // Not an array, over 16 pages or a page without a URL throws, which is a miss too.
                pages = NuGetVulnerabilityDocuments.ReadIndex(vulnerabilityIndex.RootElement, index, MaxPages);
                if (!pages.All(p => PageName().IsMatch(p.Name)) || pages.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != pages.Count)
                {
                    return null;
                }
            }

            HashSet<string> wanted = new(packageIds, StringComparer.OrdinalIgnoreCase);
            List<(string PackageId, Advisory Advisory)> advisories = [];
            foreach ((string name, _) in pages)
            {
                using JsonDocument? page = ReadFresh(folder, "vuln_data_" + name, utcNow);
                if (page is null)
                {
                    return null;
                }

                // NuGet fails the whole page on any entry this reader would skip, of any package.
                NuGetVulnerabilityDocuments.PageReading reading = NuGetVulnerabilityDocuments.ReadPage(page.RootElement, wanted, sourceName, advisories, strict: true);
                if (reading.Malformed is not null || reading.RepeatedIds > 0)
                {
                    return null;
                }
            }

            return advisories;
        }
        catch (NuGetDocumentException)
        {
            return null;
        }
    }

    /// <summary>The cache file of <paramref name="key"/>, parsed, when it exists, is younger than <see cref="MaxAge"/> and is JSON.</summary>
    private static JsonDocument? ReadFresh(string folder, string key, DateTime utcNow)
    {
        var file = new FileInfo(Path.Combine(folder, FileNameSafe(key) + ".dat"));
        try
        {
            if (!file.Exists || utcNow - file.LastWriteTimeUtc >= MaxAge || file.Length > MaxFileBytes)
            {
                return null;
            }

            // Restore replaces an entry by deleting it and moving a complete new file in: a reader sees the old file,
            // the new one or none, never a part.
            return JsonDocument.Parse(File.ReadAllBytes(file.FullName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>NuGet reads a service index only when its <c>version</c> is SemVer 3.x.y (this accepts the plain form of it).</summary>
    private static bool IsVersion3(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("version", out JsonElement version) && version.ValueKind == JsonValueKind.String
        && Version3().IsMatch(version.GetString()!);

    /// <summary>
    /// The resource NuGet would pick: it matches the type exactly and prefers entries that name a <c>clientVersion</c>;
    /// with none of those, and the first entry of the type (in any case) spelled exactly, both readers take that one.
    /// </summary>
    private static bool TryFindResource(JsonElement root, Uri serviceIndex, out Uri index)
    {
        index = null!;
        if (NuGetVulnerabilityDocuments.FindResourceElement(root, serviceIndex) is not { } first
            || !first.TryGetProperty("@type", out JsonElement type) || !NuGetVulnerabilityDocuments.HasType(type, StringComparison.Ordinal)
            || root.GetProperty("resources").EnumerateArray().Any(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("clientVersion", out _)
                && r.TryGetProperty("@type", out JsonElement t) && NuGetVulnerabilityDocuments.HasType(t, StringComparison.OrdinalIgnoreCase))
            || NuGetVulnerabilityDocuments.ResourceId(first) is not { } found)
        {
            return false;
        }

        index = found;
        return true;
    }

    // CachingUtility.RemoveInvalidFileNameChars: this platform's invalid characters become '_', then "__" -> "_" twice.
    private static string FileNameSafe(string value)
    {
        char[] invalid = Path.GetInvalidFileNameChars();
        string replaced = string.Create(value.Length, value, (span, v) =>
        {
            for (int i = 0; i < v.Length; i++)
            {
                span[i] = Array.IndexOf(invalid, v[i]) >= 0 ? '_' : v[i];
            }
        });
        return replaced.Replace("__", "_", StringComparison.Ordinal).Replace("__", "_", StringComparison.Ordinal);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex PageName();

    [GeneratedRegex(@"^3\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Version3();
}

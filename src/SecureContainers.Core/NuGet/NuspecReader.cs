using SecureContainers.Core.Packages;
using System.Xml;
using System.Xml.Linq;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.NuGet;

/// <summary>
/// Finds and reads the <c>.nuspec</c> NuGet extracted into a packages folder, without the network: the license
/// (<c>&lt;license type="expression"&gt;</c>, <c>&lt;license type="file"&gt;</c> or the older <c>&lt;licenseUrl&gt;</c>),
/// description, authors and links. A nuspec that does not parse is SC5008 and a package that is not in any folder is
/// SC5009, both warnings: the package is still listed, only without what the nuspec would have added.
/// </summary>
public static class NuspecReader
{
    // NuGet writes this placeholder into licenseUrl when a package declares <license>; it names no license.
    private const string DeprecatedLicenseUrl = "https://aka.ms/deprecateLicenseUrl";

    private const string NuGetLicensesHost = "licenses.nuget.org";

    // The CycloneDX name tools use for a license known only by its URL.
    internal const string UrlOnlyLicenseName = "Unknown - See URL";

    private const int MaxRemembered = 4096;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ReadNuspec> AlreadyRead = new(StringComparer.Ordinal);

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        MaxCharactersInDocument = 16 * 1024 * 1024,
    };

    /// <summary>
    /// The nuspec of <paramref name="id"/> <paramref name="version"/> in the first of <paramref name="packageFolders"/>
    /// that has it: <c>&lt;folder&gt;/&lt;relativePath&gt;/&lt;id lowercased&gt;.nuspec</c>, where the relative path is the
    /// assets file's <c>path</c> or else <c>&lt;id&gt;/&lt;version&gt;</c> lowercased (NuGet's layout, build metadata dropped).
    /// Returns <c>null</c> (and reports SC5008/SC5009) when nothing usable is found.
    /// </summary>
    public static NuGetPackageMetadata? Find(IReadOnlyList<string> packageFolders, string id, string version, string? relativePath, IDiagnosticSink? diagnostics)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(version);
        string relative = relativePath ?? DefaultRelativePath(id, version);
        string fileName = id.ToLowerInvariant() + ".nuspec";
        List<string> candidates = packageFolders.Select(f => Path.Combine(f, relative, fileName)).ToList();
        string? found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            diagnostics?.Report(NuGetAssetsDiagnostics.PackageNotInPackagesFolder.Create(id, version, candidates.Count == 0 ? relative + "/" + fileName : string.Join("', '", candidates)));
            return null;
        }

        return Read(found, id, version, diagnostics);
    }

    /// <summary>
    /// Reads one nuspec file; SC5008 and <c>null</c> when it cannot be read or is not a nuspec. A file read before, with
    /// the same length and time of last write, is not parsed again: NuGet never rewrites an extracted package, and the
    /// SBOM rehearsed during the push has just read the same files the evidence step reads after it.
    /// </summary>
    public static NuGetPackageMetadata? Read(string nuspecPath, string id, string version, IDiagnosticSink? diagnostics)
    {
        try
        {
            using FileStream stream = File.OpenRead(nuspecPath);
            (long length, DateTime written) = (stream.Length, File.GetLastWriteTimeUtc(stream.SafeFileHandle));
            string key = Path.GetFullPath(nuspecPath);
            if (AlreadyRead.TryGetValue(key, out ReadNuspec? before) && before.Length == length && before.LastWriteUtc == written)
            {
                return before.Metadata;
            }

            NuGetPackageMetadata metadata = Parse(stream);
            if (AlreadyRead.Count >= MaxRemembered)
            {
                // A build node that lives long reads many packages' files: forgetting costs one parse each, never a wrong answer.
                AlreadyRead.Clear();
            }

            AlreadyRead[key] = new ReadNuspec(length, written, metadata);
            return metadata;
        }
        catch (Exception ex) when (ex is XmlException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            diagnostics?.Report(NuGetAssetsDiagnostics.NuspecInvalid.Create(nuspecPath, id, version, ex.Message));
            return null;
        }
    }

    /// <summary>Parses nuspec XML of any schema version (elements are matched by local name); throws <see cref="InvalidDataException"/> when it is not a nuspec.</summary>
    public static NuGetPackageMetadata Parse(Stream nuspec)
    {
        XDocument document;
        using (XmlReader reader = XmlReader.Create(nuspec, Settings))
        {
            document = XDocument.Load(reader);
        }

        XElement metadata = document.Root is { Name.LocalName: "package" } root && Child(root, "metadata") is XElement m
            ? m
            : throw new InvalidDataException("it has no <package><metadata> element");

        return new NuGetPackageMetadata(
            Licenses(metadata),
            Text(Child(metadata, "description")),
            (Text(Child(metadata, "authors")) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            AbsoluteUrl(Text(Child(metadata, "projectUrl"))),
            AbsoluteUrl(Child(metadata, "repository")?.Attribute("url")?.Value.Trim()));
    }

    internal static string DefaultRelativePath(string id, string version)
    {
        int metadata = version.IndexOf('+');
        string folderVersion = metadata < 0 ? version : version[..metadata];
        return Path.Combine(id.ToLowerInvariant(), folderVersion.ToLowerInvariant());
    }

    private static IReadOnlyList<PackageLicense> Licenses(XElement metadata)
    {
        if (Child(metadata, "license") is XElement license && Text(license) is string value)
        {
            string type = license.Attribute("type")?.Value.Trim() ?? string.Empty;
            return type.Equals("expression", StringComparison.OrdinalIgnoreCase)
                ? SpdxExpression.ToLicenses(value, requireListedIds: false)
                : [PackageLicense.FromName("See license file " + value)];
        }

        string? url = AbsoluteUrl(Text(Child(metadata, "licenseUrl")));
        if (url is null || url.Equals(DeprecatedLicenseUrl, StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        // Packages packed by NuGet 4.9 to 5.x point at licenses.nuget.org/<expression>; that path is the expression.
        var uri = new Uri(url);
        if (uri.Host.Equals(NuGetLicensesHost, StringComparison.OrdinalIgnoreCase) && Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')) is { Length: > 0 } expression)
        {
            return SpdxExpression.ToLicenses(expression, requireListedIds: false);
        }

        return [PackageLicense.FromName(UrlOnlyLicenseName, url)];
    }

    private static XElement? Child(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    private static string? Text(XElement? element) => element?.Value.Trim() is { Length: > 0 } text ? text : null;

    // Only absolute http(s) URLs are written: CycloneDX declares these fields as IRI references and consumers follow them.
    private static string? AbsoluteUrl(string? value) =>
        value is not null && Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" ? uri.OriginalString : null;

    /// <summary>A nuspec as it was when parsed: its length and time of last write, and what it said.</summary>
    private sealed record ReadNuspec(long Length, DateTime LastWriteUtc, NuGetPackageMetadata Metadata);
}

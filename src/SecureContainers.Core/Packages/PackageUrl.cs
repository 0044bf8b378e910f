using System.Text;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Packages;

/// <summary>
/// Builds package URLs (purl) in canonical form: type lowercase, name and version percent-encoded except the
/// unreserved characters, qualifiers sorted by key. Scanners match components by purl, so the encoding is exact:
/// a NuGet version <c>1.0.0+build</c> is <c>1.0.0%2Bbuild</c> and an OCI digest is <c>sha256%3A...</c>.
/// </summary>
public static class PackageUrl
{
    /// <summary><c>pkg:nuget/&lt;id&gt;@&lt;version&gt;</c>, the id cased as NuGet resolved it.</summary>
    public static string NuGet(string id, string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(version);
        return $"pkg:nuget/{Encode(id, qualifierValue: false)}@{Encode(version, qualifierValue: false)}";
    }

    /// <summary>
    /// <c>pkg:oci/&lt;name&gt;@&lt;digest&gt;?repository_url=...&amp;tag=...</c>: the purl type for OCI images has no
    /// namespace; the name is the last segment of the repository, lowercased, and the registry lives in
    /// <c>repository_url</c> so the same image pushed elsewhere keeps the same name and version.
    /// </summary>
    /// <param name="imageName"><c>registry/repository</c> (for example <c>localhost:5000/team/app</c>).</param>
    public static string Oci(string imageName, Digest digest, string? tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(imageName);
        string name = imageName[(imageName.LastIndexOf('/') + 1)..].ToLowerInvariant();
        if (name.Length == 0)
        {
            throw new ArgumentException($"'{imageName}' has no repository name.", nameof(imageName));
        }

        var purl = new StringBuilder("pkg:oci/")
            .Append(Encode(name, qualifierValue: false))
            .Append('@')
            .Append(Encode(digest.ToString(), qualifierValue: false))
            .Append("?repository_url=")
            .Append(Encode(imageName.ToLowerInvariant(), qualifierValue: true));
        if (!string.IsNullOrEmpty(tag))
        {
            purl.Append("&tag=").Append(Encode(tag, qualifierValue: true));
        }

        return purl.ToString();
    }

    /// <summary>
    /// <c>pkg:deb/&lt;vendor&gt;/&lt;name&gt;@&lt;version&gt;?arch=..&amp;distro=..</c> or the same for <c>apk</c>: the
    /// vendor (os-release <c>ID</c>, e.g. <c>debian</c>, <c>ubuntu</c>, <c>alpine</c>) and the name lowercased as both
    /// type definitions require, the version exactly as the package database has it with <c>:</c> (a Debian epoch)
    /// and <c>+</c> percent-encoded, as Syft and Trivy write them.
    /// </summary>
    /// <remarks>
    /// For <c>rpm</c> the version is <c>version-release</c> and the epoch, when the package has one, goes into the
    /// <c>epoch</c> qualifier, as the rpm purl type definition says (<c>pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&amp;distro=fedora-25</c>).
    /// </remarks>
    /// <param name="distro">The <c>distro</c> qualifier, e.g. <c>debian-12</c>; <c>null</c> leaves it out.</param>
    /// <param name="epoch">The rpm <c>epoch</c> qualifier; only for <c>rpm</c>.</param>
    public static string OsPackage(string type, string vendor, string name, string version, string? architecture, string? distro, int? epoch = null)
    {
        if (type is not ("deb" or "apk" or "rpm"))
        {
            throw new ArgumentException($"'{type}' is not an OS package purl type (deb, apk, rpm).", nameof(type));
        }

        if (epoch is not null && type != "rpm")
        {
            throw new ArgumentException("Only rpm purls carry an epoch qualifier; deb versions keep their epoch.", nameof(epoch));
        }

        ArgumentException.ThrowIfNullOrEmpty(vendor);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(version);
        // deb and apk names are lowercase by definition; rpm names are case sensitive and kept as they are.
        var purl = new StringBuilder("pkg:").Append(type).Append('/')
            .Append(Encode(vendor.ToLowerInvariant(), qualifierValue: false)).Append('/')
            .Append(Encode(type == "rpm" ? name : name.ToLowerInvariant(), qualifierValue: false)).Append('@')
            .Append(Encode(version, qualifierValue: false));

        // Qualifier keys in lexical order, as the canonical form requires: arch < distro < epoch.
        char separator = '?';
        string? epochValue = epoch?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach ((string key, string? value) in new[] { ("arch", architecture), ("distro", distro), ("epoch", epochValue) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                purl.Append(separator).Append(key).Append('=').Append(Encode(value, qualifierValue: true));
                separator = '&';
            }
        }

        return purl.ToString();
    }

    /// <summary>
    /// Percent-encodes UTF-8 bytes outside <c>A-Z a-z 0-9 . - _ ~</c> with uppercase hex. Qualifier values also keep
    /// <c>/</c> and <c>:</c>, which the purl spec lets through there (<c>repository_url=docker.io/library/debian</c>).
    /// </summary>
    internal static string Encode(string value, bool qualifierValue)
    {
        var result = new StringBuilder(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            bool keep = char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' || (qualifierValue && c is '/' or ':');
            if (keep)
            {
                result.Append(c);
            }
            else
            {
                result.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return result.ToString();
    }
}

using SecureContainers.Core.Packages;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Sbom;

public static partial class SbomBuilder
{
    /// <summary>
    /// The OS (os-release) as an <c>operating-system</c> component and every dpkg/apk/rpm package as a library with a
    /// <c>pkg:deb</c>/<c>pkg:apk</c>/<c>pkg:rpm</c> purl; image → each of them, package → the packages its Depends name
    /// that are installed (by name: virtual packages and apk <c>so:</c>/<c>cmd:</c> provides do not resolve; rpm
    /// requirements were resolved to package names by the database reader).
    /// </summary>
    private static void AddOperatingSystem(SbomInputs inputs, string imageRef, List<SbomComponent> components, Graph graph)
    {
        ImageContentsReport? contents = inputs.BaseImageContents;
        if (contents is null)
        {
            return;
        }

        OsRelease? release = contents.OsRelease;
        if (release?.Id is string osId)
        {
            SbomComponent os = OperatingSystemComponent(release, osId);
            components.Add(os);
            graph.Add(imageRef, os.BomRef!);
            graph.Add(os.BomRef!);
        }

        // The same package can be recorded twice (status and status.d, or rewritten by a later layer): one component,
        // every layer that recorded it.
        var byPurl = new Dictionary<string, List<OsPackage>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (OsPackage package in contents.Packages)
        {
            string purl = OsPackagePurl(package, release);
            if (!byPurl.TryGetValue(purl, out List<OsPackage>? copies))
            {
                byPurl[purl] = copies = [];
                order.Add(purl);
            }

            copies.Add(package);
        }

        Dictionary<string, List<(string Purl, OsPackage Package)>> byName = new(StringComparer.Ordinal);
        foreach (string purl in order)
        {
            OsPackage package = byPurl[purl][0];
            string key = package.Type + "/" + package.Name;
            if (!byName.TryGetValue(key, out List<(string, OsPackage)>? list))
            {
                byName[key] = list = [];
            }

            list.Add((purl, package));
        }

        foreach (string purl in order)
        {
            List<OsPackage> copies = byPurl[purl];
            components.Add(OsPackageComponent(purl, copies));
            graph.Add(imageRef, purl);
            graph.Add(purl, copies.SelectMany(c => c.Depends).Distinct(StringComparer.Ordinal)
                .SelectMany(name => ResolveOsDependency(byName, copies[0], name))
                .Where(target => target != purl));
        }
    }

    /// <summary>
    /// The purl namespace when the image has no os-release: the distribution the package manager implies, or for rpm
    /// the first word of the package's VENDOR (<c>Microsoft Corporation</c> → <c>microsoft</c>).
    /// </summary>
    private static string DefaultVendor(OsPackage package) => package.Type switch
    {
        "apk" => "alpine",
        "rpm" => package.Vendor?.Split(' ', 2)[0] is { Length: > 0 } word && word.All(char.IsAsciiLetterOrDigit) ? word.ToLowerInvariant() : "unknown",
        _ => "debian",
    };

    /// <summary>An rpm purl's version is version-release; the epoch travels in its own qualifier.</summary>
    /// <summary>An OS package's purl, its bom-ref: one definition, so vulnerability findings' <c>affects</c> name the SBOM's components.</summary>
    internal static string OsPackagePurl(OsPackage package, OsRelease? release)
    {
        string? distro = release is { Id: string id, VersionId: string versionId } ? $"{id.ToLowerInvariant()}-{versionId}" : null;
        string vendor = release?.Id?.ToLowerInvariant() ?? DefaultVendor(package);
        return PackageUrl.OsPackage(package.Type, vendor, package.Name, PurlVersion(package), package.Architecture, distro,
            package.Type == "rpm" ? package.Epoch : null);
    }

    private static string PurlVersion(OsPackage package) =>
        package.Type == "rpm" && package.Epoch is int epoch && package.Version.StartsWith($"{epoch}:", StringComparison.Ordinal)
            ? package.Version[(package.Version.IndexOf(':') + 1)..]
            : package.Version;

    private static SbomComponent OperatingSystemComponent(OsRelease release, string id)
    {
        List<SbomProperty> properties = [];
        if (release.VersionCodename is string codename)
        {
            properties.Add(new SbomProperty(SbomPropertyNames.OsVersionCodename, codename));
        }

        return new SbomComponent
        {
            Type = SbomComponentType.OperatingSystem,
            BomRef = release.VersionId is string v ? $"os:{id}@{v}" : $"os:{id}",
            Name = id,
            Version = release.VersionId,
            Description = release.PrettyName,
            Properties = properties,
        };
    }

    private static SbomComponent OsPackageComponent(string purl, List<OsPackage> copies)
    {
        OsPackage package = copies[0];
        List<SbomProperty> properties = [];
        if (package.SourcePackage is string source)
        {
            properties.Add(new SbomProperty(SbomPropertyNames.OsSourcePackage, source));
        }

        if (package.SourceVersion is string sourceVersion)
        {
            properties.Add(new SbomProperty(SbomPropertyNames.OsSourceVersion, sourceVersion));
        }

        if (package.Vendor is string vendor)
        {
            properties.Add(new SbomProperty(SbomPropertyNames.OsVendor, vendor));
        }

        foreach ((string kind, string value) in package.Digests.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            properties.Add(new SbomProperty(SbomPropertyNames.RpmDigestPrefix + kind, value));
        }

        if (package.Slices.Count > 0)
        {
            properties.Add(new SbomProperty(SbomPropertyNames.ChiselSlices, string.Join(',', package.Slices.Order(StringComparer.Ordinal))));
        }

        foreach (Digest layer in copies.Select(c => c.LayerDigest).Distinct())
        {
            properties.Add(new SbomProperty(SbomPropertyNames.LayerDigest, layer.ToString()));
        }

        return new SbomComponent
        {
            Type = SbomComponentType.Library,
            BomRef = purl,
            Name = package.Name,
            Version = package.Version,
            Scope = SbomComponentScope.Required,

            // The .deb's hash as the archive lists it (chisel records it): it names the exact build the files came from.
            Hashes = package.ArchiveSha256 is string sha256 ? [new SbomHash(SbomHashAlgorithm.Sha256, sha256)] : [],

            // apk's L: and rpm's License are usually SPDX but also "custom", old Fedora names ("GPLv2+") or a
            // space-separated list; only listed ids become ids or expressions, the rest stay names.
            // deb: the short names of the machine-readable copyright file, one entry each (see DebianLicenseNames).
            Licenses = package.CopyrightLicenses.Count > 0 ? DebianLicenseNames.ToLicenses(package.CopyrightLicenses)
                : string.IsNullOrWhiteSpace(package.License) ? [] : SpdxExpression.ToLicenses(package.License, requireListedIds: true),
            Purl = purl,
            Properties = properties,
        };
    }

    /// <summary>
    /// A dependency by name resolves to the installed package(s) of that name, preferring the dependent's own
    /// architecture or <c>all</c>/<c>noarch</c>, as dpkg does for multi-arch installs.
    /// </summary>
    private static IEnumerable<string> ResolveOsDependency(Dictionary<string, List<(string Purl, OsPackage Package)>> byName, OsPackage dependent, string name)
    {
        if (!byName.TryGetValue(dependent.Type + "/" + name, out List<(string Purl, OsPackage Package)>? candidates))
        {
            return [];
        }

        var sameArch = candidates.Where(c => c.Package.Architecture == dependent.Architecture || c.Package.Architecture is "all" or "noarch").ToList();
        return (sameArch.Count > 0 ? sameArch : candidates).Select(c => c.Purl);
    }
}

using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers.Chisel;

/// <summary>
/// Joins chisel's manifest to the dpkg records. Ubuntu's chiseled images have both (chisel-wrapper writes
/// <c>/var/lib/dpkg/status.d/&lt;package&gt;</c> beside the manifest), so a package is listed once: its dpkg record,
/// with the slices the manifest names. A package only the manifest names (chisel run without the wrapper) is listed
/// from the manifest.
/// </summary>
public static class ChiselSlices
{
    public static IReadOnlyList<OsPackage> Apply(IReadOnlyList<OsPackage> packages, ChiselManifest manifest, Digest manifestLayer)
    {
        ArgumentNullException.ThrowIfNull(packages);
        ArgumentNullException.ThrowIfNull(manifest);
        var matched = new HashSet<ChiselPackage>();
        var result = new List<OsPackage>(packages.Count + manifest.Packages.Count);
        foreach (OsPackage package in packages)
        {
            ChiselPackage? cut = package.Type == "deb"
                ? manifest.Packages.FirstOrDefault(c => c.Name == package.Name && (package.Architecture is null || c.Architecture == package.Architecture))
                : null;
            if (cut is null)
            {
                result.Add(package);
                continue;
            }

            matched.Add(cut);

            // The archive's hash identifies the build only if dpkg's record is of the same version.
            result.Add(package with { Slices = cut.Slices, ArchiveSha256 = cut.Version == package.Version ? cut.Sha256 : null });
        }

        foreach (ChiselPackage cut in manifest.Packages.Where(c => !matched.Contains(c)))
        {
            result.Add(new OsPackage("deb", cut.Name, cut.Version, cut.Architecture, null, null, null, [], manifestLayer)
            {
                Slices = cut.Slices,
                ArchiveSha256 = cut.Sha256,
            });
        }

        return result;
    }
}

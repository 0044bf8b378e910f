using System.Globalization;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers.Rpm;

/// <summary>
/// Parses <c>/var/lib/rpmmanifest/container-manifest-2</c>, the package list Azure Linux (and CBL-Mariner) distroless
/// images keep because their build deletes <c>/var/lib/rpm</c>. Microsoft's image builder writes it with
/// <c>rpm -qa --qf '%{NAME}\t%{VERSION}-%{RELEASE}\t%{INSTALLTIME}\t%{BUILDTIME}\t%{VENDOR}\t%{EPOCH}\t%{SIZE}\t%{ARCH}\t%{EPOCHNUM}\t%{SOURCERPM}\n'</c>,
/// sorted, without <c>gpg-pubkey</c>. It has no license and no dependencies. A line without its ten fields is skipped,
/// as the dpkg and apk parsers skip incomplete records.
/// </summary>
public static class RpmManifestParser
{
    private const string None = "(none)";

    public static IReadOnlyList<OsPackage> Parse(ReadOnlySpan<byte> content, Digest layerDigest)
    {
        var packages = new List<OsPackage>();
        foreach (string line in LenientText.Lines(LenientText.Decode(content)))
        {
            string[] f = line.Split('\t');
            if (f.Length != 10 || f[0].Length == 0 || f[1].Length == 0)
            {
                continue;
            }

            int? epoch = int.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out int e) ? e : null;
            packages.Add(new OsPackage("rpm", f[0], (epoch is null ? "" : $"{epoch}:") + f[1], Value(f[7]), Value(f[9]), null, null, [], layerDigest)
            {
                Epoch = epoch,
                Vendor = Value(f[4]),
            });
        }

        return packages;
    }

    private static string? Value(string field) => field.Length == 0 || field == None ? null : field;
}

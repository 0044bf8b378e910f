using System.Text.Json;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Sbom;
using static SecureContainers.Core.Tests.Sbom.SbomJson;

namespace SecureContainers.Core.Tests.Sbom;

public class SbomOperatingSystemTests
{
    private const string LibC = "pkg:deb/debian/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=debian-12";
    private const string LibGcc = "pkg:deb/debian/libgcc-s1@12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12";
    private const string GccBase = "pkg:deb/debian/gcc-12-base@12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12";
    private const string LibSsl = "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12";
    private const string Zlib = "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12";
    private const string Tzdata = "pkg:deb/debian/tzdata@2025b-0%2Bdeb12u1?arch=all&distro=debian-12";

    [Fact]
    public void EveryDpkgPackageIsALibraryWithADebPurl()
    {
        JsonElement bom = Written(SbomTestInputs.Full());

        string[] os = ComponentRefs(bom).Where(r => r.StartsWith("pkg:deb/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[] { LibC, LibGcc, GccBase, LibSsl, Zlib, Tzdata }.Order(StringComparer.Ordinal), os);
        JsonElement zlib = Component(bom, Zlib);
        Assert.Equal(("library", "zlib1g", "1:1.2.13.dfsg-1", Zlib), (Text(zlib, "type"), Text(zlib, "name"), Text(zlib, "version"), Text(zlib, "purl")));
        Assert.Equal(["zlib"], Properties(zlib, SbomPropertyNames.OsSourcePackage));
        Assert.Equal(["1:1.2.13.dfsg-1"], Properties(zlib, SbomPropertyNames.OsSourceVersion));
        Assert.Equal([SbomTestInputs.OsLayer.ToString()], Properties(zlib, SbomPropertyNames.LayerDigest));
        Assert.False(zlib.TryGetProperty("licenses", out _));
    }

    [Fact]
    public void OperatingSystemComponentComesFromOsRelease()
    {
        JsonElement bom = Written(SbomTestInputs.Full());

        JsonElement os = Component(bom, "os:debian@12");
        Assert.Equal(("operating-system", "debian", "12", "Debian GNU/Linux 12 (bookworm)"), (Text(os, "type"), Text(os, "name"), Text(os, "version"), Text(os, "description")));
        Assert.Equal(["bookworm"], Properties(os, SbomPropertyNames.OsVersionCodename));
        Assert.Contains("os:debian@12", Graph(bom)[ImageRef(bom)]);
    }

    [Fact]
    public void DependsResolveToInstalledPackagesOnly()
    {
        Dictionary<string, string[]> graph = Graph(Written(SbomTestInputs.Full()));

        Assert.Equal([LibGcc], graph[LibC]);
        Assert.Equal(new[] { GccBase, LibC }.Order(StringComparer.Ordinal), graph[LibGcc]);

        // debconf and the virtual debconf-2.0 are not installed, so only libc6 remains.
        Assert.Equal([LibC], graph[LibSsl]);
        Assert.Empty(graph[Tzdata]);
    }

    [Fact]
    public void ImageDependsOnEveryOsPackage()
    {
        JsonElement bom = Written(SbomTestInputs.Full());

        string[] imageDeps = Graph(bom)[ImageRef(bom)];
        Assert.Superset(new HashSet<string>([LibC, LibGcc, GccBase, LibSsl, Zlib, Tzdata]), new HashSet<string>(imageDeps));
    }

    [Fact]
    public void MultiArchDependencyPrefersTheDependentsArchitecture()
    {
        Digest layer = SbomTestInputs.OsLayer;
        ImageContentsReport contents = SbomTestInputs.DebianBase(
        [
            new("deb", "libc6", "2.36-9", "amd64", null, null, null, [], layer),
            new("deb", "libc6", "2.36-9", "i386", null, null, null, [], layer),
            new("deb", "libfoo", "1.0", "i386", null, null, null, ["libc6"], layer),
        ]);

        Dictionary<string, string[]> graph = Graph(Written(SbomTestInputs.Full(contents)));

        Assert.Equal(["pkg:deb/debian/libc6@2.36-9?arch=i386&distro=debian-12"], graph["pkg:deb/debian/libfoo@1.0?arch=i386&distro=debian-12"]);
    }

    [Fact]
    public void PackageRecordedInTwoLayersIsOneComponentWithBothLayers()
    {
        Digest upper = Digest.Sha256("upper"u8);
        ImageContentsReport contents = SbomTestInputs.DebianBase(
        [
            new("deb", "base-files", "12.4+deb12u10", "amd64", null, null, null, [], SbomTestInputs.OsLayer),
            new("deb", "base-files", "12.4+deb12u10", "amd64", null, null, null, [], upper),
        ]);

        JsonElement bom = Written(SbomTestInputs.Full(contents));

        JsonElement baseFiles = Component(bom, "pkg:deb/debian/base-files@12.4%2Bdeb12u10?arch=amd64&distro=debian-12");
        Assert.Equal([SbomTestInputs.OsLayer.ToString(), upper.ToString()], Properties(baseFiles, SbomPropertyNames.LayerDigest));
    }

    [Fact]
    public void DebPackagesGetTheirCopyrightLicensesAsSpdxIdsOrNamesOneEntryEach()
    {
        Digest layer = SbomTestInputs.OsLayer;
        JsonElement bom = Written(SbomTestInputs.Full(SbomTestInputs.DebianBase(
        [
            new("deb", "libssl3", "3.0.15-1~deb12u1", "amd64", "openssl", null, null, [], layer) { CopyrightLicenses = ["Apache-2.0", "Artistic", "GPL-1+"] },
            new("deb", "tzdata", "2025b-0+deb12u1", "all", null, null, null, [], layer) { CopyrightLicenses = ["public-domain"] },
            new("deb", "bash", "5.2.15-2+b13", "amd64", null, null, null, [], layer) { CopyrightLicenses = ["GPL-3+ with Bison exception", "GPL-3+", "gpl-3.0+"] },
            new("deb", "libc6", "2.36-9+deb12u10", "amd64", "glibc", null, null, [], layer),
        ])));

        static (string?, string?)[] Licenses(JsonElement component) => component.GetProperty("licenses").EnumerateArray()
            .Select(l => l.GetProperty("license"))
            .Select(l => (l.TryGetProperty("id", out JsonElement id) ? id.GetString() : null, l.TryGetProperty("name", out JsonElement name) ? name.GetString() : null))
            .ToArray();

        Assert.Equal([("Apache-2.0", null), ("Artistic-1.0", null), ("GPL-1.0-or-later", null)], Licenses(Component(bom, LibSsl)));
        Assert.Equal([(null, "public-domain")], Licenses(Component(bom, "pkg:deb/debian/tzdata@2025b-0%2Bdeb12u1?arch=all&distro=debian-12")));
        Assert.Equal([(null, "GPL-3+ with Bison exception"), ("GPL-3.0-or-later", null)], Licenses(Component(bom, "pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12")));

        // No machine-readable copyright: unknown, so no licenses at all rather than a guess.
        Assert.False(Component(bom, LibC).TryGetProperty("licenses", out _));
    }

    [Fact]
    public void AlpinePackagesGetApkPurlsAndTheirDeclaredLicense()
    {
        Digest layer = SbomTestInputs.OsLayer;
        ImageContentsReport contents = SbomTestInputs.Report(
            new OsRelease("alpine", "3.20.3", null, "Alpine Linux v3.20", new Dictionary<string, string>()),
            [
                new("apk", "musl", "1.2.5-r0", "x86_64", "musl", null, "MIT", [], layer),
                new("apk", "libssl3", "3.3.2-r0", "x86_64", "openssl", null, "Apache-2.0", ["so:libc.musl-x86_64.so.1", "musl"], layer),
                new("apk", "busybox", "1.36.1-r29", "x86_64", "busybox", null, "GPL-2.0-only AND BSD-2-Clause", [], layer),
                new("apk", "alpine-keys", "2.4-r1", "x86_64", null, null, "custom", [], layer),
                new("apk", "scanelf", "1.3.7-r2", "x86_64", null, null, "GPL-2.0-only GPL-2.0-or-later", [], layer),
            ],
            []);

        JsonElement bom = Written(SbomTestInputs.Full(contents));

        const string musl = "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3";
        Assert.Equal("MIT", Component(bom, musl).GetProperty("licenses")[0].GetProperty("license").GetProperty("id").GetString());
        Assert.Equal("GPL-2.0-only AND BSD-2-Clause", Component(bom, "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3").GetProperty("licenses")[0].GetProperty("expression").GetString());
        Assert.Equal("custom", Component(bom, "pkg:apk/alpine/alpine-keys@2.4-r1?arch=x86_64&distro=alpine-3.20.3").GetProperty("licenses")[0].GetProperty("license").GetProperty("name").GetString());
        Assert.Equal("GPL-2.0-only GPL-2.0-or-later", Component(bom, "pkg:apk/alpine/scanelf@1.3.7-r2?arch=x86_64&distro=alpine-3.20.3").GetProperty("licenses")[0].GetProperty("license").GetProperty("name").GetString());
        Assert.Equal([musl], Graph(bom)["pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3"]);
        Assert.Equal("alpine", Text(Component(bom, "os:alpine@3.20.3"), "name"));
    }

    [Fact]
    public void RpmPackagesGetRpmPurlsWithEpochQualifierLicenseSourceVendorDigestsAndTheirDependencies()
    {
        Digest layer = SbomTestInputs.OsLayer;
        ImageContentsReport contents = SbomTestInputs.Report(
            new OsRelease("azurelinux", "3.0", null, "Microsoft Azure Linux 3.0", new Dictionary<string, string>()),
            [
                new("rpm", "sc-libfoo", "1:2.4.1-7.azl3", "x86_64", "sc-libfoo-2.4.1-7.azl3.src.rpm", null, "Apache-2.0 AND (MIT OR BSD-3-Clause)", [], layer)
                {
                    Epoch = 1,
                    Vendor = "Microsoft Corporation",
                    Digests = new Dictionary<string, string> { ["sigmd5"] = "b0886d2b43a872fa56cef37f8093579c" },
                },
                new("rpm", "sc-tools", "0.9~beta2-3.azl3", "x86_64", "sc-tools-0.9~beta2-3.azl3.src.rpm", null, "GPLv2+", ["sc-libfoo"], layer),
            ],
            []);

        JsonElement bom = Written(SbomTestInputs.Full(contents));

        const string libfoo = "pkg:rpm/azurelinux/sc-libfoo@2.4.1-7.azl3?arch=x86_64&distro=azurelinux-3.0&epoch=1";
        const string tools = "pkg:rpm/azurelinux/sc-tools@0.9~beta2-3.azl3?arch=x86_64&distro=azurelinux-3.0";
        JsonElement component = Component(bom, libfoo);
        Assert.Equal("1:2.4.1-7.azl3", Text(component, "version"));
        Assert.Equal("Apache-2.0 AND (MIT OR BSD-3-Clause)", component.GetProperty("licenses")[0].GetProperty("expression").GetString());
        Assert.Equal("GPLv2+", Component(bom, tools).GetProperty("licenses")[0].GetProperty("license").GetProperty("name").GetString());
        string properties = component.GetProperty("properties").GetRawText();
        Assert.Contains("sc-libfoo-2.4.1-7.azl3.src.rpm", properties);
        Assert.Contains("Microsoft Corporation", properties);
        Assert.Contains("\"securecontainers:rpm:sigmd5\"", properties);
        Assert.Equal([libfoo], Graph(bom)[tools]);
    }

    [Fact]
    public void WithoutOsReleaseThePurlHasNoDistroAndThereIsNoOsComponent()
    {
        ImageContentsReport contents = SbomTestInputs.Report(null, [new("deb", "libc6", "2.36-9", "amd64", null, null, null, [], SbomTestInputs.OsLayer)], []);

        JsonElement bom = Written(SbomTestInputs.Full(contents));

        Assert.Contains("pkg:deb/debian/libc6@2.36-9?arch=amd64", ComponentRefs(bom));
        Assert.DoesNotContain(ComponentRefs(bom), r => r.StartsWith("os:", StringComparison.Ordinal));
    }
}

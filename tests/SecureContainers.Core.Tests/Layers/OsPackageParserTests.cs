using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Tests.Layers;

public class OsPackageParserTests
{
    private static readonly Digest Layer = Digest.Sha256("layer"u8);

    [Fact]
    public void DpkgStatusKeepsOnlyInstalledPackages()
    {
        string status = """
            Package: libc6
            Status: install ok installed
            Priority: optional
            Architecture: amd64
            Multi-Arch: same
            Source: glibc (2.36-9+deb12u4)
            Version: 2.36-9+deb12u4
            Depends: libgcc-s1, libcrypt1 (>= 1:4.4.10-10~)
            Pre-Depends: debconf (>= 0.5) | debconf-2.0
            Description: GNU C Library: Shared libraries
             Contains the standard libraries that are used by nearly all programs on
             the system.
             .
             More text.



            Package: removed-pkg
            Status: deinstall ok config-files
            Version: 1.0

            Package: half
            Status: install ok half-configured
            Version: 1.0

            Package: zlib1g
            Status: install ok installed
            Architecture: amd64
            Source: zlib
            Version: 1:1.2.13.dfsg-1
            Depends: libc6 (>= 2.14), libc6:any

            Package: noversion
            Status: install ok installed
            """.Replace("\n", "\r\n");

        IReadOnlyList<OsPackage> packages = DpkgStatusParser.Parse(status, Layer);

        Assert.Equal(2, packages.Count);
        OsPackage libc = packages[0];
        Assert.Equal(new OsPackage("deb", "libc6", "2.36-9+deb12u4", "amd64", "glibc", "2.36-9+deb12u4", null, libc.Depends, Layer), libc);
        Assert.Equal(["debconf", "debconf-2.0", "libgcc-s1", "libcrypt1"], libc.Depends);
        OsPackage zlib = packages[1];
        Assert.Equal(("zlib", (string?)null, "1:1.2.13.dfsg-1"), (zlib.SourcePackage, zlib.SourceVersion, zlib.Version));
        Assert.Equal(["libc6"], zlib.Depends);
    }

    [Fact]
    public void DpkgStatusDFileWithoutStatusFieldCounts()
    {
        // Distroless/chiseled images write one control paragraph per file, with no Status field.
        IReadOnlyList<OsPackage> packages = DpkgStatusParser.Parse("Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n"u8, Layer);

        Assert.Equal("tzdata", Assert.Single(packages).Name);
    }

    [Fact]
    public void DpkgStatusToleratesNonUtf8AndOrphanContinuations()
    {
        byte[] bytes = [.. " orphan continuation\nPackage: p\nMaintainer: J"u8, 0xE9, 0xFF, .. "r\nVersion: 1\nno colon here\nArchitecture: arm64\n"u8];

        OsPackage p = Assert.Single(DpkgStatusParser.Parse(bytes, Layer));

        Assert.Equal(("p", "1", "arm64"), (p.Name, p.Version, p.Architecture));
    }

    [Fact]
    public void ApkInstalledReadsNameVersionArchOriginLicenseAndDepends()
    {
        string db = "C:Q1abc=\nP:musl\nV:1.2.5-r0\nA:x86_64\nS:383152\nI:622592\nT:the musl c library\nU:https://musl.libc.org/\n"
            + "L:MIT\no:musl\nm:Maintainer <m@example.org>\nt:1712000000\nc:abc\nF:lib\nR:ld-musl-x86_64.so.1\nZ:Q1x=\n\n\n\n"
            + "P:busybox\r\nV:1.36.1-r29\r\nA:x86_64\r\nL:GPL-2.0-only\r\no:busybox\r\nD:so:libc.musl-x86_64.so.1 musl>=1.2 !busybox-extras\r\n\r\n"
            + "P:nover\nA:x86_64\n\nbroken\nV:2\n";

        IReadOnlyList<OsPackage> packages = ApkInstalledParser.Parse(db, Layer);

        Assert.Equal(2, packages.Count);
        Assert.Equal(new OsPackage("apk", "musl", "1.2.5-r0", "x86_64", "musl", null, "MIT", packages[0].Depends, Layer), packages[0]);
        Assert.Empty(packages[0].Depends);
        Assert.Equal(["so:libc.musl-x86_64.so.1", "musl"], packages[1].Depends);
        Assert.Equal("GPL-2.0-only", packages[1].License);
    }
}

using System.Text.Json;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Tests.Sbom;
using static SecureContainers.Core.Tests.Sbom.SbomJson;

namespace SecureContainers.Core.Tests.Layers.Chisel;

/// <summary>
/// A chiseled Ubuntu layout: chisel-wrapper's status.d records beside chisel's manifest.wall. Each package is listed
/// once, with the slices the manifest names; zlib1g has no status.d record (chisel run without the wrapper).
/// </summary>
public class ChiseledImageTests
{
    private const string LibC = "pkg:deb/ubuntu/libc6@2.36-9%2Bdeb12u10?arch=amd64&distro=ubuntu-24.04";
    private const string BaseFiles = "pkg:deb/ubuntu/base-files@12.4%2Bdeb12u11?arch=amd64&distro=ubuntu-24.04";
    private const string Zlib = "pkg:deb/ubuntu/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=ubuntu-24.04";

    private static TestLayer Chiseled(byte[] manifest) => new TestLayer()
        .File("etc/os-release", "ID=ubuntu\nVERSION_ID=\"24.04\"\n")
        .Dir("var/lib/dpkg/status.d")
        .File("var/lib/dpkg/status.d/base-files", "Package: base-files\nVersion: 12.4+deb12u11\nArchitecture: amd64\n")

        // An older libc6 than the manifest's: the slices still belong to it, the archive hash does not.
        .File("var/lib/dpkg/status.d/libc6", "Package: libc6\nVersion: 2.36-9+deb12u10\nArchitecture: amd64\nSource: glibc\nDepends: libgcc-s1\n")
        .Dir("var/lib/chisel").File(InterestingFiles.ChiselManifest[1..], manifest);

    [Fact]
    public async Task EachPackageIsListedOnceWithTheSlicesTheManifestNames()
    {
        Blob layer = Chiseled(ChiselWall.Manifest()).Build();

        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Blobs(layer));

        Assert.Empty(report.PackageDatabaseWarnings);
        Assert.Equal(
            [
                ("base-files", "12.4+deb12u11", "base-files_base,base-files_chisel,base-files_release-info", ChiselWall.BaseFilesSha),
                ("libc6", "2.36-9+deb12u10", "libc6_libs", ChiselWall.LibcSha),
                ("zlib1g", "1:1.2.13.dfsg-1", "zlib1g_libs", ChiselWall.ZlibSha),
            ],
            report.Packages.Select(p => (p.Name, p.Version, string.Join(',', p.Slices), p.ArchiveSha256)));

        // The dpkg record is kept (its Source and Depends), with the slices added.
        OsPackage libc = report.Packages[1];
        Assert.Equal("glibc", libc.SourcePackage);
        Assert.Equal(["libgcc-s1"], libc.Depends);
        Assert.Equal(layer.Ref.Digest, report.Packages[2].LayerDigest);
    }

    [Fact]
    public async Task BuildOutputSummaryCountsTheSlices()
    {
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(Chiseled(ChiselWall.Manifest())));

        Assert.Equal("ubuntu; 3 deb packages (chiseled: 5 slices); no .NET runtime", BaseImageSummary.Describe(report));
    }

    [Fact]
    public async Task ManifestOfAnotherVersionGivesSlicesButNoArchiveHash()
    {
        string[] entries = [.. ChiselWall.Entries.Select(e => e.Replace("\"2.36-9+deb12u10\"", "\"2.36-9+deb12u11\"", StringComparison.Ordinal))];

        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(Chiseled(ChiselWall.Manifest(entries))));

        OsPackage libc = Assert.Single(report.Packages, p => p.Name == "libc6");
        Assert.Equal("2.36-9+deb12u10", libc.Version);
        Assert.Equal(["libc6_libs"], libc.Slices);
        Assert.Null(libc.ArchiveSha256);
    }

    [Fact]
    public async Task MalformedManifestIsAWarningAndTheDpkgRecordsStillCount()
    {
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(Chiseled("not zstd"u8.ToArray())));

        Assert.Equal(["SC4034"], report.PackageDatabaseWarnings.Select(d => d.Code));
        Assert.Equal(["base-files", "libc6"], report.Packages.Select(p => p.Name));
        Assert.All(report.Packages, p => Assert.Empty(p.Slices));
    }

    [Fact]
    public async Task DecompressedSizeIsCappedByTheScanLimits()
    {
        ImageFileSystem fs = await Scan.Layers(Chiseled(ChiselWall.Manifest()));

        ImageContentsReport report = ImageContentsAnalyzer.Analyze(fs, LayerScanLimits.Default with { MaxChiselManifestBytes = 256 });

        Assert.Equal(["SC4035"], report.PackageDatabaseWarnings.Select(d => d.Code));
        Assert.Equal(["base-files", "libc6"], report.Packages.Select(p => p.Name));
    }

    [Fact]
    public async Task SbomHasEachPackageOnceWithItsSortedSlicesAndTheDebHash()
    {
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(Chiseled(ChiselWall.Manifest())));

        JsonElement bom = Written(SbomTestInputs.Full(report));

        string[] debs = ComponentRefs(bom).Where(r => r.StartsWith("pkg:deb/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[] { BaseFiles, LibC, Zlib }.Order(StringComparer.Ordinal), debs);
        Assert.Equal(["base-files_base,base-files_chisel,base-files_release-info"], Properties(Component(bom, BaseFiles), SbomPropertyNames.ChiselSlices));
        Assert.Equal(["libc6_libs"], Properties(Component(bom, LibC), SbomPropertyNames.ChiselSlices));
        Assert.Equal(["zlib1g_libs"], Properties(Component(bom, Zlib), SbomPropertyNames.ChiselSlices));
        JsonElement hash = Assert.Single(Component(bom, Zlib).GetProperty("hashes").EnumerateArray());
        Assert.Equal(("SHA-256", ChiselWall.ZlibSha), (Text(hash, "alg"), Text(hash, "content")));
        Assert.Contains(LibC, Graph(bom)[ImageRef(bom)]);
    }

    [Fact]
    public async Task SlicesPropertyIsSortedWhateverOrderThePackageHasThem()
    {
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(Chiseled(ChiselWall.Manifest())));
        OsPackage[] shuffled = [.. report.Packages.Select(p => p with { Slices = [.. p.Slices.Reverse()] })];

        JsonElement bom = Written(SbomTestInputs.Full(report with { Packages = shuffled }));

        Assert.Equal(["base-files_base,base-files_chisel,base-files_release-info"], Properties(Component(bom, BaseFiles), SbomPropertyNames.ChiselSlices));
    }

    [Fact]
    public async Task ChiseledSbomIsByteIdenticalAcrossScans()
    {
        Blob image = Chiseled(ChiselWall.Manifest()).Build();

        byte[] first = SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Full(ImageContentsAnalyzer.Analyze(await Scan.Blobs(image)))));
        byte[] second = SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Full(ImageContentsAnalyzer.Analyze(await Scan.Blobs(image)))));

        Assert.Equal(first, second);
    }
}

using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;

namespace SecureContainers.Core.Tests.Layers;

public class DebianCopyrightReaderTests
{
    private const string Format = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n";

    private static string Dep5(string license) => Format + "Files: *\nCopyright: 2024 Someone\nLicense: " + license + "\n";

    private static string Status(params string[] names) =>
        string.Concat(names.Select(n => $"Package: {n}\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n"));

    private static TestLayer Packages(params string[] names) =>
        new TestLayer().Dir("var/lib/dpkg").File("var/lib/dpkg/status", Status(names)).Dir("usr/share/doc");

    private static IReadOnlyList<string> LicensesOf(ImageContentsReport report, string package) =>
        report.Packages.Single(p => p.Name == package).CopyrightLicenses;

    [Fact]
    public async Task DebPackagesCarryTheShortNamesOfTheirMachineReadableCopyright()
    {
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(Packages("zlib1g", "libc6", "tzdata", "nodoc")
            .File("usr/share/doc/zlib1g/copyright", File.ReadAllText(RepositoryRoot.Combine("tests", "SecureContainers.Core.Tests", "Layers", "TestData", "debian-copyright", "zlib1g")))
            .File("usr/share/doc/libc6/copyright", "This is the Debian prepackaged version of the GNU C Library.\nLicense: LGPL-2.1+\n")
            .File("usr/share/doc/tzdata/copyright", Dep5("public-domain"))));

        Assert.Equal(["Zlib"], LicensesOf(report, "zlib1g"));
        Assert.Empty(LicensesOf(report, "libc6"));
        Assert.Equal(["public-domain"], LicensesOf(report, "tzdata"));
        Assert.Empty(LicensesOf(report, "nodoc"));
        Assert.Empty(report.LicenseMessages);
    }

    [Fact]
    public async Task AWhiteoutInALaterLayerRemovesTheCopyrightAndItsLicense()
    {
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(
            Packages("tzdata", "libssl3")
                .File("usr/share/doc/tzdata/copyright", Dep5("public-domain"))
                .File("usr/share/doc/libssl3/copyright", Dep5("Apache-2.0")),
            new TestLayer().Whiteout("usr/share/doc/tzdata"),
            new TestLayer().File("usr/share/doc/libssl3/copyright", Dep5("Apache-2.0 and MIT"))));

        Assert.Empty(LicensesOf(report, "tzdata"));
        Assert.Equal(["Apache-2.0", "MIT"], LicensesOf(report, "libssl3"));
    }

    [Fact]
    public async Task ADocDirectoryLinkedToAnotherPackagesReadsThatPackagesCopyright()
    {
        // libstdc++6 ships /usr/share/doc/libstdc++6 -> gcc-12-base, as in Debian 12.
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(Packages("gcc-12-base", "libstdc++6")
            .File("usr/share/doc/gcc-12-base/copyright", Dep5("GPL-3+ with GCC-Runtime-Library exception"))
            .Symlink("usr/share/doc/libstdc++6", "gcc-12-base")));

        Assert.Equal(["GPL-3+ with GCC-Runtime-Library exception"], LicensesOf(report, "libstdc++6"));
        Assert.Equal(LicensesOf(report, "gcc-12-base"), LicensesOf(report, "libstdc++6"));
    }

    [Fact]
    public async Task MalformedCopyrightsLeaveTheLicenseUnknownAndAreListedInOneMessage()
    {
        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Layers(Packages("a", "b", "good")
            .File("usr/share/doc/a/copyright", Format + "Files: *\nCopyright: X\n")
            .File("usr/share/doc/b/copyright", Dep5("GPL-2 or"))
            .File("usr/share/doc/good/copyright", Dep5("MIT"))));

        Assert.Empty(LicensesOf(report, "a"));
        Assert.Empty(LicensesOf(report, "b"));
        Assert.Equal(["MIT"], LicensesOf(report, "good"));
        Diagnostic message = Assert.Single(report.LicenseMessages);
        Assert.Equal(("SC4037", DiagnosticSeverity.Message), (message.Code, message.Severity));
        Assert.Contains("a (/usr/share/doc/a/copyright", message.Message, StringComparison.Ordinal);
        Assert.Contains("b (/usr/share/doc/b/copyright", message.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopyrightFilesPastTheirCapsAreSkippedWithAMessageNotAFailure()
    {
        LayerScanLimits limits = LayerScanLimits.Default with { MaxCopyrightFileBytes = 200, MaxCopyrightBytesPerLayer = 300 };
        string big = Dep5("MIT") + new string('#', 200) + "\n";
        string small = Dep5("Zlib");
        Blob layer = Packages("big", "first", "second", "third")
            .File("usr/share/doc/big/copyright", big)
            .File("usr/share/doc/first/copyright", small)
            .File("usr/share/doc/second/copyright", small)
            .File("usr/share/doc/third/copyright", small)
            .Build();

        ImageContentsReport report = ImageContentsAnalyzer.Analyze(await Scan.Blobs(limits, null, layer));

        // ~140 bytes each: the per-file cap drops "big", the per-layer total fits two of the rest, in tar order.
        Assert.Equal(["Zlib"], LicensesOf(report, "first"));
        Assert.Equal(["Zlib"], LicensesOf(report, "second"));
        Assert.Empty(LicensesOf(report, "third"));
        Assert.Empty(LicensesOf(report, "big"));
        Diagnostic message = Assert.Single(report.LicenseMessages);
        Assert.Equal("SC4038", message.Code);
        Assert.Contains("big (/usr/share/doc/big/copyright", message.Message, StringComparison.Ordinal);
        Assert.Contains("third (", message.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACachedScanGivesTheSameLicensesAsAFreshOne()
    {
        string cacheDirectory = Directory.CreateTempSubdirectory("dep5-cache-").FullName;
        try
        {
            var cache = new LayerScanCache(cacheDirectory);
            Blob layer = Packages("zlib1g").File("usr/share/doc/zlib1g/copyright", Dep5("Zlib")).Build();

            ImageContentsReport fresh = ImageContentsAnalyzer.Analyze(await Scan.Blobs(Scan.Limits, cache, layer));
            ImageContentsReport cached = ImageContentsAnalyzer.Analyze(await Scan.Blobs(Scan.Limits, cache, layer));

            Assert.Equal(["Zlib"], LicensesOf(fresh, "zlib1g"));
            Assert.Equal(LicensesOf(fresh, "zlib1g"), LicensesOf(cached, "zlib1g"));
        }
        finally
        {
            Directory.Delete(cacheDirectory, recursive: true);
        }
    }

    [Theory]
    [InlineData("/usr/share/doc/zlib1g/copyright", true)]
    [InlineData("/usr/share/doc/copyright", false)]
    [InlineData("/usr/share/doc/zlib1g/examples/copyright", false)]
    [InlineData("/usr/share/doc/zlib1g/copyright.gz", false)]
    [InlineData("/usr/local/share/doc/zlib1g/copyright", false)]
    public void OnlyTheTopLevelCopyrightOfADocDirectoryIsCaptured(string path, bool captured)
    {
        Assert.Equal(captured, InterestingFiles.IsDebianCopyright(path));
    }
}

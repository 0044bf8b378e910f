using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Vulnerabilities;
using SecureContainers.Core.Vulnerabilities.Osv;

namespace SecureContainers.Core.Tests.Vulnerabilities.Osv;

/// <summary>Reading and matching the real OSV records in TestData (see SOURCES.md there).</summary>
public sealed class OsvDatabaseTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("osvdb-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    internal static string TestData([CallerFilePath] string thisFile = "") => Path.Combine(Path.GetDirectoryName(thisFile)!, "TestData");

    private static byte[] Record(string name) => File.ReadAllBytes(Path.Combine(TestData(), name));

    private static OsvDatabase Load(string path, DiagnosticBag bag, OsvDatabaseLimits? limits = null) =>
        OsvDatabase.Load(path, limits ?? new OsvDatabaseLimits(), bag)!;

    /// <summary>osv-scanner's offline layout: one all.zip per ecosystem folder.</summary>
    private string Zip(string ecosystem, params (string Name, byte[] Content)[] entries)
    {
        string dir = Path.Combine(_work, "osv-scanner", ecosystem);
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "all.zip");
        using ZipArchive zip = ZipFile.Open(file, ZipArchiveMode.Create);
        foreach ((string name, byte[] content) in entries)
        {
            using Stream s = zip.CreateEntry(name).Open();
            s.Write(content);
        }

        return file;
    }

    [Fact]
    public void AFolderOfRecordsIsReadAndSeveritiesComeFromVectorsOrThePublishersWords()
    {
        var bag = new DiagnosticBag();
        OsvDatabase db = Load(TestData(), bag);

        Assert.Equal(4, db.RecordCount);
        Assert.DoesNotContain(bag.Items, d => d.Severity != DiagnosticSeverity.Message);
        Assert.Equal("SC7208", Assert.Single(bag.Items).Code);

        OsvMatch ghsa = Assert.Single(OsvMatcher.Match(db, [OsvComponent.NuGet("newtonsoft.json", "12.0.3")], bag));
        Assert.Equal(("GHSA-5crp-9r3c-p9vr", VulnerabilitySeverity.High, 7.5, "CVSS_V3", "13.0.1"), (ghsa.Id, ghsa.Severity.Level, ghsa.Severity.Score, ghsa.Severity.Basis, ghsa.FixedVersion));
        Assert.Equal(["CVE-2024-21907"], ghsa.Aliases);

        OsvMatch ubuntu = Assert.Single(OsvMatcher.Match(db, [new OsvComponent("Ubuntu:Pro:14.04:LTS", "linux", "3.13.0-206.257", "linux-image", "3.13.0-206.257", "pkg:deb/ubuntu/linux-image")], bag));
        Assert.Equal((VulnerabilitySeverity.Moderate, "Ubuntu", (string?)null), (ubuntu.Severity.Level, ubuntu.Severity.Basis, ubuntu.FixedVersion));

        OsvMatch dsa = Assert.Single(OsvMatcher.Match(db, [new OsvComponent("Debian:7", "nginx", "1.2.1-2.2+wheezy2", "nginx-full", "1.2.1-2.2+wheezy2", "pkg:deb/debian/nginx-full")], bag));
        Assert.Equal((VulnerabilitySeverity.Unknown, "1.2.1-2.2+wheezy3"), (dsa.Severity.Level, dsa.FixedVersion));
    }

    [Theory]
    [InlineData("Debian:7", "nginx", "1.2.1-2.2+wheezy2", true)]
    [InlineData("Debian:7", "nginx", "1.2.1-2.2+wheezy3", false)] // the fixed version itself
    [InlineData("Debian:7", "nginx", "1.2.1-2.2+wheezy3+b1", false)]
    [InlineData("Debian:7", "nginx", "1.2.1-2.2~bpo1", true)] // "~" sorts before the end: below the fix
    [InlineData("Debian:8", "nginx", "1.2.1-2.2+wheezy2", false)] // another release's record
    [InlineData("Debian:7", "nginx-full", "1.2.1-2.2+wheezy2", false)] // OSV names source packages
    [InlineData("Alpine:v3.16", "mariadb", "10.6.7-r3", true)]
    [InlineData("Alpine:v3.16", "mariadb", "10.6.8-r0", false)]
    [InlineData("Alpine:v3.12", "mariadb", "10.4.24-r0", true)]
    [InlineData("Alpine:v3.12", "mariadb", "10.4.25-r1", false)]
    [InlineData("Ubuntu:Pro:14.04:LTS", "linux", "3.11.0-12.19", true)] // listed versions, and an unfixed range
    [InlineData("Ubuntu:14.04", "linux", "3.11.0-12.19", false)] // Pro is another stream than the plain release
    [InlineData("NuGet", "Newtonsoft.Json", "13.0.1", false)]
    [InlineData("NuGet", "NEWTONSOFT.JSON", "9.0.1", true)] // NuGet ids compare case-insensitively
    public void VersionsAreOrderedByTheirEcosystem(string ecosystem, string name, string version, bool affected)
    {
        var bag = new DiagnosticBag();
        OsvDatabase db = Load(TestData(), bag);

        IReadOnlyList<OsvMatch> matches = OsvMatcher.Match(db, [new OsvComponent(ecosystem, name, version, name, version, "ref")], bag);

        Assert.Equal(affected, matches.Count == 1);
    }

    [Fact]
    public void BinaryPackagesAreLookedUpByTheirSourcePackageAndKeepTheSbomsBomRef()
    {
        Digest layer = Digest.Sha256([1]);
        OsRelease release = new("debian", "7", "wheezy", null, new Dictionary<string, string>());
        OsPackage nginx = new("deb", "nginx-full", "1.2.1-2.2+wheezy2", "amd64", "nginx", null, null, [], layer);
        OsPackage common = new("deb", "nginx-common", "1.2.1-2.2+wheezy3", "all", "nginx", null, null, [], layer);
        ImageContentsReport contents = new([], [], [], [], [], [], [], release, [nginx, common], [], []);
        Assert.Equal("Debian:7", OsvEcosystem.ForOperatingSystem(release.Id, release.VersionId));

        var bag = new DiagnosticBag();
        IReadOnlyList<OsvMatch> matches = OsvMatcher.Match(Load(TestData(), bag), OsvComponent.FromImage(contents, "Debian:7"), bag);

        OsvMatch match = Assert.Single(matches);
        Assert.Equal(("DSA-3029-1", "nginx-full", "pkg:deb/debian/nginx-full@1.2.1-2.2%2Bwheezy2?arch=amd64&distro=debian-7"), (match.Id, match.Component.Name, match.Component.BomRef));
    }

    [Theory]
    [InlineData("debian", "12", "Debian:12")]
    [InlineData("debian", "12.4", "Debian:12")]
    [InlineData("ubuntu", "22.04", "Ubuntu:22.04")]
    [InlineData("alpine", "3.19.1", "Alpine:v3.19")]
    [InlineData("azurelinux", "3.0", "Azure Linux:3")]
    [InlineData("fedora", "40", null)]
    public void OperatingSystemsMapToTheirOsvEcosystem(string id, string versionId, string? expected) =>
        Assert.Equal(expected, OsvEcosystem.ForOperatingSystem(id, versionId));

    [Fact]
    public void TheOfflineZipLayoutIsStreamedAndABadRecordIsReportedAndSkipped()
    {
        Zip("Debian", ("DSA-3029-1.json", Record("DSA-3029-1.json")), ("broken.json", "{\"id\": \"DSA-0\", \"affected\": {}"u8.ToArray()), ("README", "not a record"u8.ToArray()));
        Zip("Alpine", ("CVE-2022-27449.json", Record("CVE-2022-27449.json")), ("no-id.json", "{\"affected\": []}"u8.ToArray()));
        var bag = new DiagnosticBag();

        OsvDatabase db = Load(_work, bag);

        Assert.Equal(2, db.RecordCount);
        Assert.Equal(["Alpine:v3.12", "Alpine:v3.13", "Alpine:v3.14", "Alpine:v3.15", "Alpine:v3.16", "Debian:7"], db.Ecosystems.Order(StringComparer.Ordinal));
        Assert.Equal(["SC7201", "SC7201", "SC7208"], bag.Items.Select(d => d.Code));
        Assert.Contains("osv-scanner/Debian/all.zip!broken.json", bag.Items[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithdrawnRecordsAreIgnored()
    {
        // The real DSA with a withdrawn date added, as a publisher does when it retracts a record.
        string withdrawn = Encoding.UTF8.GetString(Record("DSA-3029-1.json")).Replace("\"id\": \"DSA-3029-1\",", "\"id\": \"DSA-3029-1\",\n  \"withdrawn\": \"2014-09-21T00:00:00Z\",", StringComparison.Ordinal);
        Zip("Debian", ("DSA-3029-1.json", Encoding.UTF8.GetBytes(withdrawn)));
        var bag = new DiagnosticBag();

        OsvDatabase db = Load(_work, bag);

        Assert.Equal((1, 1), (db.RecordCount, db.WithdrawnCount));
        Assert.Empty(OsvMatcher.Match(db, [new OsvComponent("Debian:7", "nginx", "1.0-1", "nginx", "1.0-1", "ref")], bag));
    }

    [Fact]
    public void TheSameVulnerabilityFromTwoFilesIsOneFinding()
    {
        File.WriteAllBytes(Path.Combine(_work, "GHSA-5crp-9r3c-p9vr.json"), Record("GHSA-5crp-9r3c-p9vr.json"));
        Zip("NuGet", ("GHSA-5crp-9r3c-p9vr.json", Record("GHSA-5crp-9r3c-p9vr.json")));
        var bag = new DiagnosticBag();

        IReadOnlyList<OsvMatch> matches = OsvMatcher.Match(Load(_work, bag), [OsvComponent.NuGet("Newtonsoft.Json", "12.0.3")], bag);

        Assert.Equal("GHSA-5crp-9r3c-p9vr", Assert.Single(matches).Id);
    }

    [Fact]
    public void OversizedEntriesAreSkippedUnreadAndTheRecordCapStopsReading()
    {
        byte[] dsa = Record("DSA-3029-1.json");
        Zip("Debian", ("a.json", dsa), ("b.json", new byte[4096]), ("c.json", dsa), ("d.json", dsa));
        var bag = new DiagnosticBag();

        OsvDatabase db = Load(_work, bag, new OsvDatabaseLimits { MaxRecordBytes = 2048, MaxRecords = 2 });

        Assert.Equal(2, db.RecordCount);
        Assert.Equal(["SC7202", "SC7203", "SC7208"], bag.Items.Select(d => d.Code));
    }

    [Fact]
    public void ACorruptArchiveOrAMissingPathIsReported()
    {
        string dir = Path.Combine(_work, "Debian");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "all.zip"), "PK\u0003\u0004 truncated"u8.ToArray());
        var bag = new DiagnosticBag();

        Assert.NotNull(OsvDatabase.Load(_work, new OsvDatabaseLimits(), bag));
        Assert.Null(OsvDatabase.Load(Path.Combine(_work, "missing"), new OsvDatabaseLimits(), bag));

        Assert.Equal(["SC7204", "SC7208", "SC7200"], bag.Items.Select(d => d.Code));
    }
}

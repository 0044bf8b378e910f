using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.NuGet;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Tests.Sbom;
using SecureContainers.Core.Vulnerabilities;
using SecureContainers.Core.Vulnerabilities.Osv;

namespace SecureContainers.Core.Tests.Vulnerabilities;

/// <summary>
/// An SBOM as the build writes it, read back and matched against the real OSV records in Osv/TestData: a Debian 7 base
/// whose nginx-full (source nginx) is inside DSA-3029-1 (no severity, fixed 1.2.1-2.2+wheezy3) while nginx-common is at
/// the fix, and Newtonsoft.Json 12.0.3 inside GHSA-5crp-9r3c-p9vr (high, fixed 13.0.1).
/// </summary>
public sealed class SbomScannerTests : IDisposable
{
    internal const string NginxFull = "pkg:deb/debian/nginx-full@1.2.1-2.2%2Bwheezy2?arch=amd64&distro=debian-7";
    private readonly string _dir = Directory.CreateTempSubdirectory("sc-sbomscan-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string OsvTestData() => TestDataNextTo();

    private static string TestDataNextTo([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "Osv", "TestData"));

    internal static ImageContentsReport Debian7(string nginxFull = "1.2.1-2.2+wheezy2") => SbomTestInputs.Report(
        new OsRelease("debian", "7", "wheezy", "Debian GNU/Linux 7 (wheezy)", new Dictionary<string, string>()),
        [
            new("deb", "nginx-full", nginxFull, "amd64", "nginx", null, null, ["nginx-common"], SbomTestInputs.OsLayer),
            new("deb", "nginx-common", "1.2.1-2.2+wheezy3", "all", "nginx", null, null, [], SbomTestInputs.OsLayer),
        ],
        []);

    /// <summary>The SBOM bytes the build would attach for that image.</summary>
    internal static byte[] Sbom(ImageContentsReport? contents = null, string newtonsoft = "12.0.3", Func<SbomInputs, SbomInputs>? change = null)
    {
        SbomInputs inputs = SbomTestInputs.Create(VulnerabilityTestData.Closure(newtonsoft, "4.5.1")) with { BaseImageContents = contents ?? Debian7() };
        return SbomWriter.Write(SbomBuilder.Build(change is null ? inputs : change(inputs)));
    }

    internal static SbomInventory Read(byte[] sbom, string origin = "app.cdx.json")
    {
        Assert.True(SbomInventory.TryRead(sbom, origin, out SbomInventory? inventory, out string error), error);
        return inventory!;
    }

    internal static OsvDatabase Database(string path)
    {
        OsvDatabase? database = OsvDatabase.Load(path, new OsvDatabaseLimits(), new DiagnosticBag());
        Assert.NotNull(database);
        return database;
    }

    private static SbomScanResult Scan(byte[] sbom, string threshold = "high", DiagnosticBag? sink = null, string? database = null)
    {
        Assert.True(ScanThreshold.TryParse(threshold, out ScanThreshold parsed));
        return SbomScanner.Scan(Read(sbom), Database(database ?? OsvTestData()), parsed, sink ?? new DiagnosticBag());
    }

    [Fact]
    public void TheOsPackageIsMatchedBySourcePackageInTheEcosystemOfTheSbomsOperatingSystem()
    {
        SbomScanResult result = Scan(Sbom());

        SbomScanFinding nginx = Assert.Single(result.Findings, f => f.Finding.BomRef == NginxFull);
        Assert.Equal("DSA-3029-1", nginx.Finding.Advisory.Id);
        Assert.Equal("Debian:7", nginx.Ecosystem);
        Assert.Equal("1.2.1-2.2+wheezy3", nginx.Finding.FixedVersion);
        Assert.Equal(VulnerabilitySeverity.Unknown, nginx.Finding.Advisory.Severity);
        Assert.Equal("SC7213", nginx.Finding.Code);

        // nginx-common is at the fix: same source package, not affected.
        Assert.DoesNotContain(result.Findings, f => f.Finding.PackageId == "nginx-common");
    }

    [Fact]
    public void AHighNuGetFindingFailsAtHighButNotAtCritical()
    {
        SbomScanResult high = Scan(Sbom());
        SbomScanFinding newtonsoft = Assert.Single(high.Findings, f => f.Finding.Advisory.Id == "GHSA-5crp-9r3c-p9vr");
        Assert.Equal("pkg:nuget/Newtonsoft.Json@12.0.3", newtonsoft.Finding.BomRef);
        Assert.Equal("13.0.1", newtonsoft.Finding.FixedVersion);
        Assert.Equal("NuGet", newtonsoft.Ecosystem);
        Assert.NotNull(newtonsoft.Finding.Match?.Severity.Score);
        Assert.True(newtonsoft.Fails);
        Assert.Equal(DiagnosticSeverity.Error, newtonsoft.Finding.Outcome);
        Assert.True(high.HasFailures);

        // The unknown-severity Debian record does not fail at high: no threshold applies to it.
        Assert.False(Assert.Single(high.Findings, f => f.Finding.Advisory.Id == "DSA-3029-1").Fails);

        SbomScanResult critical = Scan(Sbom(), "critical");
        Assert.False(critical.HasFailures);
        Assert.Equal(high.Findings.Count, critical.Findings.Count);
    }

    [Theory]
    [InlineData("unknown", 2)]
    [InlineData("low", 1)]
    [InlineData("medium", 1)]
    [InlineData("none", 0)]
    public void TheThresholdDecidesWhatFails(string threshold, int failing) =>
        Assert.Equal(failing, Scan(Sbom(), threshold).Findings.Count(f => f.Fails));

    [Fact]
    public void TheFixedVersionsAreClean()
    {
        SbomScanResult result = Scan(Sbom(Debian7("1.2.1-2.2+wheezy3"), newtonsoft: "13.0.1"));

        Assert.Empty(result.Findings);
        Assert.False(result.HasFailures);
        Assert.True(result.ComponentsChecked >= 6, result.ComponentsChecked.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ADatabaseWithoutTheRecordFindsNothingThere()
    {
        string partial = Path.Combine(_dir, "db");
        Directory.CreateDirectory(partial);
        File.Copy(Path.Combine(OsvTestData(), "DSA-3029-1.json"), Path.Combine(partial, "DSA-3029-1.json"));

        SbomScanResult result = Scan(Sbom(), database: partial);

        Assert.DoesNotContain(result.Findings, f => f.Finding.Advisory.Id == "GHSA-5crp-9r3c-p9vr");
        Assert.False(result.HasFailures);
    }

    [Fact]
    public void ASuppressionTheBuildRecordedInTheSbomStillApplies()
    {
        // The build writes a suppressed advisory as a vulnerability with an analysis; scan reads it back.
        JsonNode sbom = JsonNode.Parse(Sbom())!;
        sbom["vulnerabilities"] = JsonNode.Parse("""
            [{ "id": "GHSA-5crp-9r3c-p9vr", "affects": [{ "ref": "pkg:nuget/Newtonsoft.Json@12.0.3" }],
               "analysis": { "state": "not_affected", "detail": "Only our own types are serialized." } }]
            """);

        SbomScanResult result = Scan(Encoding.UTF8.GetBytes(sbom.ToJsonString()));

        SbomScanFinding newtonsoft = Assert.Single(result.Findings, f => f.Finding.Advisory.Id == "GHSA-5crp-9r3c-p9vr");
        Assert.True(newtonsoft.Finding.Suppressed);
        Assert.Equal("Only our own types are serialized.", newtonsoft.Finding.Justification);
        Assert.False(newtonsoft.Fails);
        Assert.False(result.HasFailures);
    }

    [Fact]
    public void AnExcludedComponentIsReportedForInformationAndNeverFails()
    {
        // Newtonsoft.Json 12.0.3 only restored for the build (scope excluded); the shipped closure has no NuGet finding.
        NuGetLibrary buildOnly = new("Newtonsoft.Json", "12.0.3", NuGetLibraryKind.Package, null, IsDirect: true, HasRuntimeAssets: true, []);
        byte[] sbom = Sbom(change: i => i with
        {
            NuGetLibraries = VulnerabilityTestData.Closure("13.0.1", "4.5.1").Where(l => l.Id != "Newtonsoft.Json").ToArray(),
            BuildOnlyNuGetLibraries = [buildOnly],
            IncludeBuildDependencies = true,
        });
        DiagnosticBag sink = new();

        SbomScanResult result = Scan(sbom, "low", sink);

        SbomScanFinding newtonsoft = Assert.Single(result.Findings, f => f.Finding.Advisory.Id == "GHSA-5crp-9r3c-p9vr");
        Assert.True(newtonsoft.Excluded);
        Assert.False(newtonsoft.Fails);
        Assert.Equal("SC7217", newtonsoft.Finding.Code);
        Assert.Contains(sink.Items, d => d.Code == "SC7217");
        Assert.False(result.HasFailures);
    }

    [Fact]
    public void WithoutAnOperatingSystemComponentTheDistroQualifierNamesTheEcosystem()
    {
        JsonNode sbom = JsonNode.Parse(Sbom())!;
        JsonArray components = sbom["components"]!.AsArray();
        components.Remove(components.Single(c => (string?)c!["type"] == "operating-system"));

        SbomScanResult result = Scan(Encoding.UTF8.GetBytes(sbom.ToJsonString()));

        Assert.Equal("Debian:7", Assert.Single(result.Findings, f => f.Finding.BomRef == NginxFull).Ecosystem);
    }

    [Fact]
    public void AnAlpineSbomIsMatchedInItsMinorBranchByApkOrigin()
    {
        // CVE-2022-27449 fixes mariadb in Alpine v3.16 at 10.6.8-r0 (and at 10.5.16-r0 in v3.14): 3.16.2 picks v3.16.
        ImageContentsReport alpine = SbomTestInputs.Report(
            new OsRelease("alpine", "3.16.2", null, "Alpine Linux v3.16", new Dictionary<string, string>()),
            [
                new("apk", "mariadb-client", "10.6.7-r0", "x86_64", "mariadb", null, null, [], SbomTestInputs.OsLayer),
                new("apk", "mariadb-common", "10.6.8-r0", "x86_64", "mariadb", null, null, [], SbomTestInputs.OsLayer),
            ],
            []);

        SbomScanResult result = Scan(Sbom(alpine, newtonsoft: "13.0.1"));

        SbomScanFinding finding = Assert.Single(result.Findings);
        Assert.Equal(("CVE-2022-27449", "mariadb-client", "Alpine:v3.16", "10.6.8-r0"),
            (finding.Finding.Advisory.Id, finding.Finding.PackageId, finding.Ecosystem, finding.Finding.FixedVersion));
        Assert.StartsWith("pkg:apk/alpine/mariadb-client@10.6.7-r0", finding.Finding.BomRef, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOperatingSystemWithoutAnOsvEcosystemIsSaidNotSilentlyClean()
    {
        ImageContentsReport unknown = SbomTestInputs.Report(
            new OsRelease("plan9", "4", null, "Plan 9", new Dictionary<string, string>()), Debian7().Packages, []);
        DiagnosticBag sink = new();

        SbomScanResult result = Scan(Sbom(unknown), sink: sink);

        Assert.DoesNotContain(result.Findings, f => f.Finding.BomRef.StartsWith("pkg:deb/", StringComparison.Ordinal));
        Assert.Contains(sink.Items, d => d.Code == "SC7207");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"bomFormat":"SPDX"}""")]
    [InlineData("""{"bomFormat":"CycloneDX","components":{}}""")]
    public void ADocumentThatIsNotACycloneDxSbomIsRefusedWithTheReason(string json)
    {
        Assert.False(SbomInventory.TryRead(Encoding.UTF8.GetBytes(json), "x.json", out _, out string error));
        Assert.NotEmpty(error);
    }
}

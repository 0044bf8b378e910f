using System.Text.Json.Nodes;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Tests.Vulnerabilities;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Core.Tests.Sbom;

/// <summary>Two releases' SBOMs compared: components by identity, versions by their ecosystem's own ordering.</summary>
public sealed class SbomDiffTests
{
    /// <summary>Pairs where ordinal string order and the ecosystem's order disagree (or that need its epoch/tilde rules).</summary>
    [Theory]
    [InlineData("deb", "1:1.2.13.dfsg-1", "1.3-1", 1)]             // the epoch outranks everything after it
    [InlineData("deb", "3.0.15-1~deb12u1", "3.0.15-1", -1)]       // ~ sorts before the end of the string
    [InlineData("deb", "2.36-9+deb12u9", "2.36-9+deb12u10", -1)]  // digits compare as numbers
    [InlineData("rpm", "1.2.13-9.azl3", "1.2.13-10.azl3", -1)]
    [InlineData("rpm", "1:1.0-1", "2.0-1", 1)]
    [InlineData("apk", "1.2.3-r9", "1.2.3-r10", -1)]
    [InlineData("apk", "1.2.3_rc1-r0", "1.2.3-r0", -1)]
    [InlineData("nuget", "13.0.1-beta1", "13.0.1", -1)]
    [InlineData("nuget", "10.0.0", "9.0.0", 1)]
    [InlineData(null, "10.0.0", "10.0.1", -1)]                     // a shared framework, which has no purl
    public void VersionsAreOrderedByTheirEcosystem(string? type, string left, string right, int expected)
    {
        Assert.True(SbomDiff.TryCompareVersions(type, left, right, out int order));
        Assert.Equal(expected, order);
    }

    [Fact]
    public void PackagesAddedRemovedUpgradedAndDowngradedAreListedAndTheRestCounted()
    {
        SbomInventory old = SbomScannerTests.Read(SbomScannerTests.Sbom());
        SbomInventory @new = SbomScannerTests.Read(SbomScannerTests.Sbom(SbomTestInputs.Report(
            SbomScannerTests.Debian7().OsRelease,
            [
                // nginx-full upgraded to the fix, nginx-common removed, zlib1g added.
                new("deb", "nginx-full", "1.2.1-2.2+wheezy3", "amd64", "nginx", null, null, [], SbomTestInputs.OsLayer),
                new("deb", "zlib1g", "1:1.2.7.dfsg-13", "amd64", "zlib", null, null, [], SbomTestInputs.OsLayer),
            ],
            []), newtonsoft: "13.0.1"));

        SbomDiffResult diff = SbomDiff.Compare(old, @new);

        Assert.Equal(["deb/debian/zlib1g?arch=amd64"], Keys(diff, SbomChangeKind.Added));
        Assert.Equal(["deb/debian/nginx-common?arch=all"], Keys(diff, SbomChangeKind.Removed));
        Assert.Equal(["deb/debian/nginx-full?arch=amd64", "nuget/newtonsoft.json"], Keys(diff, SbomChangeKind.Upgraded));
        Assert.Empty(Keys(diff, SbomChangeKind.Downgraded));
        SbomComponentChange nginx = diff.Components.Single(c => c.Key == "deb/debian/nginx-full?arch=amd64");
        Assert.Equal(("1.2.1-2.2+wheezy2", "1.2.1-2.2+wheezy3"), (nginx.OldVersion, nginx.NewVersion));
        Assert.True(diff.Unchanged > 0);
        Assert.Null(diff.Vulnerabilities);

        SbomDiffResult back = SbomDiff.Compare(@new, old);
        Assert.Equal(["deb/debian/nginx-full?arch=amd64", "nuget/newtonsoft.json"], Keys(back, SbomChangeKind.Downgraded));
    }

    [Fact]
    public void AnotherDistributionsPackagesAreOtherPackages()
    {
        SbomInventory debian = SbomScannerTests.Read(SbomScannerTests.Sbom());
        JsonNode ubuntu = JsonNode.Parse(SbomScannerTests.Sbom())!;
        foreach (JsonNode? c in ubuntu["components"]!.AsArray())
        {
            if ((string?)c!["purl"] is { } purl && purl.StartsWith("pkg:deb/debian/", StringComparison.Ordinal))
            {
                c["purl"] = purl.Replace("pkg:deb/debian/", "pkg:deb/ubuntu/", StringComparison.Ordinal);
            }
        }

        SbomDiffResult diff = SbomDiff.Compare(debian, SbomScannerTests.Read(System.Text.Encoding.UTF8.GetBytes(ubuntu.ToJsonString())));

        Assert.Equal(2, Keys(diff, SbomChangeKind.Added).Length);
        Assert.Equal(2, Keys(diff, SbomChangeKind.Removed).Length);
    }

    [Fact]
    public void WithScansTheVulnerabilitiesFixedAndIntroducedAreListed()
    {
        SbomInventory old = SbomScannerTests.Read(SbomScannerTests.Sbom(newtonsoft: "13.0.1"));
        SbomInventory @new = SbomScannerTests.Read(SbomScannerTests.Sbom(SbomScannerTests.Debian7("1.2.1-2.2+wheezy3"), newtonsoft: "12.0.3"));
        var database = SbomScannerTests.Database(SbomScannerTests.OsvTestData());
        ScanThreshold.TryParse("none", out ScanThreshold all);

        SbomDiffResult diff = SbomDiff.Compare(old, @new,
            SbomScanner.Scan(old, database, all, new DiagnosticBag()), SbomScanner.Scan(@new, database, all, new DiagnosticBag()));

        Assert.NotNull(diff.Vulnerabilities);
        Assert.Equal([("DSA-3029-1", true), ("GHSA-5crp-9r3c-p9vr", false)], diff.Vulnerabilities.Select(v => (v.Id, v.Fixed)).ToArray());
        Assert.Equal("nginx-full", diff.Vulnerabilities[0].Package);
    }

    private static string[] Keys(SbomDiffResult diff, SbomChangeKind kind) =>
        diff.Components.Where(c => c.Kind == kind && !c.Key.StartsWith("nuget/some.", StringComparison.Ordinal)).Select(c => c.Key).ToArray();
}

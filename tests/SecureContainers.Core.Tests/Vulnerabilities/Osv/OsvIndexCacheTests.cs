using System.IO.Compression;
using System.Text;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Vulnerabilities.Osv;

namespace SecureContainers.Core.Tests.Vulnerabilities.Osv;

/// <summary>
/// The index of an osv-scanner zip cached by the zip's SHA-256: the real records of TestData in one all.zip, loaded
/// without a cache, then twice with one (a miss that writes it, a hit that reads it back), and with a damaged cache file.
/// </summary>
public sealed class OsvIndexCacheTests : IDisposable
{
    private static readonly string[] Records = ["CVE-2022-27449.json", "DSA-3029-1.json", "GHSA-5crp-9r3c-p9vr.json", "UBUNTU-CVE-2025-38094.json"];
    private readonly string _work = Directory.CreateTempSubdirectory("osvcache-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Database => Path.Combine(_work, "db");

    private string Cache => Path.Combine(_work, "cache");

    private string Zip(Func<string, byte[], byte[]>? change = null)
    {
        string dir = Path.Combine(Database, "All");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "all.zip");
        using ZipArchive zip = ZipFile.Open(file, ZipArchiveMode.Create);
        foreach (string name in Records)
        {
            byte[] content = File.ReadAllBytes(Path.Combine(OsvDatabaseTests.TestData(), name));
            using Stream s = zip.CreateEntry(name).Open();
            s.Write(change is null ? content : change(name, content));
        }

        return file;
    }

    private (OsvDatabase Database, DiagnosticBag Bag) Load(string? cache)
    {
        DiagnosticBag bag = new();
        OsvDatabase? database = OsvDatabase.Load(Database, new OsvDatabaseLimits(), bag, CancellationToken.None, cache);
        Assert.NotNull(database);
        return (database, bag);
    }

    private static readonly OsvComponent[] Components =
    [
        new("Debian:7", "nginx", "1.2.1-2.2+wheezy2", "nginx-full", "1.2.1-2.2+wheezy2", "pkg:deb/debian/nginx-full"),
        new("NuGet", "Newtonsoft.Json", "12.0.3", "Newtonsoft.Json", "12.0.3", "pkg:nuget/Newtonsoft.Json@12.0.3"),
        new("Alpine:v3.16", "mariadb", "10.6.4-r0", "mariadb", "10.6.4-r0", "pkg:apk/alpine/mariadb"),
    ];

    private static string Describe(OsvDatabase database) =>
        $"{database.RecordCount} {database.WithdrawnCount} {database.NewestModified:O} {string.Join(",", database.Ecosystems.Order(StringComparer.Ordinal))} | " +
        string.Join(" | ", OsvMatcher.Match(database, Components, new DiagnosticBag()).Select(m =>
            $"{m.Component.Name} {m.Id} [{string.Join(",", m.Aliases)}] {m.Severity} {m.FixedVersion} {m.AffectedVersions} {m.Summary}"));

    [Fact]
    public void TheSecondLoadReadsTheIndexCachedByTheZipsHashAndFindsTheSame()
    {
        string zip = Zip();
        string uncached = Describe(Load(null).Database);

        (OsvDatabase miss, DiagnosticBag missBag) = Load(Cache);
        string index = OsvIndexCache.PathFor(Cache, zip);
        Assert.True(File.Exists(index), index);
        Assert.StartsWith(Path.Combine(Cache, "osv-index"), index, StringComparison.Ordinal);
        DateTime written = File.GetLastWriteTimeUtc(index);

        (OsvDatabase hit, DiagnosticBag hitBag) = Load(Cache);

        Assert.Equal(uncached, Describe(miss));
        Assert.Equal(uncached, Describe(hit));
        Assert.Contains("DSA-3029-1", uncached);
        Assert.Contains("GHSA-5crp-9r3c-p9vr", uncached);
        Assert.Equal(written, File.GetLastWriteTimeUtc(index));
        Assert.DoesNotContain(missBag.Items.Concat(hitBag.Items), d => d.Code == "SC7218");

        // Origins name the archive where it is now, not where it was when the index was written.
        OsvMatch match = OsvMatcher.Match(hit, Components, new DiagnosticBag()).First(m => m.Id == "DSA-3029-1");
        Assert.NotNull(match);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("empty")]
    [InlineData("huge count")]
    public void ADamagedIndexIsReportedIgnoredAndRebuilt(string damage)
    {
        string zip = Zip();
        string expected = Describe(Load(Cache).Database);
        string index = OsvIndexCache.PathFor(Cache, zip);
        byte[] good = File.ReadAllBytes(index);
        File.WriteAllBytes(index, damage switch
        {
            "truncated" => good[..(good.Length / 2)],
            "garbage" => Encoding.UTF8.GetBytes("not an index at all"),
            "empty" => [],
            _ => [.. good[..8], 0xff, 0xff, 0xff, 0x7f, .. good[12..]],
        });

        (OsvDatabase database, DiagnosticBag bag) = Load(Cache);

        Assert.Equal(expected, Describe(database));
        Assert.Contains(bag.Items, d => d.Code == "SC7218");
        Assert.Equal(good, File.ReadAllBytes(index));
        Assert.DoesNotContain(Load(Cache).Bag.Items, d => d.Code == "SC7218");
    }

    [Fact]
    public void AnArchiveWithASkippedRecordIsNotCachedSoItsProblemIsReportedEveryTime()
    {
        // The real DSA-3029-1 cut in half, as a truncated download leaves it.
        string zip = Zip((name, content) => name == "DSA-3029-1.json" ? content[..(content.Length / 2)] : content);

        DiagnosticBag first = Load(Cache).Bag;
        DiagnosticBag second = Load(Cache).Bag;

        Assert.Contains(first.Items, d => d.Code == "SC7201");
        Assert.Contains(second.Items, d => d.Code == "SC7201");
        Assert.False(File.Exists(OsvIndexCache.PathFor(Cache, zip)));
    }

    [Fact]
    public void ANewArchiveIsANewIndex()
    {
        string zip = Zip();
        Load(Cache);
        string before = OsvIndexCache.PathFor(Cache, zip);
        File.Delete(zip);
        Directory.Delete(Path.GetDirectoryName(zip)!);
        zip = Zip((name, content) => name == "GHSA-5crp-9r3c-p9vr.json" ? [] : content);

        (OsvDatabase database, _) = Load(Cache);

        Assert.NotEqual(before, OsvIndexCache.PathFor(Cache, zip));
        Assert.DoesNotContain("GHSA-5crp-9r3c-p9vr", Describe(database));
    }
}

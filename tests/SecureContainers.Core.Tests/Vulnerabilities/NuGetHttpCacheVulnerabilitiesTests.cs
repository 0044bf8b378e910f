using System.Text.Json.Nodes;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Core.Tests.Vulnerabilities;

/// <summary>
/// NuGet's HTTP cache as restore leaves it, built here from the test feed's documents: read when NuGet would answer from
/// it alone, a miss (null) for everything NuGet would download again, repair or read differently. The cache NuGet.Protocol
/// itself writes is read in the build tests (NuGetVulnerabilitySourceTests).
/// </summary>
public sealed class NuGetHttpCacheVulnerabilitiesTests : IDisposable
{
    private const string Source = "https://feed.test/v3/index.json";
    private static readonly string[] Ids = ["Newtonsoft.Json", "System.Text.Encodings.Web", "Some.Clean.Package"];

    private readonly string _root = Directory.CreateTempSubdirectory("nuget-http-cache-").FullName;
    private readonly DateTime _now = DateTime.UtcNow;

    public NuGetHttpCacheVulnerabilitiesTests()
    {
        string feed = RepositoryRoot.Combine("eng", "testbed", "nuget-feed", "feed");
        string Document(string path) => File.ReadAllText(Path.Combine(feed, path)).Replace("@BASE@", "https://feed.test", StringComparison.Ordinal);
        Write("service_index", Document("v3/index.json"));
        Write("vuln_index", Document("v3/vulnerability/index.json"));
        Write("vuln_data_base", Document("v3/vulnerability/base.json"));
        Write("vuln_data_updates", Document("v3/vulnerability/updates.json"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder => NuGetHttpCacheVulnerabilities.SourceFolder(_root, Source);

    private string Write(string key, string json)
    {
        Directory.CreateDirectory(Folder);
        string file = Path.Combine(Folder, key + ".dat");
        File.WriteAllText(file, json);
        return file;
    }

    private void Edit(string key, Action<JsonNode> edit)
    {
        JsonNode node = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, key + ".dat")))!;
        edit(node);
        Write(key, node.ToJsonString());
    }

    private IReadOnlyList<(string PackageId, Advisory Advisory)>? Read() =>
        NuGetHttpCacheVulnerabilities.TryRead(_root, Source, "feed", Ids, _now);

    [UnixTheory("The folders were named by NuGet on Linux, where ':' may be part of a file name; on Windows it becomes '_'.")]
    // Written by NuGet.Protocol on this machine (restore and the build's advisory check).
    [InlineData("http://127.0.0.1:33343/v3/index.json", "fb55a67725f378e74ca5c46118bc0b7ca5d9f90d$:_127.0.0.1:33343_v3_index.json")]
    [InlineData("http://127.0.0.1:50323/novuln/index.json", "054d4707fc65f549b1cfea11c231f1d56c79dfeb$27.0.0.1:50323_novuln_index.json")]
    [InlineData("https://api.nuget.org/v3/index.json", "670c1461c29885f9aa22c281d8b7da90845b38e4$ps:_api.nuget.org_v3_index.json")]
    public void TheSourceFolderIsNamedAsNuGetNamesIt(string source, string folder)
    {
        Assert.Equal(Path.Combine("/cache", folder), NuGetHttpCacheVulnerabilities.SourceFolder("/cache", source));
    }

    [Fact]
    public void AFreshCacheGivesTheWantedPackagesAdvisoriesFromEveryPage()
    {
        IReadOnlyList<(string PackageId, Advisory Advisory)> advisories = Assert.IsAssignableFrom<IReadOnlyList<(string, Advisory)>>(Read());

        Assert.Equal(
            [
                ("newtonsoft.json", "GHSA-5crp-9r3c-p9vr", VulnerabilitySeverity.High, "(, 13.0.1)", "feed"),
                ("system.text.encodings.web", "GHSA-ghhp-997w-qr28", VulnerabilitySeverity.Critical, "[4.0.0, 4.5.1)", "feed"),
                ("system.text.encodings.web", "GHSA-ghhp-997w-qr28", VulnerabilitySeverity.Critical, "[4.6.0, 4.7.2)", "feed"),
                ("system.text.encodings.web", "GHSA-ghhp-997w-qr28", VulnerabilitySeverity.Critical, "[5.0.0, 5.0.1)", "feed"),
            ],
            advisories.Select(a => (a.PackageId, a.Advisory.Id, a.Advisory.Severity, a.Advisory.AffectedVersions, a.Advisory.SourceName)));
    }

    [Fact]
    public void AnEmptyVulnerabilityIndexIsAnAnswerWithoutAdvisories()
    {
        Write("vuln_index", "[]");

        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<(string, Advisory)>>(Read()));
    }

    [Theory]
    [InlineData("service_index")]
    [InlineData("vuln_index")]
    [InlineData("vuln_data_updates")]
    public void AnyFileAsOldAsNuGetsMaxAgeIsAMiss(string key)
    {
        File.SetLastWriteTimeUtc(Path.Combine(Folder, key + ".dat"), _now - NuGetHttpCacheVulnerabilities.MaxAge);
        Assert.Null(Read());

        File.SetLastWriteTimeUtc(Path.Combine(Folder, key + ".dat"), _now - NuGetHttpCacheVulnerabilities.MaxAge + TimeSpan.FromSeconds(1));
        Assert.NotNull(Read());
    }

    [Theory]
    [InlineData("service_index")]
    [InlineData("vuln_index")]
    [InlineData("vuln_data_base")]
    public void AnyMissingFileIsAMiss(string key)
    {
        File.Delete(Path.Combine(Folder, key + ".dat"));

        Assert.Null(Read());
    }

    [Fact]
    public void AnotherSourcesCacheIsNotRead() =>
        Assert.Null(NuGetHttpCacheVulnerabilities.TryRead(_root, "https://feed.test/other/index.json", "feed", Ids, _now));

    public static TheoryData<string, string, string> WhatNuGetReadsDifferently => new()
    {
        // NuGet reads a service index only when its version is 3.x.y.
        { "service index of version 2", "service_index", """{"version":"2.0.0","resources":[]}""" },
        { "not JSON", "service_index", """{"version":"3.0.0", """ },
        // NuGet matches the type exactly and prefers entries that name a clientVersion.
        { "type in another case", "service_index", """{"version":"3.0.0","resources":[{"@id":"https://feed.test/v3/vulnerability/index.json","@type":"vulnerabilityinfo/6.7.0"}]}""" },
        { "clientVersion", "service_index", """{"version":"3.0.0","resources":[{"@id":"https://feed.test/v3/vulnerability/index.json","@type":"VulnerabilityInfo/6.7.0","clientVersion":"6.0.0"}]}""" },
        // NuGet skips an entry without an absolute @id and takes the next; this reader leaves that to NuGet.
        { "resource without @id", "service_index", """{"version":"3.0.0","resources":[{"@type":"VulnerabilityInfo/6.7.0"}]}""" },
        { "no vulnerability resource", "service_index", """{"version":"3.0.0","resources":[]}""" },
        // NuGet's page rules: 1-32 of [A-Za-z0-9_-], unique in any case, at most 16 pages.
        { "page name with a dot", "vuln_index", """[{"@name":"a.b","@id":"https://feed.test/v3/vulnerability/base.json"}]""" },
        { "page without a name", "vuln_index", """[{"@id":"https://feed.test/v3/vulnerability/base.json"}]""" },
        { "page names equal in another case", "vuln_index", """[{"@name":"base","@id":"https://feed.test/a.json"},{"@name":"BASE","@id":"https://feed.test/b.json"}]""" },
        { "17 pages", "vuln_index", "[" + string.Join(",", Enumerable.Range(1, 17).Select(i => $$"""{"@name":"p{{i}}","@id":"https://feed.test/p{{i}}.json"}""")) + "]" },
        // NuGet fails the whole page on an entry this reader would skip, and on a range it cannot parse.
        { "severity as text", "vuln_data_base", """{"newtonsoft.json":[{"url":"https://github.com/advisories/GHSA-5crp-9r3c-p9vr","severity":"high","versions":"(, 13.0.1)"}]}""" },
        { "unparsable range", "vuln_data_base", """{"newtonsoft.json":[{"url":"https://github.com/advisories/GHSA-5crp-9r3c-p9vr","severity":2,"versions":"[13.0.1"}]}""" },
        { "package without an array", "vuln_data_base", """{"some.other.package":{}}""" },
        // Readers disagree on which of two spellings of a package wins.
        { "a wanted package listed twice", "vuln_data_base", """{"newtonsoft.json":[],"Newtonsoft.Json":[]}""" },
    };

    [Theory]
    [MemberData(nameof(WhatNuGetReadsDifferently))]
    public void WhatNuGetWouldReadDifferentlyIsAMiss(string what, string key, string json)
    {
        Write(key, json);

        Assert.True(Read() is null, what);
    }

    [Fact]
    public void AnotherPackagesEntriesAreJudgedButNotReturned()
    {
        // NuGet reads every package of a page: a malformed entry of any package fails the page there.
        Edit("vuln_data_base", page => page["some.other.package"] = new JsonArray(new JsonObject { ["url"] = "https://example.test/a", ["severity"] = 2, ["versions"] = "[1.0.0, )" }));
        Assert.Single(Read()!, a => a.PackageId == "newtonsoft.json");
        Assert.DoesNotContain(Read()!, a => a.PackageId == "some.other.package");

        Edit("vuln_data_base", page => page["some.other.package"]![0]!["versions"] = "[1.0.0");
        Assert.Null(Read());
    }
}

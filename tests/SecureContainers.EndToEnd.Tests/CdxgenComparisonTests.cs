using System.Text;
using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// Side by side with a peer generator: <c>@cyclonedx/cdxgen</c> (pinned in eng/cdxgen) runs on the published sample's
/// project folder and on the pushed image, and every NuGet, deb and apk package either run finds must be in our SBOM.
/// What we list and cdxgen misses is printed for the record, not asserted: that is the point of our SBOM.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class CdxgenComparisonTests(ITestOutputHelper output)
{
    private const string Repository = "e2e/cdxgen-consoleworker";

    private static readonly string[] ComparedTypes = ["nuget", "deb", "apk"];

    [CdxgenFact]
    public async Task OurSbomHoldsEveryPackageCdxgenFindsInTheProjectAndInTheImage()
    {
        string cdxgen = CdxgenFactAttribute.Require();

        using SampleWorkspace sample = SampleWorkspace.Create("ConsoleWorker", "cdxgen-consoleworker");
        PublishResult publish = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("runtime:10.0")}",
            $"ContainerRegistry={TestBed.Registry}",
            $"ContainerRepository={Repository}",
            "ContainerImageTag=1.0",
        ]);
        Assert.True(publish.Succeeded, publish.ToString());
        string sbomPath = Directory.GetFiles(Path.Combine(sample.Directory, "bin", "Release", "securecontainers"), "*.cdx.json").Single();
        string depsJson = Directory.GetFiles(Path.Combine(sample.Directory, "bin", "Release"), "ConsoleWorker.deps.json", SearchOption.AllDirectories)
            .Single(p => p.Contains($"{Path.DirectorySeparatorChar}publish{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        using JsonDocument ours = JsonDocument.Parse(File.ReadAllBytes(sbomPath));

        // After the publish, so obj/project.assets.json is there for cdxgen to read (it recurses to find it).
        string projectBom = Path.Combine(TestBed.WorkRoot, "cdxgen-project.cdx.json");
        await RunCdxgenAsync(cdxgen, "dotnet", sample.Directory, projectBom);

        // cdxgen reads an image from an archive without a container engine; skopeo exports the pushed image.
        string archive = Path.Combine(TestBed.WorkRoot, "cdxgen-image.oci.tar");
        File.Delete(archive);
        ProcessResult export = await ProcessRunner.RunAsync(
            "skopeo", ["copy", "--src-tls-verify=false", $"docker://{TestBed.Registry}/{Repository}:1.0", $"oci-archive:{archive}"],
            TestBed.WorkRoot, timeout: TimeSpan.FromMinutes(2));
        Assert.True(export.Succeeded, export.Output);
        string imageBom = Path.Combine(TestBed.WorkRoot, "cdxgen-image.cdx.json");
        await RunCdxgenAsync(cdxgen, "docker", archive, imageBom);

        OurPackages have = OurPackages.Read(ours);
        HashSet<string> inImage = DepsJsonLibraries(depsJson);
        List<string> unexplained = [];
        Dictionary<string, HashSet<string>> found = new() { ["project"] = [], ["image"] = [] };
        foreach ((string run, string bom) in new[] { ("project", projectBom), ("image", imageBom) })
        {
            using JsonDocument theirs = JsonDocument.Parse(File.ReadAllBytes(bom));
            foreach (CdxgenPackage package in CdxgenPackages(theirs))
            {
                found[run].Add(package.Key);
                if (have.Contains(package))
                {
                    continue;
                }

                // cdxgen on a project lists every PackageReference, build-only ones (PrivateAssets="all", like
                // SecureContainers.Build itself) included; those never reach the image, and the SDK's own record of
                // what does is the published .deps.json. Only the project run gets this allowance.
                if (run == "project" && package.Type == "nuget" && !inImage.Contains($"{package.Name}/{package.Version}"))
                {
                    output.WriteLine($"cdxgen {run}: {package.Key} is not in the published .deps.json (build-only), not compared");
                    continue;
                }

                unexplained.Add($"{run}: {package.Purl}");
            }
        }

        WriteWhatCdxgenMisses(have, "the project run", found["project"]);
        WriteWhatCdxgenMisses(have, "the image run", found["image"]);
        WriteWhatCdxgenMisses(have, "either run", [.. found["project"], .. found["image"]]);
        Assert.True(unexplained.Count == 0,
            $"cdxgen found packages our SBOM ({sbomPath}) does not list:\n  {string.Join("\n  ", unexplained)}\ncdxgen SBOMs: {projectBom}, {imageBom}");
        sample.Succeeded();
    }

    /// <summary>Counts, per purl type, the packages we list that neither cdxgen run found, and names them.</summary>
    private void WriteWhatCdxgenMisses(OurPackages have, string runs, HashSet<string> cdxgenFound)
    {
        StringBuilder text = new($"We have, cdxgen misses ({runs}):\n");
        foreach (var group in have.Packages.GroupBy(p => p.Type).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            string[] missed = group.Where(p => !cdxgenFound.Contains(p.Key)).Select(p => $"{p.Name}@{p.Version}").Order(StringComparer.Ordinal).ToArray();
            text.AppendLine($"  {group.Key}: {missed.Length} of {group.Count()}{(missed.Length == 0 ? string.Empty : ": " + string.Join(", ", missed))}");
        }

        // Components we list without a package purl (the application, project references, .NET shared frameworks).
        foreach (var group in have.Unpurled.GroupBy(c => c.Type).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            string[] missed = group.Where(c => !cdxgenFound.Contains(Key("nuget", c.Name.ToLowerInvariant(), c.Version))).Select(c => $"{c.Name}@{c.Version}").Order(StringComparer.Ordinal).ToArray();
            text.AppendLine($"  {group.Key} (no purl): {missed.Length} of {group.Count()}{(missed.Length == 0 ? string.Empty : ": " + string.Join(", ", missed))}");
        }

        output.WriteLine(text.ToString());
    }

    private async Task RunCdxgenAsync(string cdxgen, string projectType, string input, string bom)
    {
        File.Delete(bom);
        Dictionary<string, string?> env = new()
        {
            // Offline and quiet: no license look-ups (FETCH_LICENSE), no package installs (--no-install-deps below).
            ["FETCH_LICENSE"] = "false",
            ["CDXGEN_NO_BANNER"] = "true",
            ["CDXGEN_DEBUG_MODE"] = null,
        };
        List<string> args = [cdxgen, "-t", projectType, "--no-install-deps", "--no-validate", "--spec-version", "1.6", "-o", bom, input];
        System.Diagnostics.Stopwatch watch = System.Diagnostics.Stopwatch.StartNew();
        ProcessResult result = await ProcessRunner.RunAsync("node", args, TestBed.WorkRoot, env, TimeSpan.FromMinutes(4));
        output.WriteLine($"cdxgen -t {projectType} {input}: exit {result.ExitCode} in {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(result.Succeeded && File.Exists(bom), $"cdxgen -t {projectType} {input} failed:\n{result.Output}");
    }

    /// <summary>Every library the runtime host knows (packages and projects) as "Name/Version", case-insensitive.</summary>
    private static HashSet<string> DepsJsonLibraries(string depsJsonPath)
    {
        using JsonDocument deps = JsonDocument.Parse(File.ReadAllBytes(depsJsonPath));
        return new(deps.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The nuget, deb and apk components of a cdxgen SBOM, nested ones included.</summary>
    private static IEnumerable<CdxgenPackage> CdxgenPackages(JsonDocument bom)
    {
        foreach (JsonElement c in Walk(bom.RootElement))
        {
            if (!c.TryGetProperty("purl", out JsonElement p) || p.GetString() is not { } purl || Purl.Parse(purl) is not { } parsed || !ComparedTypes.Contains(parsed.Type))
            {
                continue;
            }

            // For an image cdxgen also lists the source packages (dpkg "Source", apk origin) as components of their
            // own, tagged "source"; we record those on each binary package instead, so they are compared there.
            bool isSource = c.TryGetProperty("tags", out JsonElement tags) && tags.EnumerateArray().Any(t => t.GetString() == "source");
            yield return new CdxgenPackage(parsed.Type, parsed.Name, parsed.Version, purl, isSource);
        }
    }

    private static IEnumerable<JsonElement> Walk(JsonElement parent)
    {
        if (!parent.TryGetProperty("components", out JsonElement components))
        {
            yield break;
        }

        foreach (JsonElement c in components.EnumerateArray())
        {
            yield return c;
            foreach (JsonElement nested in Walk(c))
            {
                yield return nested;
            }
        }
    }

    private static string Key(string type, string name, string version) => $"{type}/{name}@{version}";

    private sealed record CdxgenPackage(string Type, string Name, string Version, string Purl, bool IsSource)
    {
        public string Key => CdxgenComparisonTests.Key(Type, Name, Version);
    }

    private sealed record OurComponent(string Type, string Name, string Version);

    /// <summary>What our SBOM lists: package purls, source packages of OS packages, and components without a package purl.</summary>
    private sealed class OurPackages
    {
        public List<(string Type, string Name, string Version, string Key)> Packages { get; } = [];

        public HashSet<string> Keys { get; } = [];

        public HashSet<string> Sources { get; } = [];

        public List<OurComponent> Unpurled { get; } = [];

        public static OurPackages Read(JsonDocument sbom)
        {
            OurPackages ours = new();
            foreach (JsonElement c in Walk(sbom.RootElement))
            {
                string type = c.GetProperty("type").GetString()!;
                string name = c.GetProperty("name").GetString()!;
                string version = c.TryGetProperty("version", out JsonElement v) ? v.GetString() ?? string.Empty : string.Empty;
                if (c.TryGetProperty("purl", out JsonElement p) && p.GetString() is { } purl && Purl.Parse(purl) is { } parsed && ComparedTypes.Contains(parsed.Type))
                {
                    string key = CdxgenComparisonTests.Key(parsed.Type, parsed.Name, parsed.Version);
                    ours.Packages.Add((parsed.Type, parsed.Name, parsed.Version, key));
                    ours.Keys.Add(key);
                    if (parsed.Type is "deb" or "apk")
                    {
                        // A package without a recorded source is its own source (dpkg omits "Source" then).
                        string source = Property(c, "securecontainers:os:sourcePackage") ?? parsed.Name;
                        string sourceVersion = Property(c, "securecontainers:os:sourceVersion") ?? parsed.Version;
                        ours.Sources.Add(CdxgenComparisonTests.Key(parsed.Type, source, sourceVersion));
                    }
                }
                else if (!c.TryGetProperty("purl", out _) || type is "application" or "framework")
                {
                    ours.Unpurled.Add(new OurComponent(type, name, version));
                }
            }

            return ours;
        }

        /// <summary>
        /// True when we list the package. cdxgen names the project itself (and project references) as pkg:nuget;
        /// we list those as application/library components of the build, so name and version are matched there.
        /// </summary>
        public bool Contains(CdxgenPackage package) =>
            package.IsSource
                ? Sources.Contains(package.Key)
                : Keys.Contains(package.Key) || (package.Type == "nuget" &&
                    Unpurled.Any(c => c.Type != "framework" && string.Equals(c.Name, package.Name, StringComparison.OrdinalIgnoreCase) && c.Version == package.Version));

        private static string? Property(JsonElement component, string name) =>
            component.TryGetProperty("properties", out JsonElement properties)
                ? properties.EnumerateArray().Where(p => p.GetProperty("name").GetString() == name).Select(p => p.GetProperty("value").GetString()).FirstOrDefault()
                : null;
    }

    /// <summary>The part of a package URL the comparison uses: type, name and version, normalized.</summary>
    private sealed record Purl(string Type, string Name, string Version)
    {
        /// <summary>
        /// Parses <c>pkg:type/namespace/name@version?qualifiers</c>, dropping namespace and qualifiers and decoding
        /// percent-encoding. NuGet ids are case-insensitive, so lowercased. A deb epoch may sit in the version or only
        /// in the <c>epoch</c> qualifier (both forms are seen); it is folded into the version as dpkg writes it.
        /// </summary>
        public static Purl? Parse(string purl)
        {
            if (!purl.StartsWith("pkg:", StringComparison.Ordinal))
            {
                return null;
            }

            string rest = purl["pkg:".Length..];
            int hash = rest.IndexOf('#');
            if (hash >= 0)
            {
                rest = rest[..hash];
            }

            string qualifiers = string.Empty;
            int question = rest.IndexOf('?');
            if (question >= 0)
            {
                qualifiers = rest[(question + 1)..];
                rest = rest[..question];
            }

            int slash = rest.IndexOf('/');
            int at = rest.LastIndexOf('@');
            if (slash < 0 || at < slash)
            {
                return null;
            }

            string type = rest[..slash].ToLowerInvariant();
            string path = rest[(slash + 1)..at];
            string name = Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
            string version = Uri.UnescapeDataString(rest[(at + 1)..]);
            if (type == "nuget")
            {
                name = name.ToLowerInvariant();
            }

            string? epoch = qualifiers.Split('&').Where(q => q.StartsWith("epoch=", StringComparison.Ordinal)).Select(q => Uri.UnescapeDataString(q["epoch=".Length..])).FirstOrDefault();
            if (epoch is { Length: > 0 } && !version.StartsWith(epoch + ":", StringComparison.Ordinal))
            {
                version = $"{epoch}:{version}";
            }

            return new Purl(type, name, version);
        }
    }
}

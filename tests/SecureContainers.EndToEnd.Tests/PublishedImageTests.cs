using System.Net.Sockets;
using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>Publishes the ASP.NET sample once on a non-root base; the tests examine what it pushed and wrote.</summary>
public sealed class PublishedAspNetApi : IAsyncLifetime
{
    public const string Repository = "e2e/aspnetapi";

    public SampleWorkspace Sample { get; private set; } = null!;

    public PublishResult Result { get; private set; } = null!;

    public string SbomPath => Path.Combine(Sample.Directory, "bin", "Release", "securecontainers", "e2e_aspnetapi-linux-x64.cdx.json");

    public async Task InitializeAsync()
    {
        Sample = SampleWorkspace.Create("AspNetApi", "aspnetapi");
        Result = await Sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")}",
            $"ContainerRegistry={TestBed.Registry}",
            $"ContainerRepository={Repository}",
            "ContainerImageTags=\"1.0;stable\"",
        ]);
    }

    /// <summary>
    /// The publish is what this fixture owns: its workspace is dropped when the publish succeeded, kept with its logs when
    /// it did not. The tests examine the registry and the SBOM, which a binlog does not explain.
    /// </summary>
    public Task DisposeAsync()
    {
        if (Result?.Succeeded == true)
        {
            Sample.Succeeded();
        }

        Sample?.Dispose();
        return Task.CompletedTask;
    }
}

[Collection(EndToEndCollection.Name)]
public class PublishedImageTests(PublishedAspNetApi published) : IClassFixture<PublishedAspNetApi>
{
    [Fact]
    public async Task NonRootImageIsPushedUnderEveryTag()
    {
        Assert.True(published.Result.Succeeded, published.Result.ToString());
        // sha256-<hex> tags are the referrers fallback (the attached SBOM), not image tags.
        Assert.Equal(["1.0", "stable"], (await RegistryProbe.TagsAsync(PublishedAspNetApi.Repository)).Where(t => !t.StartsWith("sha256-", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public void GateReportsTheBaseImageInventoryFromItsLayers()
    {
        Assert.True(published.Result.Succeeded, published.Result.ToString());
        var fixture = Fixtures.Get("aspnet");
        int packages = fixture.GetProperty("packages").GetArrayLength();
        Assert.Contains($"base image {Fixtures.Pinned("aspnet")} for linux/amd64:", published.Result.Output);
        Assert.Contains($"{packages} deb packages", published.Result.Output);
        foreach (var framework in fixture.GetProperty("frameworks").EnumerateObject())
        {
            Assert.Contains($"{framework.Name} {framework.Value.GetString()}", published.Result.Output);
        }
    }

    [Fact]
    public async Task SbomIsWrittenReportedAndValidAgainstCycloneDx16()
    {
        Assert.True(published.Result.Succeeded, published.Result.ToString());
        Assert.True(File.Exists(published.SbomPath), $"no SBOM at {published.SbomPath}\n{published.Result.Output}");
        Assert.True(published.Result.Output.Contains(published.SbomPath, StringComparison.Ordinal), $"the build output does not report {published.SbomPath}:\n{published.Result.Output}");
        Assert.Contains($"SBOM-ITEM: {published.SbomPath} rid=linux-x64", published.Result.Output);

        ProcessResult validation = await SbomFacts.ValidateAsync(published.SbomPath, "1.6");
        Assert.True(validation.Succeeded, validation.Output);
    }

    [Fact]
    public void SbomNuGetComponentsEqualTheRuntimeClosure()
    {
        Assert.True(published.Result.Succeeded, published.Result.ToString());
        string depsJson = Directory.GetFiles(Path.Combine(published.Sample.Directory, "bin", "Release"), "AspNetApi.deps.json", SearchOption.AllDirectories)
            .Single(p => p.Contains($"{Path.DirectorySeparatorChar}publish{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(published.SbomPath));

        SortedSet<string> expected = SbomFacts.DepsJsonPackages(depsJson);
        Assert.Contains("Newtonsoft.Json/13.0.3", expected);
        Assert.Equal(expected, SbomFacts.NuGetComponents(sbom));
    }

    [Fact]
    public void SbomOsComponentsEqualTheBaseImagesDpkgDatabase()
    {
        Assert.True(published.Result.Succeeded, published.Result.ToString());
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(published.SbomPath));
        SortedSet<string> expected = new(Fixtures.Get("aspnet").GetProperty("packages").EnumerateArray().Select(p => p.GetString()!), StringComparer.Ordinal);

        Assert.Equal(expected, SbomFacts.OsPackages(sbom, "deb"));
    }

    [Fact]
    public void SbomDebLicensesAreTheShortNamesOfEachPackagesCopyrightFile()
    {
        Assert.True(published.Result.Succeeded, published.Result.ToString());
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(published.SbomPath));

        // The copyright-format 1.0 spec's meaning of the short names the aspnet fixture's packages use (§7.1: no version
        // means the lowest, "+" any later); other names stay names. A name missing here fails the test, never passes it.
        Dictionary<string, string> spec = new(StringComparer.Ordinal)
        {
            ["Apache-2.0"] = "id:Apache-2.0", ["Artistic"] = "id:Artistic-1.0", ["GPL-1+"] = "id:GPL-1.0-or-later",
            ["GPL-2"] = "id:GPL-2.0-only", ["GPL-2+"] = "id:GPL-2.0-or-later", ["GPL-3"] = "id:GPL-3.0-only",
            ["MIT"] = "id:MIT", ["MPL-2.0"] = "id:MPL-2.0", ["Zlib"] = "id:Zlib", ["public-domain"] = "name:public-domain",
        };
        IReadOnlyDictionary<string, string[]?> names = Fixtures.DebLicenseNames("aspnet");
        SortedDictionary<string, string[]> expected = new(StringComparer.Ordinal);
        foreach ((string package, string[]? shortNames) in names)
        {
            expected[package] = shortNames is null ? [] : shortNames.Select(n => spec.TryGetValue(n, out string? l) ? l : throw new KeyNotFoundException($"add '{n}' ({package}) to the spec table"))
                .Distinct().Order(StringComparer.Ordinal).ToArray();
        }

        // Some packages carry licenses and some (free-form copyright, as libc6's) none: both paths are exercised.
        Assert.Contains(expected.Values, l => l.Length == 0);
        Assert.Contains(expected.Values, l => l.Length > 1);
        Assert.Equal(expected, SbomFacts.OsPackageLicenses(sbom, "deb"));
    }

    [Fact]
    public void SbomRuntimeComponentsEqualTheFrameworksInTheBaseImage()
    {
        Assert.True(published.Result.Succeeded, published.Result.ToString());
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(published.SbomPath));
        SortedSet<string> expected = new(Fixtures.Get("aspnet").GetProperty("frameworks").EnumerateObject().Select(f => $"{f.Name}={f.Value.GetString()}"), StringComparer.Ordinal);

        Assert.Equal(expected, SbomFacts.Frameworks(sbom));
    }

    [Fact]
    public async Task SbomNamesTheImageByThePushedDigest()
    {
        Assert.True(published.Result.Succeeded, published.Result.ToString());
        var manifest = await RegistryProbe.ManifestAsync(PublishedAspNetApi.Repository, "1.0");
        Assert.NotNull(manifest);
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(published.SbomPath));
        JsonElement image = sbom.RootElement.GetProperty("metadata").GetProperty("component");

        Assert.Equal("container", image.GetProperty("type").GetString());
        string purl = image.GetProperty("purl").GetString()!;
        Assert.StartsWith("pkg:oci/aspnetapi@" + manifest.Value.Digest.Replace(":", "%3A"), purl);
        Assert.DoesNotContain(sbom.RootElement.GetProperty("components").EnumerateArray(), c => c.GetProperty("name").GetString() == "SecureContainers.Build");
    }

    [Fact]
    public async Task SbomIsAttachedToTheImageAsAnOciReferrer()
    {
        Assert.True(published.Result.Succeeded, published.Result.ToString());
        var manifest = await RegistryProbe.ManifestAsync(PublishedAspNetApi.Repository, "1.0");
        var attached = await RegistryProbe.AttachedSbomAsync(PublishedAspNetApi.Repository, manifest!.Value.Digest);

        Assert.NotNull(attached);
        Assert.Equal(1, attached.Value.Referrers);
        Assert.Equal(manifest.Value.Digest, attached.Value.Subject);
        Assert.Equal(File.ReadAllBytes(published.SbomPath), attached.Value.Sbom);
    }

    [Fact]
    public async Task PushedImageServesHttpAsUid1654UnderPodman()
    {
        Assert.True(published.Result.Succeeded, published.Result.ToString());
        int port = FreePort();
        string image = $"{TestBed.Registry}/{PublishedAspNetApi.Repository}:1.0";
        string name = $"sc-e2e-{Guid.NewGuid():N}";
        ProcessResult run = await Podman(
            "run", "--runtime", "runc", "-d", "--name", name, "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096",
            "--tls-verify=false", "-p", $"127.0.0.1:{port}:8080", image);
        Assert.True(run.Succeeded, run.Output);
        try
        {
            using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
            string? body = null;
            for (int attempt = 0; attempt < 60 && body is null; attempt++)
            {
                try
                {
                    body = await http.GetStringAsync($"http://127.0.0.1:{port}/whoami");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(500);
                }
            }

            Assert.True(body is not null, (await Podman("logs", name)).Output);
            using JsonDocument who = JsonDocument.Parse(body!);
            Assert.Equal(1654u, who.RootElement.GetProperty("uid").GetUInt32());
        }
        finally
        {
            await Podman("rm", "-f", name);
        }
    }

    private static Task<ProcessResult> Podman(params string[] args) =>
        ProcessRunner.RunAsync("podman", ["--cgroup-manager=cgroupfs", .. args], TestBed.WorkRoot, timeout: TimeSpan.FromMinutes(3));

    private static int FreePort()
    {
        using TcpListener listener = new(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

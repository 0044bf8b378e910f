using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

public class ReferrersTests
{
    private const string Sbom = "application/vnd.cyclonedx+json";
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A registry holding one image, and that image's descriptor (the subject of the artifacts attached to it).</summary>
    internal static (FakeRegistry Registry, Descriptor Subject) WithImage(bool referrersApi = false)
    {
        FakeRegistry registry = new() { ReferrersApi = referrersApi };
        FakeRegistry.FakeImage image = registry.AddImage("app", "1", new Platform("linux", "amd64"), "1654", MediaTypes.OciManifestV1, [1, 2, 3]);
        return (registry, new Descriptor(MediaTypes.OciManifestV1, image.Digest, image.Size));
    }

    private static ArtifactRequest SbomRequest(Descriptor subject, string content = """{"bomFormat":"CycloneDX"}""") =>
        new("registry.test", "app", subject, Sbom, [new ArtifactLayer(Encoding.UTF8.GetBytes(content), Sbom, new Dictionary<string, string> { ["org.opencontainers.image.title"] = "sbom.cdx.json" })])
        {
            Annotations = new Dictionary<string, string> { ["org.opencontainers.image.created"] = "2026-11-22T00:00:00Z" },
        };

    private static JsonElement[] IndexEntries(FakeRegistry registry, Digest subject)
    {
        byte[] bytes = registry.ManifestAt("app", RegistryClient.ReferrersTag(subject)) ?? throw new InvalidOperationException("no referrers tag");
        using JsonDocument doc = JsonDocument.Parse(bytes);
        return doc.RootElement.GetProperty("manifests").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Fact]
    public void ReferrersTagFollowsTheTagSchema()
    {
        Digest digest = Digest.Parse("sha256:" + new string('a', 64));
        Assert.Equal("sha256-" + new string('a', 64), RegistryClient.ReferrersTag(digest));
    }

    [Fact]
    public async Task AttachCreatesTheFallbackIndexWithTheArtifactDescriptor()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());

        Descriptor artifact = await client.AttachArtifactAsync(SbomRequest(subject), None);

        JsonElement entry = Assert.Single(IndexEntries(registry, subject.Digest));
        Assert.Equal(artifact.Digest.ToString(), entry.GetProperty("digest").GetString());
        Assert.Equal(Sbom, entry.GetProperty("artifactType").GetString());
        Assert.Equal("2026-11-22T00:00:00Z", entry.GetProperty("annotations").GetProperty("org.opencontainers.image.created").GetString());
        using JsonDocument manifest = JsonDocument.Parse(registry.ManifestAt("app", artifact.Digest.ToString())!);
        Assert.Equal(subject.Digest.ToString(), manifest.RootElement.GetProperty("subject").GetProperty("digest").GetString());
        Assert.Equal(MediaTypes.OciEmptyJson, manifest.RootElement.GetProperty("config").GetProperty("mediaType").GetString());
        Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", manifest.RootElement.GetProperty("config").GetProperty("digest").GetString());
    }

    [Fact]
    public async Task TheReferrersTagIsReadOnceTheArtifactIsInAndTheArtifactLayerIsNotAskedFor()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        // A listing first: the client then knows the registry lacks the API (which once made it read the tag early).
        await client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None);

        registry.Requests.Clear();
        Descriptor artifact = await client.AttachArtifactAsync(SbomRequest(subject), None);

        string tagPath = "/v2/app/manifests/" + RegistryClient.ReferrersTag(subject.Digest);
        int firstTagRead = registry.Requests.FindIndex(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath == tagPath);
        int artifactPut = registry.Requests.FindIndex(r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath == "/v2/app/manifests/" + artifact.Digest);
        Assert.True(artifactPut >= 0 && firstTagRead > artifactPut);
        // Only the shared empty config is asked for with a HEAD: the SBOM is new content and goes straight to its upload.
        FakeRegistry.RecordedRequest head = Assert.Single(registry.Requests, r => r.Method == HttpMethod.Head);
        Assert.EndsWith("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", head.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(artifact.Digest.ToString(), Assert.Single(IndexEntries(registry, subject.Digest)).GetProperty("digest").GetString());
    }

    [Fact]
    public async Task ArtifactsAttachedTogetherUpdateTheReferrersTagOnceInTheirOrder()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        ArtifactRequest[] requests = new[] { """{"n":1}""", """{"n":2}""", """{"n":3}""" }.Select(c => SbomRequest(subject, c)).ToArray();

        IReadOnlyList<Descriptor> artifacts = await client.AttachArtifactsAsync(requests, None);

        string tagPath = "/v2/app/manifests/" + RegistryClient.ReferrersTag(subject.Digest);
        Assert.Equal(1, registry.CountRequests(r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath == tagPath));
        Assert.Equal(artifacts.Select(a => a.Digest.ToString()), IndexEntries(registry, subject.Digest).Select(e => e.GetProperty("digest").GetString()));
        Assert.Equal(3, artifacts.Select(a => a.Digest).Distinct().Count());
        Assert.All(artifacts, a => Assert.NotNull(registry.ManifestAt("app", a.Digest.ToString())));
    }

    [Fact]
    public async Task ArtifactsAttachedTogetherKeepWhatTheTagHeldAndAddOnlyWhatIsNew()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        Descriptor earlier = await client.AttachArtifactAsync(SbomRequest(subject, """{"n":1}"""), None);

        IReadOnlyList<Descriptor> artifacts = await client.AttachArtifactsAsync([SbomRequest(subject, """{"n":1}"""), SbomRequest(subject, """{"n":2}""")], None);

        Assert.Equal(earlier.Digest, artifacts[0].Digest);
        Assert.Equal([earlier.Digest.ToString(), artifacts[1].Digest.ToString()], IndexEntries(registry, subject.Digest).Select(e => e.GetProperty("digest").GetString()));
    }

    [Fact]
    public async Task AttachesToOneSubjectFromOneClientTakeTurnsAtItsTagAndNeitherWritesTwice()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        string tagPath = "/v2/app/manifests/" + RegistryClient.ReferrersTag(subject.Digest);
        // Both artifact manifests are answered only once both have been pushed: the two updates of the tag are due together.
        using CountdownEvent bothPushed = new(2);
        registry.Intercept(r =>
        {
            if (r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.StartsWith("/v2/app/manifests/sha256:", StringComparison.Ordinal) && bothPushed.CurrentCount > 0 && bothPushed.Signal() is var _)
            {
                Assert.True(bothPushed.Wait(TimeSpan.FromSeconds(10)));
            }

            return null;
        });

        Descriptor[] artifacts = await Task.WhenAll(
            Task.Run(() => client.AttachArtifactAsync(SbomRequest(subject, """{"n":1}"""), None)),
            Task.Run(() => client.AttachArtifactAsync(SbomRequest(subject, """{"n":2}"""), None)));

        Assert.Equal(2, registry.CountRequests(r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath == tagPath));
        Assert.Equal(artifacts.Select(a => a.Digest.ToString()).Order(StringComparer.Ordinal),
            IndexEntries(registry, subject.Digest).Select(e => e.GetProperty("digest").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheSettlingPauseIsTwiceTheReadAndTheWriteOfTheTag()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        string tagPath = "/v2/app/manifests/" + RegistryClient.ReferrersTag(subject.Digest);
        // The tag's write takes half a second; its reads take next to nothing.
        registry.Intercept(r =>
        {
            if (r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath == tagPath)
            {
                Thread.Sleep(500);
            }

            return null;
        });
        List<TimeSpan> delays = new();
        using RegistryClient client = new(registry.Options(delays));
        await client.AttachArtifactAsync(SbomRequest(subject), None);

        // A concurrent writer's read-to-write is a read and a write (~0.5 s): the pause is about twice that, counted from our
        // write, not four writes (2 s).
        TimeSpan pause = Assert.Single(delays);
        Assert.InRange(pause.TotalMilliseconds, 900, 1600);
    }

    [Fact]
    public async Task ArtifactsOfDifferentSubjectsAreNotAttachedTogether()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        Descriptor other = subject with { Digest = Digest.Sha256("other"u8) };

        await Assert.ThrowsAsync<ArgumentException>(() => client.AttachArtifactsAsync([SbomRequest(subject), SbomRequest(other)], None));

        Assert.Equal(0, registry.CountRequests(r => r.Method != HttpMethod.Get));
    }

    [Fact]
    public async Task ReattachingTheSameArtifactDoesNotDuplicateItsEntry()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());

        Descriptor first = await client.AttachArtifactAsync(SbomRequest(subject), None);
        Descriptor second = await client.AttachArtifactAsync(SbomRequest(subject), None);

        Assert.Equal(first.Digest, second.Digest);
        Assert.Single(IndexEntries(registry, subject.Digest));
    }

    [Fact]
    public async Task AttachExtendsTheIndexKeepingForeignEntriesExactly()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        const string foreign = """{"mediaType":"application/vnd.example.future+json","digest":"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","size":7,"artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json","annotations":{"z.last":"1","a.first":"<&+>"},"x-unknown":{"nested":[1,2]}}""";
        string index = $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{{foreign}}}],"annotations":{"tool":"other"}}""";
        registry.ServeManifestAs("app", RegistryClient.ReferrersTag(subject.Digest), Encoding.UTF8.GetBytes(index), MediaTypes.OciIndexV1);
        using RegistryClient client = new(registry.Options());

        await client.AttachArtifactAsync(SbomRequest(subject), None);

        JsonElement[] entries = IndexEntries(registry, subject.Digest);
        Assert.Equal(2, entries.Length);
        Assert.Equal(foreign, entries[0].GetRawText());
        using JsonDocument updated = JsonDocument.Parse(registry.ManifestAt("app", RegistryClient.ReferrersTag(subject.Digest))!);
        Assert.Equal("other", updated.RootElement.GetProperty("annotations").GetProperty("tool").GetString());
    }

    [Fact]
    public async Task MalformedFallbackIndexIsReportedAndLeftUntouched()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        string tag = RegistryClient.ReferrersTag(subject.Digest);
        byte[] odd = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"x","digest":"not-a-digest","size":1}]}""");
        registry.ServeManifestAs("app", tag, odd, MediaTypes.OciIndexV1);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() => client.AttachArtifactAsync(SbomRequest(subject), None));

        Assert.Equal("SC3115", ex.Diagnostic.Code);
        Assert.Contains(tag, ex.Diagnostic.Message);
        Assert.Equal(odd, registry.ManifestAt("app", tag));
        Assert.Equal(0, registry.CountRequests(r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath.EndsWith(tag, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AConcurrentWriterThatDropsOurEntryMakesUsWriteAgain()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        string tag = RegistryClient.ReferrersTag(subject.Digest);
        const string theirs = """{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","size":9,"artifactType":"application/spdx+json"}""";
        bool raced = false;
        registry.AfterManifestPut = (repo, reference) =>
        {
            if (reference == tag && !raced)
            {
                // The other writer read the index before us and writes last, without our entry.
                raced = true;
                registry.ServeManifestAs(repo, tag, Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{theirs}}]}"""), MediaTypes.OciIndexV1);
            }
        };
        using RegistryClient client = new(registry.Options());

        Descriptor artifact = await client.AttachArtifactAsync(SbomRequest(subject), None);

        JsonElement[] entries = IndexEntries(registry, subject.Digest);
        Assert.True(raced);
        Assert.Equal(["sha256:" + new string('c', 64), artifact.Digest.ToString()], entries.Select(e => e.GetProperty("digest").GetString()));
    }

    [Fact]
    public async Task TooManyReferrersAreRefused()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        string entries = string.Join(",", Enumerable.Range(0, RegistryClient.MaxReferrers).Select(i =>
            $$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{{i:x64}}","size":1}"""));
        registry.ServeManifestAs("app", RegistryClient.ReferrersTag(subject.Digest), Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"manifests":[{{entries}}]}"""), MediaTypes.OciIndexV1);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() => client.AttachArtifactAsync(SbomRequest(subject), None));

        Assert.Equal("SC3116", ex.Diagnostic.Code);
    }

    [Fact]
    public async Task ReferrersAreListedThroughTheFallbackTagAndFilteredByType()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        Descriptor sbom = await client.AttachArtifactAsync(SbomRequest(subject), None);
        await client.AttachArtifactAsync(SbomRequest(subject) with { ArtifactType = "application/vnd.example.other" }, None);

        IReadOnlyList<Descriptor> all = await client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None);
        IReadOnlyList<Descriptor> sboms = await client.GetReferrersAsync("registry.test", "app", subject.Digest, Sbom, None);

        Assert.Equal(2, all.Count);
        Assert.Equal(sbom.Digest, Assert.Single(sboms).Digest);
        // The API was probed once; after its 404 the client goes straight to the tag.
        Assert.Equal(1, registry.CountRequests(r => r.Uri.AbsolutePath.Contains("/referrers/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task NoFallbackTagMeansNoReferrers()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());

        Assert.Empty(await client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None));
    }

    [Fact]
    public async Task WithTheReferrersApiNoFallbackTagIsWrittenAndTheApiLists()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage(referrersApi: true);
        using RegistryClient client = new(registry.Options());

        Descriptor artifact = await client.AttachArtifactAsync(SbomRequest(subject), None);
        IReadOnlyList<Descriptor> listed = await client.GetReferrersAsync("registry.test", "app", subject.Digest, Sbom, None);

        Assert.Null(registry.ManifestAt("app", RegistryClient.ReferrersTag(subject.Digest)));
        Descriptor found = Assert.Single(listed);
        Assert.Equal((artifact.Digest, Sbom), (found.Digest, found.ArtifactType));
    }

    [Fact]
    public async Task ArtifactManifestIsTheSameForTheSameInputs()
    {
        (FakeRegistry one, Descriptor subject) = WithImage();
        (FakeRegistry two, _) = WithImage();
        using RegistryClient a = new(one.Options());
        using RegistryClient b = new(two.Options());

        Descriptor first = await a.AttachArtifactAsync(SbomRequest(subject), None);
        Descriptor second = await b.AttachArtifactAsync(SbomRequest(subject), None);

        Assert.Equal(first.Digest, second.Digest);
    }
}

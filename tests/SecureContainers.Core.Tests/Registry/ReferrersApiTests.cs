using System.Net;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

/// <summary>
/// The OCI 1.1 referrers API (distribution-spec "Listing Referrers", "Pushing Manifests with Subject") against the fake
/// registry's API mode, and the boundary with the referrers tag fallback: only a 404 means "no API".
/// </summary>
public class ReferrersApiTests
{
    private const string Sbom = "application/vnd.cyclonedx+json";
    private const string Created = "org.opencontainers.image.created";
    private static readonly CancellationToken None = CancellationToken.None;

    private static (FakeRegistry Registry, Descriptor Subject) WithImage(bool referrersApi = true)
    {
        FakeRegistry registry = new() { ReferrersApi = referrersApi };
        FakeRegistry.FakeImage image = registry.AddImage("app", "1", new Platform("linux", "amd64"), "1654", MediaTypes.OciManifestV1, [1, 2, 3]);
        return (registry, new Descriptor(MediaTypes.OciManifestV1, image.Digest, image.Size));
    }

    private static ArtifactRequest Artifact(Descriptor subject, string artifactType = Sbom, string content = """{"bomFormat":"CycloneDX"}""", string created = "2026-11-22T00:00:00Z") =>
        new("registry.test", "app", subject, artifactType, [new ArtifactLayer(Encoding.UTF8.GetBytes(content), artifactType)])
        {
            Annotations = new Dictionary<string, string> { [Created] = created },
        };

    private static int ReferrersRequests(FakeRegistry registry) =>
        registry.CountRequests(r => r.Uri.AbsolutePath.Contains("/referrers/", StringComparison.Ordinal));

    private static int TagRequests(FakeRegistry registry, Digest subject) =>
        registry.CountRequests(r => r.Uri.AbsolutePath.EndsWith("/manifests/" + RegistryClient.ReferrersTag(subject), StringComparison.Ordinal));

    /// <summary>A signature another tool pushed: no artifactType of its own (so its config's media type stands in), annotations.</summary>
    private static (Digest Digest, byte[] Bytes) ForeignReferrer(FakeRegistry registry, Descriptor subject)
    {
        Descriptor config = registry.AddBlob("{\"tool\":\"other\"}"u8.ToArray(), "application/vnd.example.signature.config.v1+json");
        Descriptor layer = registry.AddBlob("signature"u8.ToArray(), "application/vnd.example.signature.v1");
        byte[] manifest = Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"{{{config.MediaType}}}","digest":"{{{config.Digest}}}","size":{{{config.Size}}}},
             "layers":[{"mediaType":"{{{layer.MediaType}}}","digest":"{{{layer.Digest}}}","size":{{{layer.Size}}}}],
             "subject":{"mediaType":"{{{subject.MediaType}}}","digest":"{{{subject.Digest}}}","size":{{{subject.Size}}}},
             "annotations":{"org.example.signer":"other-tool","org.opencontainers.image.created":"2026-01-01T00:00:00Z"}}
            """);
        return (registry.AddManifest("app", null, manifest, MediaTypes.OciManifestV1), manifest);
    }

    [Fact]
    public async Task AttachingThroughTheApiWritesNoReferrersTagAndListingFindsTheArtifactWithItsAnnotations()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());

        Descriptor artifact = await client.AttachArtifactAsync(Artifact(subject), None);
        Descriptor found = Assert.Single(await client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None));

        Assert.Null(registry.ManifestAt("app", RegistryClient.ReferrersTag(subject.Digest)));
        Assert.Equal(0, TagRequests(registry, subject.Digest));
        Assert.Equal((artifact.MediaType, artifact.Digest, artifact.Size, Sbom), (found.MediaType, found.Digest, found.Size, found.ArtifactType));
        Assert.Equal("2026-11-22T00:00:00Z", found.Annotations![Created]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ListingGivesTheSameDescriptorsThroughTheApiAndTheTagFallback(bool referrersApi)
    {
        (FakeRegistry registry, Descriptor subject) = WithImage(referrersApi);
        using RegistryClient client = new(registry.Options());
        Descriptor attached = await client.AttachArtifactAsync(Artifact(subject), None);

        Descriptor found = Assert.Single(await client.GetReferrersAsync("registry.test", "app", subject.Digest, Sbom, None));

        Assert.Equal((attached.MediaType, attached.Digest, attached.Size, attached.ArtifactType), (found.MediaType, found.Digest, found.Size, found.ArtifactType));
        Assert.Equal(attached.Annotations!.ToList(), found.Annotations!.ToList());
        Assert.Equal(!referrersApi, registry.ManifestAt("app", RegistryClient.ReferrersTag(subject.Digest)) is not null);
    }

    [Fact]
    public async Task TheRegistryFiltersByArtifactTypeWhenAsked()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        Descriptor sbom = await client.AttachArtifactAsync(Artifact(subject), None);
        await client.AttachArtifactAsync(Artifact(subject, "application/vnd.example.other"), None);

        IReadOnlyList<Descriptor> sboms = await client.GetReferrersAsync("registry.test", "app", subject.Digest, Sbom, None);

        Assert.Equal(sbom.Digest, Assert.Single(sboms).Digest);
        Assert.Equal(1, registry.CountRequests(r => r.Uri.AbsolutePath.Contains("/referrers/", StringComparison.Ordinal)
            && System.Web.HttpUtility.ParseQueryString(r.Uri.Query)["artifactType"] == Sbom));
    }

    [Fact]
    public async Task WhenTheRegistryDoesNotApplyTheFilterTheClientDoes()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        registry.ReferrersFilterArtifactType = false;
        using RegistryClient client = new(registry.Options());
        Descriptor sbom = await client.AttachArtifactAsync(Artifact(subject), None);
        await client.AttachArtifactAsync(Artifact(subject, "application/vnd.example.other"), None);

        IReadOnlyList<Descriptor> all = await client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None);
        IReadOnlyList<Descriptor> sboms = await client.GetReferrersAsync("registry.test", "app", subject.Digest, Sbom, None);

        Assert.Equal(2, all.Count);
        Assert.Equal(sbom.Digest, Assert.Single(sboms).Digest);
    }

    [Fact]
    public async Task ARegistryThatClaimsAFilterItDidNotApplyCannotHandOverAnotherType()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        registry.ReferrersFilterArtifactType = false;
        registry.Intercept(request =>
        {
            if (!request.RequestUri!.AbsolutePath.Contains("/referrers/", StringComparison.Ordinal))
            {
                return null;
            }

            string entry = """{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd","size":5,"artifactType":"application/vnd.example.other"}""";
            HttpResponseMessage response = FakeRegistry.Bytes(Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{entry}}]}"""), MediaTypes.OciIndexV1);
            response.Headers.Add("OCI-Filters-Applied", "artifactType");
            return response;
        });
        using RegistryClient client = new(registry.Options());

        Assert.Empty(await client.GetReferrersAsync("registry.test", "app", subject.Digest, Sbom, None));
    }

    [Theory]
    [InlineData(null, 5, 3)]
    [InlineData(Sbom, 3, 2)]
    public async Task PagesAreFollowedThroughTheLinkHeader(string? artifactType, int expected, int pages)
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        registry.ReferrersPageSize = 2;
        using RegistryClient client = new(registry.Options());
        List<Digest> sboms = new();
        for (int i = 0; i < 3; i++)
        {
            sboms.Add((await client.AttachArtifactAsync(Artifact(subject, content: $$"""{"n":{{i}}}"""), None)).Digest);
        }

        await client.AttachArtifactAsync(Artifact(subject, "application/vnd.example.other", "a"), None);
        await client.AttachArtifactAsync(Artifact(subject, "application/vnd.example.other", "b"), None);

        IReadOnlyList<Descriptor> listed = await client.GetReferrersAsync("registry.test", "app", subject.Digest, artifactType, None);

        Assert.Equal(expected, listed.Select(d => d.Digest).Distinct().Count());
        Assert.Equal(expected, listed.Count);
        if (artifactType is not null)
        {
            Assert.Equal(sboms.Select(d => d.ToString()).Order(), listed.Select(d => d.Digest.ToString()).Order());
        }

        Assert.Equal(pages, ReferrersRequests(registry));
    }

    [Fact]
    public async Task ALinkToAnotherHostIsNotFollowed()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        registry.Intercept(request =>
        {
            if (request.RequestUri!.Authority != "registry.test" || !request.RequestUri.AbsolutePath.Contains("/referrers/", StringComparison.Ordinal))
            {
                return null;
            }

            HttpResponseMessage response = FakeRegistry.Bytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"""u8.ToArray(), MediaTypes.OciIndexV1);
            response.Headers.Add("Link", $"<https://elsewhere.test/v2/app/referrers/{subject.Digest}?last=x>; rel=\"next\"");
            return response;
        });
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() =>
            client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None));

        Assert.Equal("SC3003", ex.Diagnostic.Code);
        Assert.Contains("elsewhere.test", ex.Diagnostic.Message);
        Assert.Equal(0, registry.CountRequests(r => r.Uri.Authority == "elsewhere.test"));
    }

    [Fact]
    public async Task AListThatNeverEndsIsCutOffAfterMaxPages()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        int served = 0;
        registry.Intercept(request =>
        {
            if (!request.RequestUri!.AbsolutePath.Contains("/referrers/", StringComparison.Ordinal))
            {
                return null;
            }

            HttpResponseMessage response = FakeRegistry.Bytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"""u8.ToArray(), MediaTypes.OciIndexV1);
            response.Headers.Add("Link", $"<{request.RequestUri.AbsolutePath}?page={Interlocked.Increment(ref served)}>; rel=\"next\"");
            return response;
        });
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() =>
            client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None));

        Assert.Equal("SC3003", ex.Diagnostic.Code);
        Assert.Equal(100, ReferrersRequests(registry));
    }

    [Fact]
    public async Task ALinkBackToAPageAlreadyReadIsRefused()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        registry.Intercept(request =>
        {
            if (!request.RequestUri!.AbsolutePath.Contains("/referrers/", StringComparison.Ordinal))
            {
                return null;
            }

            HttpResponseMessage response = FakeRegistry.Bytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"""u8.ToArray(), MediaTypes.OciIndexV1);
            response.Headers.Add("Link", $"<{request.RequestUri.AbsolutePath}?page=again>; rel=\"next\"");
            return response;
        });
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() =>
            client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None));

        Assert.Equal("SC3003", ex.Diagnostic.Code);
        Assert.Equal(2, ReferrersRequests(registry));
    }

    [Fact]
    public async Task OnlyA404MeansNoApiOtherFailuresAreErrorsAndNoTagIsRead()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage(referrersApi: false);
        registry.Intercept(request => request.RequestUri!.AbsolutePath.Contains("/referrers/", StringComparison.Ordinal)
            ? FakeRegistry.Error(HttpStatusCode.InternalServerError, "UNKNOWN")
            : null);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() =>
            client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None));

        Assert.Equal("SC3109", ex.Diagnostic.Code);
        Assert.Equal(0, TagRequests(registry, subject.Digest));
    }

    [Fact]
    public async Task ASuccessThatIsNotAnIndexIsAnErrorNotAFallback()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage(referrersApi: false);
        registry.Intercept(request => request.RequestUri!.AbsolutePath.Contains("/referrers/", StringComparison.Ordinal)
            ? FakeRegistry.Bytes("<html>welcome</html>"u8.ToArray(), "text/html")
            : null);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() =>
            client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None));

        Assert.Equal("SC3003", ex.Diagnostic.Code);
        Assert.Equal(0, TagRequests(registry, subject.Digest));
    }

    [Fact]
    public async Task WithoutTheApiConcurrentListingsProbeOnceAndAllReadTheTag()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage(referrersApi: false);
        using RegistryClient client = new(registry.Options());
        Descriptor attached = await client.AttachArtifactAsync(Artifact(subject), None);

        IReadOnlyList<Descriptor>[] lists = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Task.Run(() => client.GetReferrersAsync("registry.test", "app", subject.Digest, Sbom, None))));

        Assert.All(lists, l => Assert.Equal(attached.Digest, Assert.Single(l).Digest));
        Assert.Equal(1, ReferrersRequests(registry));
    }

    [Fact]
    public async Task WithTheApiEveryListingAsksTheApiAndNeverTheTag()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        await client.AttachArtifactAsync(Artifact(subject), None);

        await client.GetReferrersAsync("registry.test", "app", subject.Digest, Sbom, None);
        await client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None);

        Assert.Equal(2, ReferrersRequests(registry));
        Assert.Equal(0, TagRequests(registry, subject.Digest));
    }

    [Fact]
    public async Task AnOciSubjectNamingAnotherDigestIsNoConfirmationAndTheTagIsUpdated()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage(referrersApi: false);
        registry.Intercept(request =>
        {
            string path = request.RequestUri!.AbsolutePath;
            if (request.Method != HttpMethod.Put || !path.Contains("/manifests/sha256:", StringComparison.Ordinal))
            {
                return null;
            }

            HttpResponseMessage created = new(HttpStatusCode.Created);
            created.Headers.Add("OCI-Subject", "sha256:" + new string('e', 64));
            return created;
        });
        using RegistryClient client = new(registry.Options());

        Descriptor artifact = await client.AttachArtifactAsync(Artifact(subject), None);

        using JsonDocument index = JsonDocument.Parse(registry.ManifestAt("app", RegistryClient.ReferrersTag(subject.Digest))!);
        JsonElement entry = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal(artifact.Digest.ToString(), entry.GetProperty("digest").GetString());
        Assert.Equal(Sbom, entry.GetProperty("artifactType").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AReferrerAnotherToolWroteIsListedNextToOursAndKept(bool referrersApi)
    {
        (FakeRegistry registry, Descriptor subject) = WithImage(referrersApi);
        (Digest foreign, byte[] foreignBytes) = ForeignReferrer(registry, subject);
        string tag = RegistryClient.ReferrersTag(subject.Digest);
        string foreignEntry = $$$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{foreign}}}","size":{{{foreignBytes.Length}}},"artifactType":"application/vnd.example.signature.config.v1+json","annotations":{"org.example.signer":"other-tool","org.opencontainers.image.created":"2026-01-01T00:00:00Z"}}""";
        if (!referrersApi)
        {
            // Without the API, the other tool kept the tag as the spec asks.
            registry.ServeManifestAs("app", tag, Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{foreignEntry}}]}"""), MediaTypes.OciIndexV1);
        }

        using RegistryClient client = new(registry.Options());
        Descriptor ours = await client.AttachArtifactAsync(Artifact(subject), None);

        IReadOnlyList<Descriptor> listed = await client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None);

        Assert.Equal([foreign, ours.Digest], listed.Select(d => d.Digest).OrderBy(d => d == foreign ? 0 : 1));
        Descriptor theirs = listed.Single(d => d.Digest == foreign);
        Assert.Equal("application/vnd.example.signature.config.v1+json", theirs.ArtifactType);
        Assert.Equal("other-tool", theirs.Annotations!["org.example.signer"]);
        Assert.Equal(Sbom, listed.Single(d => d.Digest == ours.Digest).ArtifactType);
        if (referrersApi)
        {
            Assert.Null(registry.ManifestAt("app", tag));
        }
        else
        {
            using JsonDocument index = JsonDocument.Parse(registry.ManifestAt("app", tag)!);
            Assert.Equal(foreignEntry, index.RootElement.GetProperty("manifests")[0].GetRawText());
        }
    }
}

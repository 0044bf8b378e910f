using System.Net;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

/// <summary>
/// Two writers on one image digest (issue 13): the signature tag and the referrers tag are written read–append–write
/// with no conditional writes, so another writer can overwrite the tag between our write and our read-back. These
/// tests play that writer with <see cref="FakeRegistry.AfterManifestPut"/> and run real concurrent writers.
/// </summary>
public class SharedTagConvergenceTests
{
    private const string SimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json";
    private const string SignatureAnnotation = "dev.cosignproject.cosign/signature";
    private const string Sbom = "application/vnd.cyclonedx+json";
    private const string SigTag = "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.sig";
    private static readonly CancellationToken None = CancellationToken.None;

    private static ArtifactLayer Signature(string payload, string signature) =>
        new(Encoding.UTF8.GetBytes(payload), SimpleSigning, new Dictionary<string, string> { [SignatureAnnotation] = signature });

    private static string LayerJson(string payload, string signature) =>
        $$$"""{"mediaType":"{{{SimpleSigning}}}","digest":"{{{Digest.Sha256(Encoding.UTF8.GetBytes(payload))}}}","size":{{{payload.Length}}},"annotations":{"{{{SignatureAnnotation}}}":"{{{signature}}}"}}""";

    private static byte[] SignatureManifest(params string[] layers) =>
        Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifestV1}}","config":{"mediaType":"{{MediaTypes.OciConfigV1}}","digest":"sha256:{{new string('e', 64)}}","size":2},"layers":[{{string.Join(",", layers)}}]}""");

    private static string[] Signatures(byte[] manifest)
    {
        using JsonDocument doc = JsonDocument.Parse(manifest);
        return doc.RootElement.GetProperty("layers").EnumerateArray()
            .Select(l => l.GetProperty("annotations").GetProperty(SignatureAnnotation).GetString()!).ToArray();
    }

    private static string ReferrerJson(char hex) =>
        $$"""{"mediaType":"{{MediaTypes.OciManifestV1}}","digest":"sha256:{{new string(hex, 64)}}","size":9,"artifactType":"application/spdx+json"}""";

    private static byte[] ReferrersIndex(params string[] entries) =>
        Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.OciIndexV1}}","manifests":[{{string.Join(",", entries)}}]}""");

    private static string[] IndexDigests(byte[]? index)
    {
        using JsonDocument doc = JsonDocument.Parse(index ?? throw new InvalidOperationException("no referrers tag"));
        return doc.RootElement.GetProperty("manifests").EnumerateArray().Select(e => e.GetProperty("digest").GetString()!).ToArray();
    }

    private static (FakeRegistry Registry, Descriptor Subject) WithImage()
    {
        FakeRegistry registry = new();
        FakeRegistry.FakeImage image = registry.AddImage("app", "1", new Platform("linux", "amd64"), "1654", MediaTypes.OciManifestV1, [1, 2, 3]);
        return (registry, new Descriptor(MediaTypes.OciManifestV1, image.Digest, image.Size));
    }

    private static ArtifactRequest SbomRequest(string registry, string repository, Descriptor subject, string content) =>
        new(registry, repository, subject, Sbom, [new ArtifactLayer(Encoding.UTF8.GetBytes(content), Sbom, new Dictionary<string, string> { ["org.opencontainers.image.title"] = "sbom.cdx.json" })]);

    // Concurrent writers need the real backoff and settling pauses; the fake's default skips every delay.
    private static RegistryClientOptions RealTimeOptions(FakeRegistry registry)
    {
        RegistryClientOptions options = registry.Options();
        options.Delay = Task.Delay;
        return options;
    }

    private static int Puts(FakeRegistry registry, string tag) =>
        registry.CountRequests(r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath.EndsWith("/manifests/" + tag, StringComparison.Ordinal));

    [Fact]
    public async Task ASignatureSeenBeforeOurWriteSurvivesAThirdWriterThatClobberedBoth()
    {
        FakeRegistry registry = new();
        registry.ServeManifestAs("app", SigTag, SignatureManifest(LayerJson("p", "theirs")), MediaTypes.OciManifestV1);
        string late = LayerJson("p", "late");
        int puts = 0;
        registry.AfterManifestPut = (repo, reference) =>
        {
            // A writer that read the tag before anyone wrote it writes last, with only its own signature.
            if (reference == SigTag && ++puts == 1)
            {
                registry.ServeManifestAs(repo, SigTag, SignatureManifest(late), MediaTypes.OciManifestV1);
            }
        };
        using RegistryClient client = new(registry.Options());

        Digest stored = await client.AppendLayersToTaggedManifestAsync("registry.test", "app", SigTag, [Signature("p", "ours")], null, None);

        byte[] manifest = registry.ManifestAt("app", SigTag)!;
        Assert.Equal(Digest.Sha256(manifest), stored);
        Assert.Equal(["late", "theirs", "ours"], Signatures(manifest));
        Assert.Contains(late, Encoding.UTF8.GetString(manifest), StringComparison.Ordinal);
        Assert.Equal(2, Puts(registry, SigTag));
    }

    [Fact]
    public async Task ASignatureAddedWhileOurLayersUploadIsKept()
    {
        // The tag is first read alongside the uploads; another writer signs before they end. A write built on that early
        // read would overwrite the signature unseen: the write starts from a read made after the uploads.
        FakeRegistry registry = new();
        using ManualResetEventSlim earlyReadAnswered = new();
        bool signedMeanwhile = false;
        int gets = 0;
        string ourLayer = Digest.Sha256("p"u8).ToString();
        registry.Intercept(r =>
        {
            if (r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.EndsWith("/manifests/" + SigTag, StringComparison.Ordinal) && Interlocked.Increment(ref gets) == 1)
            {
                earlyReadAnswered.Set();
                return FakeRegistry.Error(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
            }

            if (r.Method == HttpMethod.Put && Uri.UnescapeDataString(r.RequestUri!.Query).Contains(ourLayer, StringComparison.Ordinal) && earlyReadAnswered.Wait(TimeSpan.FromSeconds(5)))
            {
                registry.ServeManifestAs("app", SigTag, SignatureManifest(LayerJson("q", "theirs")), MediaTypes.OciManifestV1);
                signedMeanwhile = true;
            }

            return null;
        });
        using RegistryClient client = new(registry.Options());

        await client.AppendLayersToTaggedManifestAsync("registry.test", "app", SigTag, [Signature("p", "ours")], null, None);

        Assert.True(signedMeanwhile);
        Assert.Equal(["theirs", "ours"], Signatures(registry.ManifestAt("app", SigTag)!));
        Assert.Equal(1, Puts(registry, SigTag));
    }

    [Fact]
    public async Task AReferrerSeenBeforeOurWriteSurvivesAThirdWriterThatClobberedBoth()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        string tag = RegistryClient.ReferrersTag(subject.Digest);
        registry.ServeManifestAs("app", tag, ReferrersIndex(ReferrerJson('a')), MediaTypes.OciIndexV1);
        int puts = 0;
        registry.AfterManifestPut = (repo, reference) =>
        {
            if (reference == tag && ++puts == 1)
            {
                registry.ServeManifestAs(repo, tag, ReferrersIndex(ReferrerJson('c')), MediaTypes.OciIndexV1);
            }
        };
        using RegistryClient client = new(registry.Options());

        Descriptor artifact = await client.AttachArtifactAsync(SbomRequest("registry.test", "app", subject, "{}"), None);

        Assert.Equal(["sha256:" + new string('c', 64), "sha256:" + new string('a', 64), artifact.Digest.ToString()], IndexDigests(registry.ManifestAt("app", tag)));
        Assert.Equal(2, Puts(registry, tag));
    }

    [Fact]
    public async Task AReferrerAddedWhileOurArtifactUploadsIsKept()
    {
        // Another writer adds a referrer after our uploads began and before our artifact manifest is in. A write built on a
        // read made beside the uploads (as this client once did on a registry known to lack the API) overwrites it unseen.
        (FakeRegistry registry, Descriptor subject) = WithImage();
        string tag = RegistryClient.ReferrersTag(subject.Digest);
        using RegistryClient client = new(registry.Options());
        await client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None);
        registry.Intercept(r =>
        {
            if (r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.Contains("/manifests/sha256:", StringComparison.Ordinal))
            {
                registry.ServeManifestAs("app", tag, ReferrersIndex(ReferrerJson('a')), MediaTypes.OciIndexV1);
            }

            return null;
        });

        Descriptor artifact = await client.AttachArtifactAsync(SbomRequest("registry.test", "app", subject, "{}"), None);

        Assert.Equal(["sha256:" + new string('a', 64), artifact.Digest.ToString()], IndexDigests(registry.ManifestAt("app", tag)));
        Assert.Equal(1, Puts(registry, tag));
    }

    [Fact]
    public async Task AWriterThatKeepsDroppingOurSignatureEndsInSC3117NamingIt()
    {
        FakeRegistry registry = new();
        registry.AfterManifestPut = (repo, reference) =>
        {
            if (reference == SigTag)
            {
                registry.ServeManifestAs(repo, SigTag, SignatureManifest(LayerJson("other", "theirs")), MediaTypes.OciManifestV1);
            }
        };
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() =>
            client.AppendLayersToTaggedManifestAsync("registry.test", "app", SigTag, [Signature("mine", "ours")], null, None));

        Assert.Equal("SC3117", ex.Diagnostic.Code);
        Assert.Contains(Digest.Sha256("mine"u8).ToString(), ex.Diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Digest.Sha256("other"u8).ToString(), ex.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(SharedTagUpdate.MaxWrites, Puts(registry, SigTag));
    }

    [Fact]
    public async Task AWriterThatKeepsDroppingOurReferrerEndsInSC3117NamingIt()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        string tag = RegistryClient.ReferrersTag(subject.Digest);
        registry.AfterManifestPut = (repo, reference) =>
        {
            if (reference == tag)
            {
                registry.ServeManifestAs(repo, tag, ReferrersIndex(ReferrerJson('c')), MediaTypes.OciIndexV1);
            }
        };
        using RegistryClient client = new(registry.Options());
        ArtifactRequest request = SbomRequest("registry.test", "app", subject, "{}");

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() => client.AttachArtifactAsync(request, None));

        Assert.Equal("SC3117", ex.Diagnostic.Code);
        Assert.Contains(tag, ex.Diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('c', 64), ex.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(SharedTagUpdate.MaxWrites, Puts(registry, tag));
    }

    [Fact]
    public async Task BackoffBetweenWritesIsJitteredExponentialAndBounded()
    {
        FakeRegistry registry = new();
        registry.AfterManifestPut = (repo, reference) =>
            registry.ServeManifestAs(repo, SigTag, SignatureManifest(LayerJson("other", "theirs")), MediaTypes.OciManifestV1);
        List<TimeSpan> delays = new();
        using RegistryClient client = new(registry.Options(delays));

        await Assert.ThrowsAsync<SecureContainerException>(() =>
            client.AppendLayersToTaggedManifestAsync("registry.test", "app", SigTag, [Signature("mine", "ours")], null, None));

        Assert.Equal(SharedTagUpdate.MaxWrites - 1, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMilliseconds(10), SharedTagUpdate.MaxBackoff));
        Assert.True(delays[^1] > delays[0]);
        Assert.True(delays.Sum(d => d.TotalMilliseconds) < 1500);
    }

    [Fact]
    public async Task AFailingReadBackIsReportedAsTheReadFailingNotAsAnUpload()
    {
        FakeRegistry registry = new();
        bool written = false;
        registry.AfterManifestPut = (_, reference) => written |= reference == SigTag;
        registry.Intercept(r => written && r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.EndsWith("/manifests/" + SigTag, StringComparison.Ordinal)
            ? FakeRegistry.Error(HttpStatusCode.InternalServerError, "UNKNOWN")
            : null);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() =>
            client.AppendLayersToTaggedManifestAsync("registry.test", "app", SigTag, [Signature("p", "ours")], null, None));

        Assert.Equal("SC3118", ex.Diagnostic.Code);
        Assert.Contains("back after writing", ex.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("500", ex.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(1, Puts(registry, SigTag));
    }

    [Fact]
    public async Task AFailingReadBackOfTheReferrersTagIsReportedAsTheReadFailing()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        string tag = RegistryClient.ReferrersTag(subject.Digest);
        bool written = false;
        registry.AfterManifestPut = (_, reference) => written |= reference == tag;
        registry.Intercept(r => written && r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.EndsWith("/manifests/" + tag, StringComparison.Ordinal)
            ? FakeRegistry.Error(HttpStatusCode.BadGateway, "UNKNOWN")
            : null);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() =>
            client.AttachArtifactAsync(SbomRequest("registry.test", "app", subject, "{}"), None));

        Assert.Equal("SC3118", ex.Diagnostic.Code);
        Assert.Contains("back after writing", ex.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact(Skip = "Known residual race (issue 13 open): on a registry without conditional writes (Distribution 2.8) the union-until-stable loop narrows but cannot close the window in which a writer that read before our write overwrites after our last read-back; under CI load 1 of 4 entries was lost in 30 rounds. Needs the referrers API or conditional writes.")]
    public async Task FourConcurrentSignersKeepEverySignatureInEachOf30Rounds()
    {
        FakeRegistry registry = new();
        const int writers = 4;
        for (int round = 0; round < 30; round++)
        {
            string tag = $"sha256-{round:x64}.sig";
            // Each writer its own client, as separate publishes are; all sign the same payload, as cosign does for one digest.
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                using RegistryClient client = new(RealTimeOptions(registry));
                await client.AppendLayersToTaggedManifestAsync("registry.test", "app", tag, [Signature($"payload {round}", $"writer {w}")], null, None);
            })));

            Assert.Equal(Enumerable.Range(0, writers).Select(w => $"writer {w}"), Signatures(registry.ManifestAt("app", tag)!).Order(StringComparer.Ordinal));
        }
    }

    [Fact(Skip = "Known residual race (issue 13 open): on a registry without conditional writes (Distribution 2.8) the union-until-stable loop narrows but cannot close the window in which a writer that read before our write overwrites after our last read-back; under CI load 1 of 4 entries was lost in 30 rounds. Needs the referrers API or conditional writes.")]
    public async Task FourConcurrentAttachersKeepEveryReferrerInEachOf30Rounds()
    {
        (FakeRegistry registry, _) = WithImage();
        const int writers = 4;
        for (int round = 0; round < 30; round++)
        {
            FakeRegistry.FakeImage image = registry.AddImage("app", null, new Platform("linux", "amd64"), "1654", MediaTypes.OciManifestV1, [(byte)round]);
            Descriptor subject = new(MediaTypes.OciManifestV1, image.Digest, image.Size);
            Descriptor[] attached = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                using RegistryClient client = new(RealTimeOptions(registry));
                return await client.AttachArtifactAsync(SbomRequest("registry.test", "app", subject, $"{{\"round\":{round},\"writer\":{w}}}"), None);
            })));

            Assert.Equal(attached.Select(a => a.Digest.ToString()).Order(StringComparer.Ordinal),
                IndexDigests(registry.ManifestAt("app", RegistryClient.ReferrersTag(subject.Digest))).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task AWriterThatClobbersAfterOurReadBackIsCaughtByTheSettlingRead()
    {
        // The writer read the tag before our write and writes after our read-back, which alone would show our signature.
        // Reads: alongside the uploads, to update, back, then the settling read (the fourth).
        FakeRegistry registry = new();
        int gets = 0;
        registry.Intercept(r =>
        {
            if (r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.EndsWith("/manifests/" + SigTag, StringComparison.Ordinal) && ++gets == 4)
            {
                registry.ServeManifestAs("app", SigTag, SignatureManifest(LayerJson("p", "late")), MediaTypes.OciManifestV1);
            }

            return null;
        });
        using RegistryClient client = new(registry.Options());

        await client.AppendLayersToTaggedManifestAsync("registry.test", "app", SigTag, [Signature("p", "ours")], null, None);

        Assert.Equal(["late", "ours"], Signatures(registry.ManifestAt("app", SigTag)!));
        Assert.Equal(2, Puts(registry, SigTag));
    }

    [Fact]
    public async Task AServerErrorWhileAnotherWriterPushesIsReadAgain()
    {
        FakeRegistry registry = new();
        int gets = 0;
        registry.Intercept(r => r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.EndsWith("/manifests/" + SigTag, StringComparison.Ordinal) && ++gets == 3
            ? FakeRegistry.Error(HttpStatusCode.InternalServerError, "UNKNOWN")
            : null);
        using RegistryClient client = new(registry.Options());

        await client.AppendLayersToTaggedManifestAsync("registry.test", "app", SigTag, [Signature("p", "ours")], null, None);

        Assert.Equal(["ours"], Signatures(registry.ManifestAt("app", SigTag)!));
    }

    [Fact]
    public async Task AManifestRefusedWhileAnotherWriterPushesTheSameConfigIsWrittenAgain()
    {
        FakeRegistry registry = new();
        int puts = 0;
        registry.Intercept(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.EndsWith("/manifests/" + SigTag, StringComparison.Ordinal) && ++puts == 1
            ? FakeRegistry.Error(HttpStatusCode.BadRequest, "DIGEST_INVALID")
            : null);
        using RegistryClient client = new(registry.Options());

        await client.AppendLayersToTaggedManifestAsync("registry.test", "app", SigTag, [Signature("p", "ours")], null, None);

        Assert.Equal(["ours"], Signatures(registry.ManifestAt("app", SigTag)!));
    }

    [Fact]
    public async Task ARegistryThatRefusesTheManifestEveryTimeIsReportedWithItsAnswer()
    {
        FakeRegistry registry = new() { RejectManifestsWith = "MANIFEST_INVALID" };
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() =>
            client.AppendLayersToTaggedManifestAsync("registry.test", "app", SigTag, [Signature("p", "ours")], null, None));

        Assert.Equal("SC3114", ex.Diagnostic.Code);
        Assert.Equal(SharedTagUpdate.ReadAttempts, Puts(registry, SigTag));
    }
}

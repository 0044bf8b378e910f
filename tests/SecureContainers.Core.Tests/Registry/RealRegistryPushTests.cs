using System.Text;
using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

/// <summary>
/// Attaching to the test bed's base/minimal:1 in the real registry SC_TEST_REGISTRY=localhost:PORT names
/// (eng/testbed/registry.sh: Distribution 2.8, which has no referrers API, so this exercises the referrers tag);
/// without it the test is skipped with that reason.
/// </summary>
public class RealRegistryPushTests
{
    [RegistryFact]
    public async Task AttachingAnSbomTwiceLeavesOneReferrer()
    {
        string registry = RegistryFactAttribute.Address;

        CancellationToken ct = CancellationToken.None;
        ImageReference image = ImageReference.Parse($"{registry}/base/minimal:1");
        using RegistryClient client = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable));
        (Digest digest, string mediaType, byte[] bytes) = await client.GetManifestAsync(image.Registry, image.Repository, image.ReferenceForApi, ct);
        Descriptor subject = new(mediaType, digest, bytes.Length);
        // Unique per run, so a registry kept between runs still sees a first attach.
        string run = Guid.NewGuid().ToString("N");
        ArtifactRequest request = new(image.Registry, image.Repository, subject, "application/vnd.cyclonedx+json",
            [new ArtifactLayer(Encoding.UTF8.GetBytes($$"""{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:{{run}}"}"""), "application/vnd.cyclonedx+json",
                new Dictionary<string, string> { ["org.opencontainers.image.title"] = "sbom.cdx.json" })])
        {
            Annotations = new Dictionary<string, string> { ["org.opencontainers.image.created"] = "2026-11-22T00:00:00Z" },
        };

        Descriptor first = await client.AttachArtifactAsync(request, ct);
        Descriptor second = await client.AttachArtifactAsync(request, ct);

        Assert.Equal(first.Digest, second.Digest);
        IReadOnlyList<Descriptor> referrers = await client.GetReferrersAsync(image.Registry, image.Repository, digest, "application/vnd.cyclonedx+json", ct);
        Assert.Single(referrers, r => r.Digest == first.Digest);

        string tag = $"{RegistryClient.ReferrersTag(digest)}.sig";
        await client.AppendLayersToTaggedManifestAsync(image.Registry, image.Repository, tag,
            [new ArtifactLayer(Encoding.UTF8.GetBytes(run), "application/vnd.dev.cosign.simplesigning.v1+json", new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = "c2ln" })], null, ct);
        Assert.NotNull(await client.TryGetManifestAsync(image.Registry, image.Repository, tag, ct));
    }
}

/// <summary>
/// Four writers on one digest against the real registry (Distribution 2.8, no conditional writes), 30 rounds each: every
/// writer's signature and referrer must be at the tag when the round ends. Unique tags and subjects per run, so a
/// registry kept between runs starts every round empty.
/// </summary>
public class RealRegistryConcurrencyTests
{
    private const int Writers = 4;
    private const int Rounds = 30;
    private const string SignatureAnnotation = "dev.cosignproject.cosign/signature";
    private static readonly CancellationToken None = CancellationToken.None;

    [RegistryFact(Skip = "Known residual race (issue 13 open): on a registry without conditional writes (Distribution 2.8) the union-until-stable loop narrows but cannot close the window in which a writer that read before our write overwrites after our last read-back; under CI load 1 of 4 entries was lost in 30 rounds. Needs the referrers API or conditional writes.")]
    public async Task FourConcurrentSignersKeepEverySignatureInEachOf30Rounds()
    {
        string registry = RegistryFactAttribute.Address;
        string run = Guid.NewGuid().ToString("N");
        using RegistryClient reader = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable));
        for (int round = 0; round < Rounds; round++)
        {
            string tag = $"sha256-{run}{round:x32}.sig";
            byte[] payload = Encoding.UTF8.GetBytes($"payload {run} {round}");
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                using RegistryClient client = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable));
                await client.AppendLayersToTaggedManifestAsync(registry, "converge/signed", tag,
                    [new ArtifactLayer(payload, "application/vnd.dev.cosign.simplesigning.v1+json", new Dictionary<string, string> { [SignatureAnnotation] = $"writer {w}" })], null, None);
            })));

            (Digest _, string _, byte[] bytes) = (await reader.TryGetManifestAsync(registry, "converge/signed", tag, None))!.Value;
            using JsonDocument manifest = JsonDocument.Parse(bytes);
            string[] signatures = manifest.RootElement.GetProperty("layers").EnumerateArray()
                .Select(l => l.GetProperty("annotations").GetProperty(SignatureAnnotation).GetString()!).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(Enumerable.Range(0, Writers).Select(w => $"writer {w}"), signatures);
        }
    }

    [RegistryFact(Skip = "Known residual race (issue 13 open): on a registry without conditional writes (Distribution 2.8) the union-until-stable loop narrows but cannot close the window in which a writer that read before our write overwrites after our last read-back; under CI load 1 of 4 entries was lost in 30 rounds. Needs the referrers API or conditional writes.")]
    public async Task FourConcurrentAttachersKeepEveryReferrerInEachOf30Rounds()
    {
        string registry = RegistryFactAttribute.Address;
        string run = Guid.NewGuid().ToString("N");
        using RegistryClient setup = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable));
        Descriptor empty = await setup.PushBlobAsync(registry, "converge/attached", "{}"u8.ToArray(), MediaTypes.OciEmptyJson, None);
        for (int round = 0; round < Rounds; round++)
        {
            // A subject of its own each round (an empty artifact), so each round's referrers tag starts empty.
            byte[] subjectBytes = Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciManifestV1}}}","artifactType":"application/x.converge","config":{"mediaType":"{{{MediaTypes.OciEmptyJson}}}","digest":"{{{empty.Digest}}}","size":2},"layers":[{"mediaType":"{{{MediaTypes.OciEmptyJson}}}","digest":"{{{empty.Digest}}}","size":2}],"annotations":{"run":"{{{run}}}-{{{round}}}"}}""");
            Digest subjectDigest = await setup.PushManifestAsync(registry, "converge/attached", Digest.Sha256(subjectBytes).ToString(), subjectBytes, MediaTypes.OciManifestV1, None);
            Descriptor subject = new(MediaTypes.OciManifestV1, subjectDigest, subjectBytes.Length);
            Descriptor[] attached = await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                using RegistryClient client = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable));
                return await client.AttachArtifactAsync(new ArtifactRequest(registry, "converge/attached", subject, "application/vnd.cyclonedx+json",
                    [new ArtifactLayer(Encoding.UTF8.GetBytes($$"""{"bomFormat":"CycloneDX","run":"{{run}}","round":{{round}},"writer":{{w}}}"""), "application/vnd.cyclonedx+json", null)]), None);
            })));

            IReadOnlyList<Descriptor> referrers = await setup.GetReferrersAsync(registry, "converge/attached", subjectDigest, null, None);
            Assert.Equal(attached.Select(a => a.Digest.ToString()).Order(StringComparer.Ordinal), referrers.Select(r => r.Digest.ToString()).Order(StringComparer.Ordinal));
        }
    }
}

using System.Text;
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

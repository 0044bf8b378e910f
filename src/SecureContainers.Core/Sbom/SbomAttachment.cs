using System.Globalization;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Sbom;

/// <summary>
/// Attaches an image's CycloneDX SBOM to it in the registry as an OCI artifact whose <c>subject</c> is the image
/// manifest: found through the referrers API, or the <c>sha256-&lt;hex&gt;</c> fallback tag on registries without it.
/// </summary>
public static class SbomAttachment
{
    public const string ArtifactType = "application/vnd.cyclonedx+json";

    public static async Task<Descriptor> AttachAsync(
        RegistryClient client, string registry, string repository, Digest imageDigest, byte[] sbom, string fileName, DateTimeOffset created, CancellationToken ct)
    {
        // The subject descriptor must carry the exact media type and size the registry holds, not what we assume.
        if (await client.TryGetManifestAsync(registry, repository, imageDigest.ToString(), ct).ConfigureAwait(false) is not (Digest digest, string mediaType, byte[] bytes))
        {
            throw new SecureContainerException(SbomAttachmentDiagnostics.ImageNotInRegistry.Create($"{registry}/{repository}", imageDigest));
        }

        string timestamp = created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        ArtifactRequest request = new(
            registry,
            repository,
            new Descriptor(mediaType, digest, bytes.Length),
            ArtifactType,
            [new ArtifactLayer(sbom, ArtifactType, new Dictionary<string, string> { ["org.opencontainers.image.title"] = fileName })])
        {
            Annotations = new Dictionary<string, string> { ["org.opencontainers.image.created"] = timestamp },
        };
        return await client.AttachArtifactAsync(request, ct).ConfigureAwait(false);
    }
}

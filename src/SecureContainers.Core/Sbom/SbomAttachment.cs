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

    /// <param name="pushedManifest">
    /// The image manifest as its pusher reports it (the SDK's <c>GeneratedContainerManifest</c>), or null. Bytes that hash to
    /// <paramref name="imageDigest"/> are what the registry holds, so the subject descriptor is taken from them and the
    /// registry is not asked again (one round trip less against a remote registry).
    /// </param>
    /// <param name="party">Attach as this party of a <see cref="JointAttachment"/> (the build's signature bundles are another).</param>
    public static async Task<Descriptor> AttachAsync(
        RegistryClient client, string registry, string repository, Digest imageDigest, byte[] sbom, string fileName, DateTimeOffset created, CancellationToken ct,
        byte[]? pushedManifest = null, JointAttachment.Party? party = null)
    {
        // The subject descriptor must carry the exact media type and size the registry holds, not what we assume.
        Descriptor subject = await client.DescribeManifestAsync(registry, repository, imageDigest, pushedManifest, ct).ConfigureAwait(false)
            ?? throw new SecureContainerException(SbomAttachmentDiagnostics.ImageNotInRegistry.Create($"{registry}/{repository}", imageDigest));

        string timestamp = created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        ArtifactRequest request = new(
            registry,
            repository,
            subject,
            ArtifactType,
            [new ArtifactLayer(sbom, ArtifactType, new Dictionary<string, string> { ["org.opencontainers.image.title"] = fileName })])
        {
            Annotations = new Dictionary<string, string> { ["org.opencontainers.image.created"] = timestamp },
        };
        return await client.AttachArtifactAsync(request, ct, party).ConfigureAwait(false);
    }
}

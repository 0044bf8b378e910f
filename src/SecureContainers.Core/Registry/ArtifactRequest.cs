using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>One blob of an artifact: its bytes, media type and annotations (e.g. org.opencontainers.image.title).</summary>
public sealed record ArtifactLayer(ReadOnlyMemory<byte> Content, string MediaType, IReadOnlyDictionary<string, string>? Annotations = null);

/// <summary>
/// An OCI artifact to attach to <see cref="Subject"/> (the image manifest it describes) in
/// <see cref="Registry"/>/<see cref="Repository"/>. <see cref="Annotations"/> go on the artifact manifest and into its
/// referrers entry; the caller supplies any time stamp (org.opencontainers.image.created) so that the same inputs
/// always give the same manifest digest.
/// </summary>
public sealed record ArtifactRequest(string Registry, string Repository, Descriptor Subject, string ArtifactType, IReadOnlyList<ArtifactLayer> Layers)
{
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>
    /// Also put <see cref="ArtifactType"/> on the empty config descriptor, as cosign's <c>WriteReferrer</c> does for
    /// Sigstore bundles, so the manifest reads the same to tools that look at the config for the type.
    /// </summary>
    public bool ArtifactTypeOnConfig { get; init; }
}

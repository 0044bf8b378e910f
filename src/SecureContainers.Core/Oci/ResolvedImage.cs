namespace SecureContainers.Core.Oci;

/// <summary>
/// A base image resolved for one platform, with every document verified against its digest: the manifest (and the
/// index it came from, if any), its config, and the layer descriptors that <c>OpenBlobAsync</c> can stream.
/// </summary>
public sealed record ResolvedImage(
    ImageReference Reference,
    Digest ManifestDigest,
    string ManifestMediaType,
    byte[] ManifestBytes,
    Digest? IndexDigest,
    Descriptor Config,
    ImageConfig Configuration,
    byte[] ConfigBytes,
    IReadOnlyList<Descriptor> Layers,
    Platform Platform)
{
    /// <summary>The image pinned to the platform manifest: <c>registry/repo@sha256:…</c>.</summary>
    public ImageReference PinnedReference => Reference with { Tag = null, Digest = ManifestDigest };

    /// <summary>The digest a user should pin: the index when the reference named one, else the manifest.</summary>
    public Digest ReferenceDigest => IndexDigest ?? ManifestDigest;
}

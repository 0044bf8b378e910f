using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>
/// One layer as the manifest lists it. Kept separate from the registry's descriptor type so the scanner depends only
/// on what it needs; <paramref name="Size"/> is the compressed size (negative when unknown).
/// </summary>
public sealed record LayerRef(Digest Digest, string MediaType, long Size);

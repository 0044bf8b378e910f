using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Signing;

/// <summary>
/// Reads the layers of a cosign-style tagged manifest (<c>.sig</c>, <c>.att</c>) and their blobs, with the caps that keep
/// a hostile registry from making verification read without end.
/// </summary>
internal static class TaggedLayers
{
    /// <summary>The layers at <paramref name="tag"/>, or null when the tag (or the repository) does not exist.</summary>
    public static async Task<IReadOnlyList<Descriptor>?> ReadAsync(RegistryClient client, string registry, string repository, string tag, CancellationToken ct)
    {
        (Digest Digest, string MediaType, byte[] Bytes) manifest;
        try
        {
            manifest = await client.GetManifestAsync(registry, repository, tag, ct).ConfigureAwait(false);
        }
        catch (SecureContainerException ex) when (ex.Diagnostic.Descriptor == RegistryDiagnostics.ManifestNotFound)
        {
            return null;
        }

        return ImageManifest.Parse(manifest.Bytes, manifest.MediaType).Layers;
    }

    /// <summary>
    /// The blob's bytes, verified against its digest, or null with <paramref name="problem"/> when it is over
    /// <paramref name="maxBytes"/> (checked on the descriptor before any byte is fetched), missing or altered.
    /// Registry failures other than a missing blob propagate: they mean the registry is unusable, not that one
    /// signature is bad.
    /// </summary>
    public static async Task<(byte[]? Bytes, string Problem)> ReadBlobAsync(RegistryClient client, string registry, string repository, Descriptor layer, long maxBytes, CancellationToken ct)
    {
        if (layer.Size > maxBytes)
        {
            return (null, $"it is {layer.Size} bytes, over the {maxBytes}-byte limit, so it was not read");
        }

        try
        {
            await using DigestVerifyingStream stream = await client.OpenBlobAsync(registry, repository, layer, ct).ConfigureAwait(false);
            byte[] buffer = new byte[layer.Size];
            int total = 0;
            while (total < buffer.Length)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            // One more read reaches the end, where the stream checks length and digest (and refuses extra bytes).
            byte[] probe = new byte[1];
            while (await stream.ReadAsync(probe, ct).ConfigureAwait(false) > 0)
            {
            }

            return (buffer, "");
        }
        catch (DigestMismatchException ex)
        {
            return (null, $"the registry served content that does not match its digest ({ex.Detail})");
        }
        catch (SecureContainerException ex) when (ex.Diagnostic.Descriptor == RegistryDiagnostics.ManifestNotFound)
        {
            return (null, "the registry does not have its blob");
        }
    }
}

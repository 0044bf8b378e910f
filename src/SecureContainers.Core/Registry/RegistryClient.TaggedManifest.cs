using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Manifests kept under a well-known tag and grown by appending layers, the way cosign stores signatures
/// (<c>sha256-&lt;hex&gt;.sig</c>) and attestations (<c>.att</c>).
/// </summary>
public sealed partial class RegistryClient
{
    /// <summary>
    /// Adds <paramref name="layers"/> to the image manifest at <paramref name="tag"/> (creating an OCI manifest when the
    /// tag does not exist), keeping every existing layer exactly and skipping a new layer for which
    /// <paramref name="isDuplicate"/>(existing, new) holds (default: same digest and annotations). The config is rewritten
    /// as cosign writes it, with the existing config's media type. Concurrent writers are handled by re-reading after
    /// the push and going round again if our layers were lost. Returns the digest now at the tag.
    /// </summary>
    public async Task<Digest> AppendLayersToTaggedManifestAsync(string registry, string repository, string tag, IReadOnlyList<ArtifactLayer> layers,
        Func<Descriptor, Descriptor, bool>? isDuplicate, CancellationToken ct)
    {
        if (layers.Count == 0)
        {
            throw new ArgumentException("At least one layer is needed.", nameof(layers));
        }

        isDuplicate ??= SameDigestAndAnnotations;
        List<Descriptor> wanted = new();
        foreach (ArtifactLayer layer in layers)
        {
            Descriptor pushed = await PushBlobAsync(registry, repository, layer.Content, layer.MediaType, ct).ConfigureAwait(false);
            pushed = pushed with { Annotations = layer.Annotations is { Count: > 0 } a ? a : null };
            if (!wanted.Any(w => isDuplicate(w, pushed)))
            {
                wanted.Add(pushed);
            }
        }

        for (int attempt = 0; ; attempt++)
        {
            (Digest Digest, string MediaType, byte[] Bytes)? current = await TryGetManifestAsync(registry, repository, tag, ct).ConfigureAwait(false);
            SharedDocument manifest = current is null
                ? SharedDocument.Empty(MediaTypes.OciManifestV1)
                : SharedDocument.TryParse(current.Value.Bytes, "layers", m => MediaTypes.IsImageManifest(m ?? current.Value.MediaType), out string problem)
                    ?? throw new SecureContainerException(RegistryDiagnostics.TaggedDocumentUnusable.Create("manifest", registry, repository, tag, problem));

            List<Descriptor> missing = wanted.Where(n => !manifest.Entries.Any(e => isDuplicate(e.Parsed, n))).ToList();
            if (missing.Count == 0 && current is not null)
            {
                return current.Value.Digest;
            }

            if (attempt == MaxTagUpdateAttempts)
            {
                throw new SecureContainerException(RegistryDiagnostics.TagUpdateConflict.Create(registry, repository, tag, attempt));
            }

            byte[] configBytes = RegistryDocuments.CosignConfig(manifest.Entries.Select(e => e.Parsed.Digest).Concat(missing.Select(m => m.Digest)));
            string configType = manifest.Config?.MediaType ?? MediaTypes.OciConfigV1;
            Descriptor config = await PushBlobAsync(registry, repository, configBytes, configType, ct).ConfigureAwait(false);
            string mediaType = manifest.MediaType ?? current?.MediaType ?? MediaTypes.OciManifestV1;
            await PushManifestCoreAsync(registry, repository, tag, manifest.With("layers", missing, config), mediaType, ct).ConfigureAwait(false);
        }
    }

    private static bool SameDigestAndAnnotations(Descriptor existing, Descriptor added) =>
        existing.Digest == added.Digest
        && (existing.Annotations ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal)
            .SequenceEqual((added.Annotations ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal));
}

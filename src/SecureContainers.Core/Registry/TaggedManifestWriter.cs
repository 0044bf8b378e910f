using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Manifests kept under a well-known tag and grown by appending layers, the way cosign stores signatures
/// (<c>sha256-&lt;hex&gt;.sig</c>) and attestations (<c>.att</c>). The tag is shared with other writers, so every
/// update is a read-modify-write round checked by the next read.
/// </summary>
internal sealed class TaggedManifestWriter(RegistryManifests manifests, RegistryBlobs blobs)
{
    /// <inheritdoc cref="RegistryClient.AppendLayersToTaggedManifestAsync"/>
    public async Task<Digest> AppendLayersAsync(string registry, string repository, string tag, IReadOnlyList<ArtifactLayer> layers,
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
            Descriptor pushed = await blobs.PushAsync(registry, repository, layer.Content, layer.MediaType, ct).ConfigureAwait(false);
            pushed = pushed with { Annotations = layer.Annotations is { Count: > 0 } a ? a : null };
            if (!wanted.Any(w => isDuplicate(w, pushed)))
            {
                wanted.Add(pushed);
            }
        }

        for (int attempt = 0; ; attempt++)
        {
            FetchedManifest? current = await manifests.TryGetForPushAsync(registry, repository, tag, ct).ConfigureAwait(false);
            SharedDocument manifest = current is null
                ? SharedDocument.Empty(MediaTypes.OciManifestV1)
                : SharedDocument.TryParse(current.Bytes, "layers", m => MediaTypes.IsImageManifest(m ?? current.MediaType), out string problem)
                    ?? throw new SecureContainerException(RegistryDiagnostics.TaggedDocumentUnusable.Create("manifest", registry, repository, tag, problem));

            List<Descriptor> missing = wanted.Where(n => !manifest.Entries.Any(e => isDuplicate(e.Parsed, n))).ToList();
            if (missing.Count == 0 && current is not null)
            {
                return current.Digest;
            }

            if (attempt == SharedDocument.MaxUpdateAttempts)
            {
                throw new SecureContainerException(RegistryDiagnostics.TagUpdateConflict.Create(registry, repository, tag, attempt));
            }

            byte[] configBytes = RegistryDocuments.CosignConfig(manifest.Entries.Select(e => e.Parsed.Digest).Concat(missing.Select(m => m.Digest)));
            string configType = manifest.Config?.MediaType ?? MediaTypes.OciConfigV1;
            Descriptor config = await blobs.PushAsync(registry, repository, configBytes, configType, ct).ConfigureAwait(false);
            string mediaType = manifest.MediaType ?? current?.MediaType ?? MediaTypes.OciManifestV1;
            await manifests.PushAsync(registry, repository, tag, manifest.With("layers", missing, config), mediaType, ct).ConfigureAwait(false);
        }
    }

    private static bool SameDigestAndAnnotations(Descriptor existing, Descriptor added) =>
        existing.Digest == added.Digest
        && (existing.Annotations ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal)
            .SequenceEqual((added.Annotations ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal));
}

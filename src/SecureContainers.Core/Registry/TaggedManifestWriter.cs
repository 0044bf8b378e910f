using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Manifests kept under a well-known tag and grown by appending layers, the way cosign stores signatures
/// (<c>sha256-&lt;hex&gt;.sig</c>) and attestations (<c>.att</c>). The tag is shared with other writers, so updates go
/// through <see cref="SharedTagUpdate"/>, which writes the union of what it has seen until a read-back shows all of it.
/// </summary>
internal sealed class TaggedManifestWriter(RegistryManifests manifests, RegistryBlobs blobs, SharedTagUpdate update)
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
        // Independent uploads, at once; the layers keep the caller's order. The tag's first read does not depend on them and
        // goes at the same time (a failed upload leaves it unawaited: its failure is observed here).
        Task<TagRead> firstRead = update.ReadFirstAsync(registry, repository, tag, ct);
        _ = firstRead.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        Descriptor[] uploaded = await Task.WhenAll(layers.Select(layer => blobs.PushAsync(registry, repository, layer.Content, layer.MediaType, ct))).ConfigureAwait(false);
        foreach ((ArtifactLayer layer, Descriptor blob) in layers.Zip(uploaded))
        {
            Descriptor pushed = blob with { Annotations = layer.Annotations is { Count: > 0 } a ? a : null };
            if (!wanted.Any(w => isDuplicate(w, pushed)))
            {
                wanted.Add(pushed);
            }
        }

        SharedDocument Parse(FetchedManifest? current) => current is null
            ? SharedDocument.Empty(MediaTypes.OciManifestV1)
            : SharedDocument.TryParse(current.Bytes, "layers", m => MediaTypes.IsImageManifest(m ?? current.MediaType), out string problem)
                ?? throw new SecureContainerException(RegistryDiagnostics.TaggedDocumentUnusable.Create("manifest", registry, repository, tag, problem));

        async Task WriteAsync(FetchedManifest? current, SharedDocument manifest, IReadOnlyList<(Descriptor Parsed, string? Raw)> entries)
        {
            byte[] configBytes = RegistryDocuments.CosignConfig(entries.Select(e => e.Parsed.Digest));
            string configType = manifest.Config?.MediaType ?? MediaTypes.OciConfigV1;
            Descriptor config = await blobs.PushAsync(registry, repository, configBytes, configType, ct).ConfigureAwait(false);
            string mediaType = manifest.MediaType ?? current?.MediaType ?? MediaTypes.OciManifestV1;
            await manifests.PushAsync(registry, repository, tag, manifest.WithEntries("layers", entries, config), mediaType, ct).ConfigureAwait(false);
        }

        // Two signatures of one image share their layer (the same simple-signing payload) and differ in their annotations,
        // so the union keeps every distinct digest + annotations pair; the caller's isDuplicate only decides what we add.
        return await update.ConvergeAsync(registry, repository, tag, Parse,
            manifest => wanted.Where(n => !manifest.Entries.Any(e => isDuplicate(e.Parsed, n))),
            SameDigestAndAnnotations, WriteAsync, ct, firstRead).ConfigureAwait(false);
    }

    private static bool SameDigestAndAnnotations(Descriptor existing, Descriptor added) =>
        existing.Digest == added.Digest
        && (existing.Annotations ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal)
            .SequenceEqual((added.Annotations ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal));
}

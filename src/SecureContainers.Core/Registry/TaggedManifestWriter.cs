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
        // A layer's descriptor is known before its upload (its digest is of the bytes we hold), so the config can be made
        // before the layers are up.
        List<Descriptor> wanted = new();
        foreach (ArtifactLayer layer in layers)
        {
            Descriptor pushed = new(layer.MediaType, Digest.Sha256(layer.Content.Span), layer.Content.Length) { Annotations = layer.Annotations is { Count: > 0 } a ? a : null };
            if (!wanted.Any(w => isDuplicate(w, pushed)))
            {
                wanted.Add(pushed);
            }
        }

        SharedDocument Parse(FetchedManifest? current) => current is null
            ? SharedDocument.Empty(MediaTypes.OciManifestV1)
            : SharedDocument.TryParse(current.Bytes, "layers", m => MediaTypes.IsImageManifest(m ?? current.MediaType), out string problem)
                ?? throw new SecureContainerException(RegistryDiagnostics.TaggedDocumentUnusable.Create("manifest", registry, repository, tag, problem));

        IEnumerable<Descriptor> Ours(SharedDocument manifest) => wanted.Where(n => !manifest.Entries.Any(e => isDuplicate(e.Parsed, n)));

        Task<Descriptor> PushConfigAsync(SharedDocument manifest, IEnumerable<Descriptor> entries) =>
            blobs.PushAsync(registry, repository, RegistryDocuments.CosignConfig(entries.Select(e => e.Digest)), manifest.Config?.MediaType ?? MediaTypes.OciConfigV1, ct);

        async Task WriteAsync(FetchedManifest? current, SharedDocument manifest, IReadOnlyList<(Descriptor Parsed, string? Raw)> entries)
        {
            Descriptor config = await PushConfigAsync(manifest, entries.Select(e => e.Parsed)).ConfigureAwait(false);
            string mediaType = manifest.MediaType ?? current?.MediaType ?? MediaTypes.OciManifestV1;
            await manifests.PushAsync(registry, repository, tag, manifest.WithEntries("layers", entries, config), mediaType, ct).ConfigureAwait(false);
        }

        // The layers' uploads and a first read of the tag go at once. What that read finds plus ours is what the write will
        // most likely hold, so its config goes up beside the layers (the write's push of the same config then returns at
        // once; a guess the tag has outdated leaves one unreferenced blob). The write itself starts from a read made after
        // the uploads: one made before them would let it overwrite a writer that signed meanwhile. The settling pause then
        // measures a read and one manifest PUT; a writer that uploads its config between its read and its write (cosign)
        // takes three requests more, which the pause's 50 ms floor covers on a near registry and not wholly on a far one.
        // Counting them was measured: the config's own upload time (slowed by the layers beside it) or three PUTs' worth
        // made the pause longer than the whole step had been.
        Task<TagRead> firstRead = update.ReadFirstAsync(registry, repository, tag, ct);
        await Task.WhenAll([GuessConfigAsync(), .. layers.Select(layer => blobs.PushAsync(registry, repository, layer.Content, layer.MediaType, ct))]).ConfigureAwait(false);

        async Task GuessConfigAsync()
        {
            try
            {
                SharedDocument manifest = Parse((await firstRead.ConfigureAwait(false)).Document);
                List<Descriptor> entries = [.. manifest.Entries.Select(e => e.Parsed)];
                entries.AddRange(Ours(manifest).Where(n => !entries.Any(e => SameDigestAndAnnotations(e, n))));
                await PushConfigAsync(manifest, entries).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SecureContainerException or HttpRequestException)
            {
                // Only a guess: the update's own read and write meet the same failure and report it.
            }
        }

        // Two signatures of one image share their layer (the same simple-signing payload) and differ in their annotations,
        // so the union keeps every distinct digest + annotations pair; the caller's isDuplicate only decides what we add.
        return await update.ConvergeAsync(registry, repository, tag, Parse, Ours, SameDigestAndAnnotations, WriteAsync, ct).ConfigureAwait(false);
    }

    private static bool SameDigestAndAnnotations(Descriptor existing, Descriptor added) =>
        existing.Digest == added.Digest
        && (existing.Annotations ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal)
            .SequenceEqual((added.Annotations ?? new Dictionary<string, string>()).OrderBy(a => a.Key, StringComparer.Ordinal));
}

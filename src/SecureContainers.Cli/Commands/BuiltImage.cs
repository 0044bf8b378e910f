using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Cli.Commands;

/// <summary>Where the base of an image that is already built was learned from.</summary>
internal enum BaseSource
{
    /// <summary><c>--base</c>.</summary>
    Option,

    /// <summary>The manifest annotation or config label <c>org.opencontainers.image.base.name</c> (the SDK writes both).</summary>
    Image,

    /// <summary>Nothing names it: the whole image is treated as its own base.</summary>
    None,
}

/// <summary>
/// An image any tool built, as <c>check</c> and <c>sbom generate</c> read it: resolved once to one platform manifest,
/// with the base it names (or was given) and the index of its first app layer.
/// </summary>
internal sealed record BuiltImage(ResolvedImage Image, ImageReference? Base, BaseSource BaseSource)
{
    public const string BaseNameKey = "org.opencontainers.image.base.name";
    public const string BaseDigestKey = "org.opencontainers.image.base.digest";

    private const int MaxConfigBytes = 4 * 1024 * 1024;

    /// <summary><c>registry/repository@sha256:…</c> of the platform manifest.</summary>
    public string Pinned => $"{Image.Reference.Registry}/{Image.Reference.Repository}@{Image.ManifestDigest}";

    /// <summary>
    /// Resolves a tag <b>once</b>. Without <paramref name="platform"/>: an index's only platform, else linux/amd64; a
    /// single manifest's own platform.
    /// </summary>
    public static async Task<BuiltImage> ResolveAsync(RegistryClient client, ImageReference image, Platform? platform, ImageReference? baseOption, CancellationToken ct)
    {
        (Digest digest, string mediaType, byte[] bytes) = await client.GetManifestAsync(image.Registry, image.Repository, image.ReferenceForApi, ct).ConfigureAwait(false);
        ImageReference pinned = image with { Digest = digest };
        Platform wanted = platform
            ?? (MediaTypes.IsIndex(mediaType) ? OnlyPlatform(ImageIndex.Parse(bytes, mediaType)) : null)
            ?? (MediaTypes.IsImageManifest(mediaType) ? await ConfigPlatformAsync(client, pinned, ImageManifest.Parse(bytes, mediaType), ct).ConfigureAwait(false) : null)
            ?? SbomFetcher.DefaultPlatform;
        ResolvedImage resolved = await client.ResolveAsync(pinned, wanted, ct).ConfigureAwait(false);

        if (baseOption is not null)
        {
            return new BuiltImage(resolved, baseOption, BaseSource.Option);
        }

        // The SDK writes the base as a config label and (OCI manifests) an annotation; other tools write either.
        IReadOnlyDictionary<string, string> annotations = ImageManifest.Parse(resolved.ManifestBytes, resolved.ManifestMediaType).Annotations ?? new Dictionary<string, string>();
        string? name = Lookup(annotations, resolved.Configuration.Labels, BaseNameKey);
        if (string.IsNullOrWhiteSpace(name))
        {
            return new BuiltImage(resolved, null, BaseSource.None);
        }

        ImageReference named = ImageReference.Parse(name);
        if (named.Digest is null && Lookup(annotations, resolved.Configuration.Labels, BaseDigestKey) is { } d && Digest.TryParse(d, out Digest baseDigest))
        {
            // The digest the image was built on, not whatever the tag points to today.
            named = named with { Digest = baseDigest };
        }

        return new BuiltImage(resolved, named, BaseSource.Image);
    }

    /// <summary>
    /// The first layer that is not the base's: the base's layer count when its layers are the image's first ones. A
    /// base whose layers are not a prefix (a tag moved since, a rebased image) gives 0, so every layer counts as the
    /// app's: a secret found too many beats one missed.
    /// </summary>
    public async Task<int> FirstApplicationLayerAsync(RegistryClient client, CancellationToken ct)
    {
        if (Base is null)
        {
            return 0;
        }

        ResolvedImage baseImage = await client.ResolveAsync(Base, Image.Platform, ct).ConfigureAwait(false);
        bool prefix = baseImage.Layers.Count <= Image.Layers.Count
            && baseImage.Layers.Select(l => l.Digest).SequenceEqual(Image.Layers.Take(baseImage.Layers.Count).Select(l => l.Digest));
        return prefix ? baseImage.Layers.Count : 0;
    }

    public LayerScanner CreateScanner(CliContext context) =>
        new(LayerScanLimits.Default, new LayerScanCache(context.LayerCacheDirectory ?? LayerScanCache.DefaultDirectory));

    private static string? Lookup(IReadOnlyDictionary<string, string> annotations, IReadOnlyDictionary<string, string> labels, string key) =>
        annotations.TryGetValue(key, out string? value) ? value : labels.TryGetValue(key, out value) ? value : null;

    private static async Task<Platform?> ConfigPlatformAsync(RegistryClient client, ImageReference image, ImageManifest manifest, CancellationToken ct)
    {
        if (manifest.Config.Size is < 0 or > MaxConfigBytes)
        {
            // Not read here; ResolveAsync reads it under the registry client's own document cap and reports it.
            return null;
        }

        await using DigestVerifyingStream stream = await client.OpenBlobAsync(image.Registry, image.Repository, manifest.Config, ct).ConfigureAwait(false);
        using MemoryStream buffer = new();
        await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return ImageConfig.Parse(buffer.ToArray()).Platform;
    }

    private static Platform? OnlyPlatform(ImageIndex index)
    {
        List<Platform> platforms = index.Manifests
            .Where(m => MediaTypes.IsImageManifest(m.MediaType) && m.Platform is { } p && p.Os != "unknown")
            .Select(m => m.Platform!)
            .Distinct()
            .ToList();
        return platforms.Count == 1 ? platforms[0] : null;
    }
}

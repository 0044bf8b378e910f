using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Manifests and indexes: fetched size-capped and verified against their digest before anything parses them, resolved to
/// one platform's image, and pushed by tag or digest.
/// </summary>
/// <remarks>
/// Verified manifests are kept by registry/repository@digest. They are content-addressed, so never stale, and a concurrent
/// dictionary lets every task of a build share them: resolving a tag and then the digest it named (the gate, verify, sbom)
/// costs one request, not two. Image configs are kept the same way (a config is a blob named by its digest). Tags are
/// never cached; they move.
/// </remarks>
internal sealed class RegistryManifests(RegistryTransport transport, RegistryAuthenticator auth, RegistryBlobs blobs, RegistryClientOptions options)
{
    /// <summary>Attempts of a manifest PUT that Distribution refuses while a blob it references is being uploaded again.</summary>
    public const int PushAttempts = 3;

    private readonly ConcurrentDictionary<string, FetchedManifest> _byDigest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _configs = new(StringComparer.Ordinal);

    /// <inheritdoc cref="RegistryClient.ResolveAsync"/>
    public async Task<ResolvedImage> ResolveAsync(ImageReference image, Platform platform, CancellationToken ct)
    {
        string name = image.ToString();
        FetchedManifest top = await GetAsync(image, image.ReferenceForApi, "manifest", ct).ConfigureAwait(false);

        FetchedManifest manifestFetch = top;
        Digest? indexDigest = null;
        if (MediaTypes.IsIndex(top.MediaType))
        {
            ImageIndex index = ImageIndex.Parse(top.Bytes, top.MediaType, new DocumentSource("index", name));
            Descriptor entry = SelectPlatform(index, platform, name);
            if (entry.Size > options.MaxDocumentBytes)
            {
                throw RegistryFailures.TooLarge($"manifest {entry.Digest} for {platform}", name, entry.Size, options.MaxDocumentBytes);
            }

            indexDigest = top.Digest;
            manifestFetch = await GetAsync(image, entry.Digest.ToString(), $"manifest {entry.Digest} for {platform}", ct).ConfigureAwait(false);
            if (manifestFetch.Bytes.Length != entry.Size)
            {
                throw RegistryFailures.Mismatch($"manifest for {platform} of image {name}", entry.Digest, $"{manifestFetch.Bytes.Length} bytes where the index declares {entry.Size}");
            }

            if (!MediaTypes.IsImageManifest(manifestFetch.MediaType))
            {
                throw new SecureContainerException(OciDiagnostics.UnsupportedMediaType.Create(name, manifestFetch.MediaType));
            }
        }
        else if (!MediaTypes.IsImageManifest(top.MediaType))
        {
            throw new SecureContainerException(OciDiagnostics.UnsupportedMediaType.Create(name, top.MediaType));
        }

        ImageManifest manifest = ImageManifest.Parse(manifestFetch.Bytes, manifestFetch.MediaType, new DocumentSource("manifest", name));
        string configWhat = $"config blob {manifest.Config.Digest}";
        string configKey = Key(image, manifest.Config.Digest);
        if (!_configs.TryGetValue(configKey, out byte[]? configBytes))
        {
            // ReadSmallAsync verified the bytes against the digest, so the cached copy is the one content of that name.
            configBytes = await blobs.ReadSmallAsync(image, manifest.Config, configWhat, ct).ConfigureAwait(false);
            _configs[configKey] = configBytes;
        }

        ImageConfig config = ImageConfig.Parse(configBytes, new DocumentSource(configWhat, name));
        if (!platform.Matches(config.Platform))
        {
            throw new SecureContainerException(RegistryDiagnostics.PlatformMismatch.Create(name, config.Platform, platform));
        }

        return new ResolvedImage(image, manifestFetch.Digest, manifestFetch.MediaType, manifestFetch.Bytes, indexDigest,
            manifest.Config, config, configBytes, manifest.Layers, config.Platform);
    }

    /// <summary>A manifest by tag or digest with pull access, from the cache when the digest is known; see <see cref="RegistryClient.GetManifestAsync"/>.</summary>
    public async Task<FetchedManifest> GetAsync(ImageReference image, string reference, string what, CancellationToken ct)
    {
        if (Digest.TryParse(reference, out Digest wanted) && _byDigest.TryGetValue(Key(image, wanted), out FetchedManifest? known))
        {
            return known;
        }

        FetchedManifest fetched = await FetchAsync(image, reference, what, ct).ConfigureAwait(false);
        _byDigest[Key(image, fetched.Digest)] = fetched;
        return fetched;
    }

    /// <inheritdoc cref="RegistryClient.TryGetManifestAsync"/>
    public async Task<FetchedManifest?> TryGetForPushAsync(string registry, string repository, string reference, string purpose, CancellationToken ct)
    {
        bool isDigest = Digest.TryParse(reference, out Digest expected);
        ImageReference image = ImageReference.FromParts(registry, repository, isDigest ? null : reference, isDigest ? reference : null);
        string what = $"manifest {reference}";
        using HttpResponseMessage response = await auth.SendAsync(image, HttpMethod.Get, o => RequestTarget.ApiUri(o, image, $"manifests/{reference}"), MediaTypes.AllManifests, null, true, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        // A refusal is about the push credentials; any other failure is this read failing, not an upload (SC3118).
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw await RegistryFailures.WriteFailedAsync(response, image, what, auth.DescribePushCredentials(image), ct).ConfigureAwait(false);
        }

        if (!response.IsSuccessStatusCode)
        {
            string host = response.RequestMessage?.RequestUri?.Authority ?? registry;
            string said = await RegistryFailures.ReadRegistryErrorAsync(response, ct).ConfigureAwait(false);
            throw new SecureContainerException(RegistryDiagnostics.TagReadFailed.Create(what, registry, repository, purpose,
                $"{host} answered {(int)response.StatusCode} {response.ReasonPhrase}{said}"));
        }

        byte[] bytes = await transport.ReadBoundedAsync(response, what, image.ToString(), ct).ConfigureAwait(false);
        if (isDigest && !expected.Matches(bytes))
        {
            throw RegistryFailures.Mismatch($"{what} of {registry}/{repository}", expected, $"content hashing to {Digest.Sha256(bytes)}");
        }

        DigestHeader.Verify(response, Digest.Sha256(bytes), $"{what} of {registry}/{repository}", bytes);
        return new FetchedManifest(isDigest ? expected : Digest.Sha256(bytes), DeclaredMediaType(bytes, response.Content.Headers.ContentType?.MediaType), bytes);
    }

    /// <summary>Pushes a manifest or index under a tag or its own digest (see <see cref="RegistryClient.PushManifestAsync"/>).</summary>
    /// <returns>
    /// The digest, and the digest the registry named in its <c>OCI-Subject</c> header (null without one): a registry with the
    /// referrers API sends it to say it processed the manifest's subject itself.
    /// </returns>
    public async Task<(Digest Digest, string? IndexedSubject)> PushAsync(string registry, string repository, string reference, ReadOnlyMemory<byte> manifest, string mediaType, CancellationToken ct)
    {
        Digest digest = Digest.Sha256(manifest.Span);
        bool byDigest = Digest.TryParse(reference, out Digest named);
        if (byDigest && named != digest)
        {
            throw new ArgumentException($"The manifest hashes to {digest}, not to the digest {named} it is pushed under.", nameof(reference));
        }

        ImageReference image = ImageReference.FromParts(registry, repository, byDigest ? null : reference, byDigest ? reference : null);
        string what = MediaTypes.IsIndex(mediaType) ? "index" : "manifest";
        for (int attempt = 1; ; attempt++)
        {
            using HttpResponseMessage response = await auth.SendAsync(image, HttpMethod.Put, o => RequestTarget.ApiUri(o, image, $"manifests/{reference}"), null,
                () => RegistryTransport.Body(manifest, mediaType), true, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                DigestHeader.Verify(response, digest, $"{what} pushed to {registry}/{repository}:{reference}");
                string? indexedSubject = response.Headers.TryGetValues("OCI-Subject", out IEnumerable<string>? subject)
                    ? subject.Select(s => s.Trim()).FirstOrDefault(s => s.Length > 0)
                    : null;
                return (digest, indexedSubject);
            }

            // Distribution rewrites a blob's link in place while the blob is uploaded again (by another build sharing a
            // config, say), and refuses a manifest that references the blob meanwhile with DIGEST_INVALID. This manifest
            // hashes to its digest (checked above), so that answer is the race; a registry that means it says it again.
            if (attempt < PushAttempts && response.StatusCode == HttpStatusCode.BadRequest
                && await RegistryFailures.HasErrorCodeAsync(response, "DIGEST_INVALID", ct).ConfigureAwait(false))
            {
                await options.Delay(SharedTagUpdate.Backoff(attempt), ct).ConfigureAwait(false);
                continue;
            }

            throw await PushFailedAsync(response, image, registry, repository, reference, what, digest, ct).ConfigureAwait(false);
        }
    }

    /// <summary>What a refused manifest PUT means: the push credentials (SC3112), an outage (SC3109) or the registry's verdict (SC3114).</summary>
    private async Task<SecureContainerException> PushFailedAsync(HttpResponseMessage response, ImageReference image, string registry, string repository,
        string reference, string what, Digest digest, CancellationToken ct)
    {
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return await RegistryFailures.WriteFailedAsync(response, image, what, auth.DescribePushCredentials(image), ct).ConfigureAwait(false);
        }

        string said = await RegistryFailures.ReadRegistryErrorAsync(response, ct).ConfigureAwait(false);

        // A 5xx or 429 that outlasted the retries is an outage, not a verdict on the manifest.
        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return new SecureContainerException(RegistryDiagnostics.RegistryError.Create(registry, $"{(int)response.StatusCode} {response.ReasonPhrase}",
                image.ToString(), $" while the {what} {digest} was being pushed{said}{RegistryTransport.AttemptsOf(response)}"));
        }

        return new SecureContainerException(RegistryDiagnostics.ManifestRejected.Create(registry, $"{what} {digest}", $"{registry}/{repository}:{reference}",
            $"{(int)response.StatusCode} {response.ReasonPhrase}{said}"));
    }

    private static string Key(ImageReference image, Digest digest) => $"{image.Registry}/{image.Repository}@{digest}";

    private async Task<FetchedManifest> FetchAsync(ImageReference image, string reference, string what, CancellationToken ct)
    {
        string name = image.ToString();
        using HttpResponseMessage response = await auth.GetAsync(image, $"manifests/{reference}", MediaTypes.AllManifests, what, ct).ConfigureAwait(false);
        byte[] bytes = await transport.ReadBoundedAsync(response, what, name, ct).ConfigureAwait(false);

        string? headerType = response.Content.Headers.ContentType?.MediaType;
        string mediaType = DetectMediaType(bytes, headerType, new DocumentSource(what, name));

        Digest digest;
        if (Digest.TryParse(reference, out Digest expected))
        {
            if (!expected.Matches(bytes))
            {
                throw RegistryFailures.Mismatch($"{what} of image {name}", expected, $"content hashing to {Digest.Sha256(bytes)}");
            }

            digest = expected;
        }
        else
        {
            digest = Digest.Sha256(bytes);
        }

        // The registry's own claim about the content must agree with what it sent.
        if (DigestHeader.Read(response) is Digest claimed && !claimed.Matches(bytes))
        {
            throw RegistryFailures.Mismatch($"{what} of image {name}", claimed, $"content hashing to {Digest.Sha256(bytes)} (Docker-Content-Digest header)");
        }

        return new FetchedManifest(digest, mediaType, bytes);
    }

    private static Descriptor SelectPlatform(ImageIndex index, Platform platform, string name)
    {
        foreach (Descriptor entry in index.Manifests)
        {
            if (entry.Platform is Platform p && MediaTypes.IsImageManifest(entry.MediaType) && platform.Matches(p))
            {
                return entry;
            }
        }

        // Attestation manifests are listed as unknown/unknown; they are not platforms a user can pick.
        string available = string.Join(", ", index.Manifests
            .Where(m => m.Platform is not null && m.Platform.Os != "unknown")
            .Select(m => m.Platform!.ToString())
            .Distinct(StringComparer.Ordinal));
        throw new SecureContainerException(RegistryDiagnostics.PlatformNotFound.Create(name, platform, available.Length == 0 ? "(none)" : available));
    }

    /// <summary>The media type of a manifest about to be parsed: declared in it, else the header, else implied by its shape.</summary>
    private static string DetectMediaType(byte[] bytes, string? contentType, DocumentSource source)
    {
        using JsonDocument doc = OciJson.ParseDocument(bytes, source);
        if (OciJson.OptionalString(doc.RootElement, "mediaType", source) is string declared)
        {
            return declared;
        }

        if (MediaTypes.IsManifest(contentType))
        {
            return contentType!;
        }

        // OCI allows omitting mediaType; fall back to the shape when the header is generic too.
        if (doc.RootElement.TryGetProperty("manifests", out _))
        {
            return MediaTypes.OciIndexV1;
        }

        if (doc.RootElement.TryGetProperty("config", out _) && doc.RootElement.TryGetProperty("layers", out _))
        {
            return MediaTypes.OciManifestV1;
        }

        return contentType ?? "(none)";
    }

    /// <summary>
    /// The media type of a manifest read for a write (a shared tag another tool may have written): declared in it, else the
    /// header. Never throws; the caller validates the document.
    /// </summary>
    private static string DeclaredMediaType(byte[] bytes, string? contentType)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("mediaType", out JsonElement m) && m.ValueKind == JsonValueKind.String)
            {
                return m.GetString()!;
            }
        }
        catch (JsonException)
        {
            // The caller validates the document; the header is the best guess meanwhile.
        }

        return contentType ?? "(none)";
    }
}

/// <summary>One verified manifest or index: the digest it was verified against, its media type and its bytes.</summary>
internal sealed record FetchedManifest(Digest Digest, string MediaType, byte[] Bytes);

using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Artifacts that refer to an image (OCI 1.1 <c>subject</c>): listing them through the referrers API or, on registries
/// without it (Distribution 2.8), through the referrers tag <c>sha256-&lt;hex&gt;</c>, and attaching new ones.
/// </summary>
public sealed partial class RegistryClient
{
    /// <summary>Entries read from or written to a referrers list; more means something is piling up.</summary>
    public const int MaxReferrers = 1000;

    /// <summary>Read-modify-write rounds on a shared tag before giving up on a concurrent writer.</summary>
    private const int MaxTagUpdateAttempts = 5;

    // Per registry: does it serve GET /v2/<name>/referrers/<digest>? Probed once per client.
    private readonly ConcurrentDictionary<string, bool> _referrersApi = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The referrers tag schema: the digest's algorithm (at most 32 characters), '-', its encoded part (at most 64),
    /// with characters a tag cannot hold replaced by '-'. sha256:abc… → <c>sha256-abc…</c>.
    /// </summary>
    public static string ReferrersTag(Digest subject)
    {
        string algorithm = subject.Algorithm.Length > 32 ? subject.Algorithm[..32] : subject.Algorithm;
        string encoded = subject.Hex.Length > 64 ? subject.Hex[..64] : subject.Hex;
        return new string($"{algorithm}-{encoded}".Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' ? ch : '-').ToArray());
    }

    /// <summary>
    /// The artifacts in <paramref name="repository"/> whose subject is <paramref name="subject"/>, optionally only those of
    /// <paramref name="artifactType"/>: from the referrers API, or (when it answers 404) from the referrers tag; a
    /// missing or invalid referrers tag means none, as the distribution spec says.
    /// </summary>
    public async Task<IReadOnlyList<Descriptor>> GetReferrersAsync(string registry, string repository, Digest subject, string? artifactType, CancellationToken ct)
    {
        ImageReference image = ImageReference.FromParts(registry, repository, null, subject.ToString());
        IReadOnlyList<Descriptor>? listed = await TryReferrersApiAsync(image, subject, artifactType, ct).ConfigureAwait(false);
        if (listed is null)
        {
            listed = [];
            string tag = ReferrersTag(subject);
            if (await TryGetManifestAsync(registry, repository, tag, ct).ConfigureAwait(false) is (_, _, byte[] bytes)
                && SharedDocument.TryParse(bytes, "manifests", IsReferrersIndexType, out _) is SharedDocument index)
            {
                if (index.Entries.Count > MaxReferrers)
                {
                    throw new SecureContainerException(RegistryDiagnostics.TooManyReferrers.Create(subject, registry, repository, MaxReferrers, tag));
                }

                listed = index.Entries.Select(e => e.Parsed).ToList();
            }
        }

        return artifactType is null ? listed : listed.Where(d => d.ArtifactType == artifactType).ToList();
    }

    /// <summary>
    /// Pushes <paramref name="request"/>'s blobs, an empty config and an artifact manifest (by digest) whose subject is the
    /// image, then, unless the registry confirms with <c>OCI-Subject</c> that it indexes referrers itself, adds the
    /// manifest to the referrers tag index, keeping every entry already there. Attaching the same artifact again adds
    /// nothing. Returns the artifact manifest's descriptor.
    /// </summary>
    public async Task<Descriptor> AttachArtifactAsync(ArtifactRequest request, CancellationToken ct)
    {
        (string registry, string repository) = (request.Registry, request.Repository);
        Descriptor config = await PushBlobAsync(registry, repository, RegistryDocuments.EmptyJson, MediaTypes.OciEmptyJson, ct).ConfigureAwait(false);
        List<Descriptor> layers = new();
        foreach (ArtifactLayer layer in request.Layers)
        {
            Descriptor pushed = await PushBlobAsync(registry, repository, layer.Content, layer.MediaType, ct).ConfigureAwait(false);
            layers.Add(pushed with { Annotations = layer.Annotations is { Count: > 0 } a ? a : null });
        }

        // The image spec asks for the empty descriptor as the one layer of an artifact that has no content of its own.
        if (layers.Count == 0)
        {
            layers.Add(config);
        }

        byte[] manifest = RegistryDocuments.ArtifactManifest(request.ArtifactType, config, layers, request.Subject, request.Annotations);
        Digest digest = Digest.Sha256(manifest);
        (_, bool indexed) = await PushManifestCoreAsync(registry, repository, digest.ToString(), manifest, MediaTypes.OciManifestV1, ct).ConfigureAwait(false);
        Descriptor result = new(MediaTypes.OciManifestV1, digest, manifest.Length)
        {
            ArtifactType = request.ArtifactType,
            Annotations = request.Annotations is { Count: > 0 } annotations ? annotations : null,
        };

        if (indexed)
        {
            _referrersApi[registry] = true;
            return result;
        }

        await AddToReferrersTagAsync(registry, repository, request.Subject.Digest, result, ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Read, append unless present, write; the next read checks the entry survived. A writer that raced us and dropped
    /// it makes us go round again with its version as the base.
    /// </summary>
    private async Task AddToReferrersTagAsync(string registry, string repository, Digest subject, Descriptor entry, CancellationToken ct)
    {
        string tag = ReferrersTag(subject);
        for (int attempt = 0; ; attempt++)
        {
            SharedDocument index = await ReadSharedDocumentAsync(registry, repository, tag, "referrers index", "manifests", IsReferrersIndexType, MediaTypes.OciIndexV1, ct).ConfigureAwait(false);
            if (index.Entries.Any(e => e.Parsed.Digest == entry.Digest))
            {
                return;
            }

            if (attempt == MaxTagUpdateAttempts)
            {
                throw new SecureContainerException(RegistryDiagnostics.TagUpdateConflict.Create(registry, repository, tag, attempt));
            }

            if (index.Entries.Count >= MaxReferrers)
            {
                throw new SecureContainerException(RegistryDiagnostics.TooManyReferrers.Create(subject, registry, repository, MaxReferrers, tag));
            }

            byte[] updated = index.With("manifests", [entry]);
            await PushManifestCoreAsync(registry, repository, tag, updated, MediaTypes.OciIndexV1, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The document at <paramref name="tag"/>, or an empty one of <paramref name="emptyType"/> when the tag does not exist.</summary>
    private async Task<SharedDocument> ReadSharedDocumentAsync(string registry, string repository, string tag, string what, string listName,
        Func<string?, bool> acceptMediaType, string emptyType, CancellationToken ct)
    {
        if (await TryGetManifestAsync(registry, repository, tag, ct).ConfigureAwait(false) is not (_, _, byte[] bytes))
        {
            return SharedDocument.Empty(emptyType);
        }

        return SharedDocument.TryParse(bytes, listName, acceptMediaType, out string problem)
            ?? throw new SecureContainerException(RegistryDiagnostics.TaggedDocumentUnusable.Create(what, registry, repository, tag, problem));
    }

    // Some writers omit mediaType; an index's type is then only implied, and the 'manifests' array check still applies.
    private static bool IsReferrersIndexType(string? mediaType) => mediaType is null or MediaTypes.OciIndexV1;

    /// <summary>The referrers API's list (all pages), or null when the registry does not have the API.</summary>
    private async Task<IReadOnlyList<Descriptor>?> TryReferrersApiAsync(ImageReference image, Digest subject, string? artifactType, CancellationToken ct)
    {
        if (_referrersApi.TryGetValue(image.Registry, out bool known) && !known)
        {
            return null;
        }

        string name = $"{image.Registry}/{image.Repository}";
        List<Descriptor> result = new();
        Func<Uri, Uri> next = o =>
        {
            Uri uri = ApiUri(o, image, $"referrers/{subject}");
            return artifactType is null ? uri : WithQueryParameter(uri, "artifactType", artifactType);
        };
        for (int page = 0; ; page++)
        {
            using HttpResponseMessage response = await SendAuthorizedAsync(image, HttpMethod.Get, next, [MediaTypes.OciIndexV1], null, false, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
            {
                throw await MapFailureAsync(response, TargetFor(image), image, "referrers", ct).ConfigureAwait(false);
            }

            byte[] body = await ReadBoundedAsync(response, "referrers list", name, ct).ConfigureAwait(false);
            SharedDocument? index = SharedDocument.TryParse(body, "manifests", m => m == MediaTypes.OciIndexV1, out _);
            if (index is null)
            {
                // A 404 (or any answer that is not an index) is how a registry without the API answers.
                if (page == 0)
                {
                    _referrersApi[image.Registry] = false;
                    return null;
                }

                throw new SecureContainerException(OciDiagnostics.MalformedDocument.Create("referrers list", name, "a further page is not an OCI image index"));
            }

            _referrersApi[image.Registry] = true;
            result.AddRange(index.Entries.Select(e => e.Parsed));
            if (result.Count > MaxReferrers)
            {
                throw new SecureContainerException(RegistryDiagnostics.TooManyReferrers.Create(subject, image.Registry, image.Repository, MaxReferrers, ReferrersTag(subject)));
            }

            if (NextLink(response) is not Uri link)
            {
                return result;
            }

            next = _ => link;
        }
    }

    /// <summary>RFC 5988 <c>Link: &lt;url&gt;; rel="next"</c>, resolved against the request URL.</summary>
    private static Uri? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out IEnumerable<string>? links))
        {
            return null;
        }

        foreach (string link in links.SelectMany(l => l.Split(',')))
        {
            int open = link.IndexOf('<');
            int close = link.IndexOf('>');
            if (open >= 0 && close > open && link[close..].Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase)
                && Uri.TryCreate(response.RequestMessage!.RequestUri!, link[(open + 1)..close], out Uri? uri))
            {
                return uri;
            }
        }

        return null;
    }
}

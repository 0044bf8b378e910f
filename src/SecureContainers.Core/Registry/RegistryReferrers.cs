using System.Collections.Concurrent;
using System.Net;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Artifacts that refer to an image (OCI 1.1 <c>subject</c>): listing them through the referrers API
/// (<c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>) or, on registries without it (Distribution 2.8), through the
/// referrers tag <c>sha256-&lt;hex&gt;</c>, and attaching new ones, as distribution-spec 1.1 describes.
/// </summary>
/// <remarks>
/// <para>
/// Whether a registry serves the API is probed once per client: the first listing for a registry goes alone (concurrent
/// ones wait for its answer), and a 404 – the one answer the spec gives a registry without the API – is remembered so
/// later listings go straight to the tag. Any other failure is an error, not a reason to read a tag the registry may not
/// keep up to date.
/// </para>
/// <para>
/// Updates of the referrers tag go through <see cref="SharedTagUpdate"/>: the union of every entry seen is written until a
/// read-back shows all of it, so concurrent writers (in this process or another) do not lose each other's entries. A registry that answers a push with <c>OCI-Subject</c> naming the subject
/// indexes the artifact itself, and the tag is then left alone.
/// </para>
/// </remarks>
internal sealed class RegistryReferrers(RegistryTransport transport, RegistryAuthenticator auth, RegistryManifests manifests, RegistryBlobs blobs, SharedTagUpdate update)
{
    /// <summary>
    /// Pages of one referrers listing. <see cref="RegistryClient.MaxReferrers"/> entries at a page size of 10 (the smallest
    /// registries use) is 100 pages; a registry sending a <c>Link</c> on every page, empty or not, must not keep us reading.
    /// </summary>
    public const int MaxPages = 100;

    private readonly ConcurrentDictionary<string, bool> _referrersApi = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _probes = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Each referrers tag's updates from this client, one at a time.</summary>
    private readonly ConcurrentDictionary<(string Registry, string Repository, string Tag), SemaphoreSlim> _turns = new();

    /// <inheritdoc cref="RegistryClient.ReferrersTag"/>
    public static string Tag(Digest subject)
    {
        string algorithm = subject.Algorithm.Length > 32 ? subject.Algorithm[..32] : subject.Algorithm;
        string encoded = subject.Hex.Length > 64 ? subject.Hex[..64] : subject.Hex;
        return new string($"{algorithm}-{encoded}".Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' ? ch : '-').ToArray());
    }

    /// <inheritdoc cref="RegistryClient.GetReferrersAsync"/>
    public async Task<IReadOnlyList<Descriptor>> ListAsync(string registry, string repository, Digest subject, string? artifactType, CancellationToken ct)
    {
        ImageReference image = ImageReference.FromParts(registry, repository, null, subject.ToString());
        IReadOnlyList<Descriptor>? listed = await TryReferrersApiAsync(image, subject, artifactType, ct).ConfigureAwait(false);
        if (listed is not null)
        {
            return listed;
        }

        listed = [];
        string tag = Tag(subject);
        if (await manifests.TryGetForPushAsync(registry, repository, tag, $" (referrers tag {tag})", ct).ConfigureAwait(false) is { } found
            && SharedDocument.TryParse(found.Bytes, "manifests", IsReferrersIndexType, out _) is SharedDocument index)
        {
            if (index.Entries.Count > RegistryClient.MaxReferrers)
            {
                throw new SecureContainerException(RegistryDiagnostics.TooManyReferrers.Create(subject, registry, repository, RegistryClient.MaxReferrers, tag));
            }

            listed = index.Entries.Select(e => e.Parsed).ToList();
        }

        return artifactType is null ? listed : listed.Where(d => d.ArtifactType == artifactType).ToList();
    }

    /// <inheritdoc cref="RegistryClient.AttachArtifactsAsync"/>
    public async Task<IReadOnlyList<Descriptor>> AttachAsync(IReadOnlyList<ArtifactRequest> requests, CancellationToken ct, JointAttachment.Party? party)
    {
        try
        {
            return await AttachCoreAsync(requests, ct, party).ConfigureAwait(false);
        }
        finally
        {
            // A party with nothing to add to the tag, or whose pushes failed, leaves: the others do not wait for it.
            party?.Dispose();
        }
    }

    private async Task<IReadOnlyList<Descriptor>> AttachCoreAsync(IReadOnlyList<ArtifactRequest> requests, CancellationToken ct, JointAttachment.Party? party)
    {
        if (requests.Count == 0)
        {
            return [];
        }

        ArtifactRequest first = requests[0];
        (string registry, string repository, Digest subject) = (first.Registry, first.Repository, first.Subject.Digest);
        if (requests.Any(r => r.Registry != registry || r.Repository != repository || r.Subject.Digest != subject))
        {
            throw new ArgumentException("Artifacts attached together share their registry, repository and subject.", nameof(requests));
        }

        // The blobs are independent uploads: at once, so a remote registry costs the round trips of one, not of all. The
        // shared empty config is asked for first (it is almost always there); the artifacts' own layers are new content
        // and go straight to the upload. Each manifest goes once its blobs are in, all at the same time; the tag is then
        // updated once for all of them (one settling pause, not one each), from a read made then: a read made beside the
        // uploads would let the write overwrite a referrer another writer added meanwhile, unseen.
        Task<Descriptor> pushingConfig = blobs.PushAsync(registry, repository, RegistryDocuments.EmptyJson, MediaTypes.OciEmptyJson, ct);
        Task<Descriptor>[][] pushingLayers = requests
            .Select(r => r.Layers.Select(layer => blobs.PushAsync(registry, repository, layer.Content, layer.MediaType, ct, askFirst: false)).ToArray())
            .ToArray();
        SemaphoreSlim turn = _turns.GetOrAdd((registry, repository, Tag(subject)), _ => new SemaphoreSlim(1, 1));
        await Task.WhenAll([pushingConfig, .. pushingLayers.SelectMany(p => p)]).ConfigureAwait(false);

        Descriptor config = await pushingConfig.ConfigureAwait(false);
        (Descriptor Artifact, bool Indexed)[] pushed = await Task.WhenAll(requests.Select((r, i) => PushManifestAsync(r, config, pushingLayers[i], ct))).ConfigureAwait(false);
        if (pushed.Any(p => p.Indexed))
        {
            _referrersApi[registry] = true;
        }

        Descriptor[] unindexed = pushed.Where(p => !p.Indexed).Select(p => p.Artifact).ToArray();
        if (unindexed.Length > 0)
        {
            await (party is null
                ? UpdateInTurnAsync(unindexed)
                : party.Joint.AddAsync(party, (registry, repository, subject), unindexed, UpdateInTurnAsync, ct)).ConfigureAwait(false);
        }

        return pushed.Select(p => p.Artifact).ToArray();

        // Attaches to one subject from this client that are not joint (a build's SBOM and its bundles are) take turns at its
        // tag rather than race for it: racing writers each wait out a settling pause and write again.
        async Task UpdateInTurnAsync(IReadOnlyList<Descriptor> added)
        {
            await turn.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await AddToReferrersTagAsync(registry, repository, subject, added, ct).ConfigureAwait(false);
            }
            finally
            {
                turn.Release();
            }
        }
    }

    /// <summary>The artifact manifest of <paramref name="request"/> (by digest), and whether the registry says it indexed it.</summary>
    private async Task<(Descriptor Artifact, bool Indexed)> PushManifestAsync(ArtifactRequest request, Descriptor config, Task<Descriptor>[] pushedLayers, CancellationToken ct)
    {
        List<Descriptor> layers = request.Layers.Zip(pushedLayers, (layer, pushed) => pushed.Result with { Annotations = layer.Annotations is { Count: > 0 } a ? a : null }).ToList();

        // The image spec asks for the empty descriptor as the one layer of an artifact that has no content of its own.
        if (layers.Count == 0)
        {
            layers.Add(config);
        }

        Descriptor configEntry = request.ArtifactTypeOnConfig ? config with { ArtifactType = request.ArtifactType } : config;
        byte[] manifest = RegistryDocuments.ArtifactManifest(request.ArtifactType, configEntry, layers, request.Subject, request.Annotations);
        Digest digest = Digest.Sha256(manifest);
        (_, string? indexedSubject) = await manifests.PushAsync(request.Registry, request.Repository, digest.ToString(), manifest, MediaTypes.OciManifestV1, ct).ConfigureAwait(false);
        Descriptor result = new(MediaTypes.OciManifestV1, digest, manifest.Length)
        {
            ArtifactType = request.ArtifactType,
            Annotations = request.Annotations is { Count: > 0 } annotations ? annotations : null,
        };

        // The spec's OCI-Subject carries the subject digest; a header naming another one is not a confirmation for ours,
        // and the tag fallback is the safe side (a registry that gains the API lists what the tag holds).
        return (result, Digest.TryParse(indexedSubject, out Digest confirmed) && confirmed == request.Subject.Digest);
    }

    /// <summary>Adds <paramref name="added"/> to the referrers tag, converging with concurrent writers (<see cref="SharedTagUpdate"/>).</summary>
    private async Task AddToReferrersTagAsync(string registry, string repository, Digest subject, IReadOnlyList<Descriptor> added, CancellationToken ct)
    {
        string tag = Tag(subject);

        // One index may list a manifest once: the union is keyed by descriptor digest.
        await update.ConvergeAsync(registry, repository, tag, ReferrersIndex,
            index => added.Where(a => !index.Entries.Any(e => e.Parsed.Digest == a.Digest)),
            (a, b) => a.Digest == b.Digest,
            async (_, index, entries) =>
            {
                if (entries.Count > RegistryClient.MaxReferrers)
                {
                    throw new SecureContainerException(RegistryDiagnostics.TooManyReferrers.Create(subject, registry, repository, RegistryClient.MaxReferrers, tag));
                }

                await manifests.PushAsync(registry, repository, tag, index.WithEntries("manifests", entries), MediaTypes.OciIndexV1, ct).ConfigureAwait(false);
            },
            ct).ConfigureAwait(false);

        // The index at the referrers tag, or an empty one when the tag does not exist; one we cannot safely extend is SC3115.
        SharedDocument ReferrersIndex(FetchedManifest? found) => found is null
            ? SharedDocument.Empty(MediaTypes.OciIndexV1)
            : SharedDocument.TryParse(found.Bytes, "manifests", IsReferrersIndexType, out string problem)
                ?? throw new SecureContainerException(RegistryDiagnostics.TaggedDocumentUnusable.Create("referrers index", registry, repository, tag, problem));
    }

    // Some writers omit mediaType; an index's type is then only implied, and the 'manifests' array check still applies.
    private static bool IsReferrersIndexType(string? mediaType) => mediaType is null or MediaTypes.OciIndexV1;

    /// <summary>
    /// Learns whether <paramref name="registry"/> has the referrers API, by listing the referrers of a digest in
    /// <paramref name="repository"/> (the empty JSON's), unless it is known already. Any failure leaves it unknown.
    /// </summary>
    public async Task ProbeApiAsync(string registry, string repository, CancellationToken ct)
    {
        try
        {
            Digest any = Digest.Sha256(RegistryDocuments.EmptyJson);
            await TryReferrersApiAsync(ImageReference.FromParts(registry, repository, null, any.ToString()), any, null, ct).ConfigureAwait(false);
        }
        catch (SecureContainerException)
        {
        }
    }

    /// <summary>
    /// The referrers API's list (all pages, filtered to <paramref name="artifactType"/>), or null when the registry does not
    /// have the API (known from an earlier probe, or its 404 now).
    /// </summary>
    private async Task<IReadOnlyList<Descriptor>?> TryReferrersApiAsync(ImageReference image, Digest subject, string? artifactType, CancellationToken ct)
    {
        if (_referrersApi.TryGetValue(image.Registry, out bool known))
        {
            return known ? await ReadApiAsync(image, subject, artifactType, ct).ConfigureAwait(false) : null;
        }

        // The first listing for a registry is its probe; concurrent ones wait for its answer instead of probing too.
        SemaphoreSlim probe = _probes.GetOrAdd(image.Registry, _ => new SemaphoreSlim(1, 1));
        await probe.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_referrersApi.TryGetValue(image.Registry, out known))
            {
                return await ReadApiAsync(image, subject, artifactType, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            probe.Release();
        }

        return known ? await ReadApiAsync(image, subject, artifactType, ct).ConfigureAwait(false) : null;
    }

    private async Task<IReadOnlyList<Descriptor>?> ReadApiAsync(ImageReference image, Digest subject, string? artifactType, CancellationToken ct)
    {
        string name = $"{image.Registry}/{image.Repository}";
        RequestTarget target = transport.TargetFor(image);
        string path = $"/v2/{image.Repository}/referrers/{subject}";
        List<Descriptor> result = new();
        HashSet<Uri> visited = new();
        Func<Uri, Uri> next = o =>
        {
            Uri uri = RequestTarget.ApiUri(o, image, $"referrers/{subject}");
            return artifactType is null ? uri : RegistryTransport.WithQueryParameter(uri, "artifactType", artifactType);
        };
        for (int page = 0; ; page++)
        {
            using HttpResponseMessage response = await auth.SendAsync(image, HttpMethod.Get, next, [MediaTypes.OciIndexV1], null, false, ct).ConfigureAwait(false);
            if (response.RequestMessage?.RequestUri is Uri requested)
            {
                visited.Add(requested);
            }

            if (response.StatusCode == HttpStatusCode.NotFound && page == 0)
            {
                // The spec's one signal of a registry without the API. A registry known to have it may still answer 404 for a
                // repository it does not know; that listing falls back to the tag without forgetting the API.
                _referrersApi.TryAdd(image.Registry, false);
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw await RegistryFailures.ReadFailedAsync(response, target, image, "referrers list", ct).ConfigureAwait(false);
            }

            byte[] body = await transport.ReadBoundedAsync(response, "referrers list", name, ct).ConfigureAwait(false);
            SharedDocument index = SharedDocument.TryParse(body, "manifests", IsReferrersIndexType, out string problem)
                ?? throw new SecureContainerException(OciDiagnostics.MalformedDocument.Create("referrers list", name,
                    $"page {page + 1} of GET {path} is not an OCI image index: {problem}"));

            _referrersApi[image.Registry] = true;

            // OCI-Filters-Applied (optional for registries) says whether the registry filtered by artifactType; when it did
            // not, the filter is ours. For a registry that keeps its word, filtering again changes nothing, so every page is
            // filtered here and a registry that claims a filter it did not apply cannot hand us an artifact of another type.
            result.AddRange(index.Entries.Select(e => e.Parsed).Where(d => artifactType is null || d.ArtifactType == artifactType));
            if (result.Count > RegistryClient.MaxReferrers)
            {
                throw new SecureContainerException(RegistryDiagnostics.TooManyReferrers.Create(subject, image.Registry, image.Repository, RegistryClient.MaxReferrers, Tag(subject)));
            }

            if (NextLink(response) is not Uri link)
            {
                return result;
            }

            // Pages come from this registry's referrers API for this subject: a Link elsewhere could feed us another
            // registry's (or repository's) list, and one back to a page already read would never end.
            if (!target.IsOrigin(link) || link.AbsolutePath != path)
            {
                throw new SecureContainerException(OciDiagnostics.MalformedDocument.Create("referrers list", name,
                    $"page {page + 1} links its next page to {link.GetLeftPart(UriPartial.Path)}, outside GET {path} on this registry"));
            }

            if (!visited.Add(link))
            {
                throw new SecureContainerException(OciDiagnostics.MalformedDocument.Create("referrers list", name,
                    $"page {page + 1} of GET {path} links back to a page already read"));
            }

            if (page + 1 == MaxPages)
            {
                throw new SecureContainerException(OciDiagnostics.MalformedDocument.Create("referrers list", name,
                    $"GET {path} goes on for more than {MaxPages} pages"));
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

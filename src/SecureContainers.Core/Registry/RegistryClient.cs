using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// A client of the OCI distribution API, for reading and writing. Reads resolve an image for a platform with every
/// document size-capped and verified against its digest before parsing, and stream blobs through a
/// <see cref="DigestVerifyingStream"/>; writes upload blobs, push manifests, attach referrers (through the referrers API or
/// the referrers tag fallback) and append layers to cosign-style tagged manifests. Requests go anonymously first and
/// answer a 401 with Basic or Bearer once; pushes use their own credentials and token scope. Failures are SC3xxx coded
/// errors.
/// </summary>
/// <remarks>
/// <para>
/// Meant to be one per build (or CLI run), shared by every task: one authentication per registry and scope, one cache of
/// verified manifests, one probe of whether a registry has the referrers API. It is safe for concurrent use: its caches
/// are concurrent dictionaries, token renewals of one scope are serialized so concurrent requests share one handshake,
/// and manifests are cached only by digest, so a cached entry is never stale.
/// </para>
/// <para>
/// The work is done by internal collaborators, one a concern: <see cref="RegistryTransport"/> (HTTP, retries, redirects,
/// the insecure-registry fallback), <see cref="RegistryAuthenticator"/> (challenges and tokens),
/// <see cref="RegistryManifests"/>, <see cref="RegistryBlobs"/>, <see cref="RegistryReferrers"/> and
/// <see cref="TaggedManifestWriter"/>. This class is the public face that owns them.
/// </para>
/// </remarks>
public sealed class RegistryClient : IDisposable
{
    /// <summary>Entries read from or written to a referrers list; more means something is piling up.</summary>
    public const int MaxReferrers = 1000;

    private readonly RegistryTransport _transport;
    private readonly RegistryManifests _manifests;
    private readonly RegistryBlobs _blobs;
    private readonly RegistryReferrers _referrers;
    private readonly TaggedManifestWriter _taggedManifests;

    public RegistryClient(RegistryClientOptions options)
    {
        _transport = new RegistryTransport(options);
        RegistryAuthenticator auth = new(_transport, options);
        _blobs = new RegistryBlobs(_transport, auth, options);
        _manifests = new RegistryManifests(_transport, auth, _blobs, options);
        SharedTagUpdate sharedTags = new(_manifests, options.Delay);
        _referrers = new RegistryReferrers(_transport, auth, _manifests, _blobs, sharedTags);
        _taggedManifests = new TaggedManifestWriter(_manifests, _blobs, sharedTags);
    }

    /// <summary>Cancels the upload sessions opened ahead of time that nothing used (a second at most), then closes the connections.</summary>
    public void Dispose()
    {
        _blobs.CancelUnusedSessions(TimeSpan.FromSeconds(1));
        _transport.Dispose();
    }

    /// <summary>
    /// Fetches the manifest <paramref name="image"/> names; for an index or manifest list, picks the entry for
    /// <paramref name="platform"/>; fetches the config; verifies all of them. Errors: SC3101–SC3111, SC3003–SC3005.
    /// </summary>
    public Task<ResolvedImage> ResolveAsync(ImageReference image, Platform platform, CancellationToken ct) =>
        _manifests.ResolveAsync(image, platform, ct);

    /// <summary>
    /// Streams a blob. The returned stream checks size and digest as it is read and throws
    /// <see cref="DigestMismatchException"/> at the end if either is wrong (see <see cref="ToDiagnostic"/>); redirects to
    /// blob storage are followed without sending the registry's Authorization header to another host.
    /// </summary>
    public Task<DigestVerifyingStream> OpenBlobAsync(string registry, string repository, Descriptor blob, CancellationToken ct) =>
        _blobs.OpenAsync(registry, repository, blob, ct);

    /// <summary>
    /// Fetches one manifest or index by tag or digest, size-capped and verified: against the digest when
    /// <paramref name="reference"/> is one, and against the registry's Docker-Content-Digest header when it sends one.
    /// The digest returned is the one the content was verified against (sha256 of the bytes for a tag).
    /// </summary>
    public async Task<(Digest Digest, string MediaType, byte[] Bytes)> GetManifestAsync(string registry, string repository, string reference, CancellationToken ct)
    {
        bool isDigest = Digest.TryParse(reference, out _);
        ImageReference image = ImageReference.FromParts(registry, repository, isDigest ? null : reference, isDigest ? reference : null);
        FetchedManifest fetched = await _manifests.GetAsync(image, image.ReferenceForApi, "manifest", ct).ConfigureAwait(false);
        return (fetched.Digest, fetched.MediaType, fetched.Bytes);
    }

    /// <summary>
    /// Fetches a manifest or index by tag or digest with the push credentials (the scope a following push needs), verified
    /// like <see cref="GetManifestAsync"/>; null when the registry has no such manifest.
    /// </summary>
    public async Task<(Digest Digest, string MediaType, byte[] Bytes)?> TryGetManifestAsync(string registry, string repository, string reference, CancellationToken ct) =>
        await _manifests.TryGetForPushAsync(registry, repository, reference, "", ct).ConfigureAwait(false) is { } found
            ? (found.Digest, found.MediaType, found.Bytes)
            : null;

    /// <summary>
    /// The descriptor of the manifest <paramref name="digest"/> names, with the media type and size the registry holds (what an
    /// artifact's <c>subject</c> must carry); null when the registry has no such manifest. <paramref name="pushed"/>, the
    /// manifest as its pusher reports it, stands in for asking when it is exactly that manifest (<see cref="PushedManifest.Describe"/>).
    /// </summary>
    public async Task<Descriptor?> DescribeManifestAsync(string registry, string repository, Digest digest, byte[]? pushed, CancellationToken ct) =>
        PushedManifest.Describe(digest, pushed)
        ?? (await TryGetManifestAsync(registry, repository, digest.ToString(), ct).ConfigureAwait(false) is (Digest found, string mediaType, byte[] bytes)
            ? new Descriptor(mediaType, found, bytes.Length)
            : null);

    /// <summary>
    /// Asks whether the push credentials may push to <paramref name="repository"/>: starts a blob upload, which the next
    /// upload to that repository takes over (within ten minutes; <see cref="Dispose"/> cancels it otherwise).
    /// A refusal throws SC3112; any other answer returns (only a denial is conclusive).
    /// </summary>
    public Task ProbePushAsync(string registry, string repository, CancellationToken ct) => _blobs.ProbePushAsync(registry, repository, ct);

    /// <summary>
    /// Makes sure the registry has <paramref name="content"/> as a blob of <paramref name="repository"/>: a HEAD finds
    /// it already there, else it is uploaded in one POST + PUT. Returns its descriptor (sha256). Errors: SC3112 (denied), SC3113.
    /// </summary>
    public Task<Descriptor> PushBlobAsync(string registry, string repository, ReadOnlyMemory<byte> content, string mediaType, CancellationToken ct) =>
        _blobs.PushAsync(registry, repository, content, mediaType, ct);

    /// <summary>
    /// Pushes a manifest or index under a tag or its digest and returns its sha256 digest, checked against the registry's
    /// Docker-Content-Digest when it sends one. The blobs it references must already be in the repository.
    /// Errors: SC3112 (denied), SC3114 (rejected).
    /// </summary>
    public async Task<Digest> PushManifestAsync(string registry, string repository, string reference, ReadOnlyMemory<byte> manifest, string mediaType, CancellationToken ct) =>
        (await _manifests.PushAsync(registry, repository, reference, manifest, mediaType, ct).ConfigureAwait(false)).Digest;

    /// <summary>
    /// The referrers tag schema: the digest's algorithm (at most 32 characters), '-', its encoded part (at most 64),
    /// with characters a tag cannot hold replaced by '-'. sha256:abc… → <c>sha256-abc…</c>.
    /// </summary>
    public static string ReferrersTag(Digest subject) => RegistryReferrers.Tag(subject);

    /// <summary>
    /// The artifacts in <paramref name="repository"/> whose subject is <paramref name="subject"/>, optionally only those of
    /// <paramref name="artifactType"/>: from the referrers API (every page, at most <see cref="MaxReferrers"/> entries; filtered
    /// here too, whether or not the registry says <c>OCI-Filters-Applied</c>), or, when it answers 404, from the referrers tag;
    /// a missing or invalid referrers tag means none, as the distribution spec says. Any other failure of the API is an error.
    /// </summary>
    public Task<IReadOnlyList<Descriptor>> GetReferrersAsync(string registry, string repository, Digest subject, string? artifactType, CancellationToken ct) =>
        _referrers.ListAsync(registry, repository, subject, artifactType, ct);

    /// <summary>
    /// Learns, ahead of a <see cref="GetReferrersAsync"/>, whether the registry has the referrers API (one listing in
    /// <paramref name="repository"/>, unless known already), so that the listing on a registry without it reads the tag at
    /// once. Never throws for the registry's answer.
    /// </summary>
    public Task ProbeReferrersApiAsync(string registry, string repository, CancellationToken ct) =>
        _referrers.ProbeApiAsync(registry, repository, ct);

    /// <summary>
    /// Pushes <paramref name="request"/>'s blobs, an empty config and an artifact manifest (by digest) whose subject is the
    /// image, then, unless the registry confirms with <c>OCI-Subject</c> that it indexes referrers itself, adds the
    /// manifest to the referrers tag index, keeping every entry already there. Attaching the same artifact again adds
    /// nothing. Returns the artifact manifest's descriptor.
    /// </summary>
    public async Task<Descriptor> AttachArtifactAsync(ArtifactRequest request, CancellationToken ct, JointAttachment.Party? party = null) =>
        (await _referrers.AttachAsync([request], ct, party).ConfigureAwait(false))[0];

    /// <summary>
    /// <see cref="AttachArtifactAsync"/> for several artifacts of one subject at once: every blob and manifest pushed at the
    /// same time, then one update of the referrers tag for all of them (one settling pause instead of one each). Returns the
    /// artifact manifests' descriptors in the order of <paramref name="requests"/>, which must share registry, repository
    /// and subject. With <paramref name="party"/>, the tag is updated together with the other parties of its
    /// <see cref="JointAttachment"/>, once all of them have attached or left; attaching nothing leaves.
    /// </summary>
    public Task<IReadOnlyList<Descriptor>> AttachArtifactsAsync(IReadOnlyList<ArtifactRequest> requests, CancellationToken ct, JointAttachment.Party? party = null) =>
        _referrers.AttachAsync(requests, ct, party);

    /// <summary>
    /// Adds <paramref name="layers"/> to the image manifest at <paramref name="tag"/> (creating an OCI manifest when the
    /// tag does not exist), keeping every existing layer exactly and skipping a new layer for which
    /// <paramref name="isDuplicate"/>(existing, new) holds (default: same digest and annotations). The config is rewritten
    /// as cosign writes it, with the existing config's media type. Concurrent writers are handled by reading the tag back after
    /// each push and writing the union of every layer seen until a read shows all of them (SC3117 naming the missing digests
    /// after 8 writes; SC3118 when a read fails). Returns the digest now at the tag.
    /// </summary>
    public Task<Digest> AppendLayersToTaggedManifestAsync(string registry, string repository, string tag, IReadOnlyList<ArtifactLayer> layers,
        Func<Descriptor, Descriptor, bool>? isDuplicate, CancellationToken ct) =>
        _taggedManifests.AppendLayersAsync(registry, repository, tag, layers, isDuplicate, ct);

    /// <summary>Maps a mismatch thrown while reading an <see cref="OpenBlobAsync"/> stream to its SC3106 diagnostic.</summary>
    public static Diagnostic ToDiagnostic(DigestMismatchException exception) =>
        RegistryDiagnostics.DigestMismatch.Create(exception.Subject ?? "content", exception.Expected, exception.Detail);

    /// <summary>Adds <c>name=value</c> to a URL that may already carry a query (upload state, signatures).</summary>
    internal static Uri WithQueryParameter(Uri uri, string name, string value) => RegistryTransport.WithQueryParameter(uri, name, value);
}

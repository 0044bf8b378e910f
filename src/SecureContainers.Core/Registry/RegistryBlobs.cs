using System.Net;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Threading;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Blobs: streamed reads checked against their digest, small reads (configs) size-capped and verified before parsing, and
/// monolithic uploads (skipped when the registry already has the blob) with the push credentials. Its state (the push
/// probe's answers, upload sessions opened ahead of time) is in concurrent collections, so it is safe for concurrent use.
/// </summary>
internal sealed class RegistryBlobs(RegistryTransport transport, RegistryAuthenticator auth, RegistryClientOptions options)
{
    private const string OctetStream = "application/octet-stream";

    /// <inheritdoc cref="RegistryClient.OpenBlobAsync"/>
    public async Task<DigestVerifyingStream> OpenAsync(string registry, string repository, Descriptor blob, CancellationToken ct)
    {
        ImageReference image = ImageReference.FromParts(registry, repository, null, blob.Digest.ToString());
        string subject = $"blob {blob.Digest} of image {image.Registry}/{image.Repository}";
        Task<HttpResponseMessage> Open(long from, CancellationToken token) =>
            auth.GetAsync(image, $"blobs/{blob.Digest}", null, $"blob {blob.Digest}", token, stream: true, rangeFrom: from);

        HttpResponseMessage response = await Open(0, ct).ConfigureAwait(false);
        try
        {
            if (response.Content.Headers.ContentLength is long length && length != blob.Size)
            {
                throw RegistryFailures.Mismatch(subject, blob.Digest, $"{length} bytes announced where its descriptor declares {blob.Size}");
            }

            Stream content = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            ResumingBlobStream resuming = new(response, content, Open, blob.Size, options, $"blob {blob.Digest} from {registry}");
            return new DigestVerifyingStream(resuming, blob.Digest, blob.Size, subject);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>A small blob (a config) read whole, within the document cap, and checked against its size and digest.</summary>
    public async Task<byte[]> ReadSmallAsync(ImageReference image, Descriptor blob, string what, CancellationToken ct)
    {
        string name = image.ToString();
        if (blob.Size > options.MaxDocumentBytes)
        {
            throw RegistryFailures.TooLarge(what, name, blob.Size, options.MaxDocumentBytes);
        }

        using HttpResponseMessage response = await auth.GetAsync(image, $"blobs/{blob.Digest}", null, what, ct).ConfigureAwait(false);
        byte[] bytes = await transport.ReadBoundedAsync(response, what, name, ct).ConfigureAwait(false);
        if (bytes.Length != blob.Size)
        {
            throw RegistryFailures.Mismatch($"{what} of image {name}", blob.Digest, $"{bytes.Length} bytes where the manifest declares {blob.Size}");
        }

        if (!blob.Digest.Matches(bytes))
        {
            throw RegistryFailures.Mismatch($"{what} of image {name}", blob.Digest, $"content hashing to {Digest.Sha256(bytes)}");
        }

        return bytes;
    }

    /// <inheritdoc cref="RegistryClient.PushBlobAsync"/>
    /// <param name="askFirst">
    /// Whether to ask with a HEAD before uploading. A blob that is almost always new (an SBOM names the image's digest)
    /// goes straight to the upload: on a remote registry the HEAD would cost the round trip the upload saves only
    /// when the blob is there already, and the registry keeps one copy of content uploaded twice.
    /// </param>
    /// <remarks>
    /// One upload per blob and repository for the client's life: a push of a blob this client is uploading joins that
    /// upload, and one of a blob it has uploaded returns at once. Distribution rewrites a blob's link in place when the
    /// blob is uploaded again, and refuses a manifest that references the blob meanwhile (DIGEST_INVALID); the parts of
    /// the evidence step (the SBOM's artifact, each bundle) all push the same empty config at the same time. A failed
    /// upload is forgotten, so the next push tries again.
    /// </remarks>
    public async Task<Descriptor> PushAsync(string registry, string repository, ReadOnlyMemory<byte> content, string mediaType, CancellationToken ct, bool askFirst = true)
    {
        Digest digest = Digest.Sha256(content.Span);
        await _uploads.GetAsync((registry, repository, digest), token => UploadAsync(registry, repository, content, digest, askFirst, token),
            keep: _ => true, keepFailure: _ => false, ct).ConfigureAwait(false);
        return new Descriptor(mediaType, digest, content.Length);
    }

    private readonly SharedAnswers<(string Registry, string Repository, Digest Digest), bool> _uploads = new();

    private async Task<bool> UploadAsync(string registry, string repository, ReadOnlyMemory<byte> content, Digest digest, bool askFirst, CancellationToken ct)
    {
        ImageReference image = ImageReference.FromParts(registry, repository, null, digest.ToString());
        string what = $"blob {digest}";

        if (askFirst)
        {
            using HttpResponseMessage head = await auth.SendAsync(image, HttpMethod.Head, o => RequestTarget.ApiUri(o, image, $"blobs/{digest}"), null, null, true, ct).ConfigureAwait(false);
            if (head.IsSuccessStatusCode)
            {
                return true;
            }

            if (head.StatusCode != HttpStatusCode.NotFound)
            {
                throw await WriteFailedAsync(head, image, what, ct).ConfigureAwait(false);
            }
        }

        // An upload session does not survive every failure of its PUT (a registry restarted behind a load balancer forgets
        // it): a PUT that broke, or found its session gone or the registry failing, starts a new session, within the budget.
        // The first attempt takes a session opened ahead of time when there is one; any failure of that one is only a
        // reason to open a fresh session (the registry may have purged it, and no other answer is about this upload).
        for (int session = 0; ; session++)
        {
            Uri? location = null;
            bool opened = session == 0 && _sessions.TryTake(registry, repository, out location);
            if (location is null)
            {
                using HttpResponseMessage start = await auth.SendAsync(image, HttpMethod.Post, o => RequestTarget.ApiUri(o, image, "blobs/uploads/"), null, null, true, ct).ConfigureAwait(false);
                if (start.StatusCode != HttpStatusCode.Accepted)
                {
                    throw await WriteFailedAsync(start, image, what, ct).ConfigureAwait(false);
                }

                location = UploadLocation(start, image, what);
            }

            Uri put = RegistryTransport.WithQueryParameter(location, "digest", digest.ToString());
            bool lastSession = session >= options.MaxRetries;
            HttpResponseMessage done;
            try
            {
                done = await auth.SendAsync(image, HttpMethod.Put, _ => put, null, () => RegistryTransport.Body(content, OctetStream), true, ct).ConfigureAwait(false);
            }
            catch (SecureContainerException ex) when (opened || (!lastSession && ex.Diagnostic.Code == RegistryDiagnostics.RegistryUnreachable.Code))
            {
                continue;
            }

            using (done)
            {
                if (opened && !done.IsSuccessStatusCode)
                {
                    continue;
                }

                if (!lastSession && (done.StatusCode == HttpStatusCode.NotFound || (int)done.StatusCode >= 500))
                {
                    await options.Delay(options.RetryBaseDelay, ct).ConfigureAwait(false);
                    continue;
                }

                if (done.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.OK))
                {
                    throw await WriteFailedAsync(done, image, what, ct).ConfigureAwait(false);
                }

                DigestHeader.Verify(done, digest, $"{what} uploaded to {registry}/{repository}");
                return true;
            }
        }
    }

    /// <summary>
    /// Conclusive answers of the push probe (may push, or denied), per registry and repository: the check run ahead of time
    /// and the check ask once between them. Anything else (an outage, a cancelled ask) is asked again.
    /// </summary>
    private readonly SharedAnswers<(string Registry, string Repository), bool> _probes = new();

    private readonly UploadSessions _sessions = new();

    /// <inheritdoc cref="RegistryClient.ProbePushAsync"/>
    public Task ProbePushAsync(string registry, string repository, CancellationToken ct) =>
        _probes.GetAsync((registry, repository), token => ProbeOnceAsync(registry, repository, token),
            keep: conclusive => conclusive,
            keepFailure: e => e is SecureContainerException s && s.Diagnostic.Code == RegistryDiagnostics.PushDenied.Code,
            ct);

    /// <summary>True when the registry answered the question (an upload session started); a denial throws SC3112.</summary>
    private async Task<bool> ProbeOnceAsync(string registry, string repository, CancellationToken ct)
    {
        ImageReference image = ImageReference.FromParts(registry, repository, "probe", null);
        using HttpResponseMessage start = await auth.SendAsync(image, HttpMethod.Post, o => RequestTarget.ApiUri(o, image, "blobs/uploads/"), null, null, true, ct).ConfigureAwait(false);
        if (start.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw await WriteFailedAsync(start, image, "upload probe", ct).ConfigureAwait(false);
        }

        if (start.StatusCode != HttpStatusCode.Accepted)
        {
            return false;
        }

        // The evidence step's first upload takes this session (UploadSessions); unused, it is cancelled with the client.
        _sessions.Keep(registry, repository, UploadLocation(start, image, "upload probe"));
        return true;
    }

    /// <summary>
    /// Cancels the sessions opened ahead of time that no upload took, so the registry does not keep them until its purge;
    /// a registry that cannot, or does not answer within <paramref name="patience"/>, is no failure.
    /// </summary>
    public void CancelUnusedSessions(TimeSpan patience)
    {
        List<(string Registry, string Repository, Uri Location)> unused = _sessions.TakeAll();
        if (unused.Count == 0)
        {
            return;
        }

        using CancellationTokenSource timeout = new(patience);
        Task[] cancelling = unused.Select(async s =>
        {
            ImageReference image = ImageReference.FromParts(s.Registry, s.Repository, "probe", null);
            try
            {
                using HttpResponseMessage cancelled = await auth.SendAsync(image, HttpMethod.Delete, _ => s.Location, null, null, true, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SecureContainerException or OperationCanceledException)
            {
            }
        }).ToArray();
        Task.WaitAll(cancelling);
    }

    private Task<SecureContainerException> WriteFailedAsync(HttpResponseMessage response, ImageReference image, string what, CancellationToken ct) =>
        RegistryFailures.WriteFailedAsync(response, image, what, auth.DescribePushCredentials(image), ct);

    /// <summary>The upload session URL: relative to the POST's URL or absolute, never leaving HTTPS for HTTP.</summary>
    private Uri UploadLocation(HttpResponseMessage response, ImageReference image, string what)
    {
        Uri requestUri = response.RequestMessage!.RequestUri!;
        if (response.Headers.Location is not Uri location)
        {
            throw new SecureContainerException(RegistryDiagnostics.UploadFailed.Create(what, image.Registry, image.Repository,
                $"{requestUri.Authority} started an upload without saying where to send it (no Location header)"));
        }

        Uri next = location.IsAbsoluteUri ? location : new Uri(requestUri, location);
        RequestTarget target = transport.TargetFor(image);
        bool downgrade = requestUri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp && !(target.Insecure && target.IsOrigin(next));
        if ((next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp) || downgrade)
        {
            throw new SecureContainerException(RegistryDiagnostics.UploadFailed.Create(what, image.Registry, image.Repository,
                $"{requestUri.Authority} asked for the upload to go to {next.Scheme}://{next.Authority}, refused because it leaves HTTPS"));
        }

        return next;
    }
}

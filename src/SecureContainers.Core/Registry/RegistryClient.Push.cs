using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// The write side: monolithic blob uploads (skipped when the registry already has the blob) and manifest pushes, with a
/// token scoped <c>pull,push</c> from the push credentials. Failures are SC3112 (denied), SC3113 (upload), SC3114 (manifest).
/// </summary>
public sealed partial class RegistryClient
{
    private const string OctetStream = "application/octet-stream";

    /// <summary>
    /// Makes sure the registry has <paramref name="content"/> as a blob of <paramref name="repository"/>: a HEAD finds
    /// it already there, else it is uploaded in one POST + PUT. Returns its descriptor (sha256).
    /// </summary>
    public async Task<Descriptor> PushBlobAsync(string registry, string repository, ReadOnlyMemory<byte> content, string mediaType, CancellationToken ct)
    {
        Digest digest = Digest.Sha256(content.Span);
        Descriptor descriptor = new(mediaType, digest, content.Length);
        ImageReference image = ImageReference.FromParts(registry, repository, null, digest.ToString());
        string what = $"blob {digest}";

        using (HttpResponseMessage head = await SendAuthorizedAsync(image, HttpMethod.Head, o => ApiUri(o, image, $"blobs/{digest}"), null, null, true, ct).ConfigureAwait(false))
        {
            if (head.IsSuccessStatusCode)
            {
                return descriptor;
            }

            if (head.StatusCode != HttpStatusCode.NotFound)
            {
                throw await WriteFailureAsync(head, image, what, ct).ConfigureAwait(false);
            }
        }

        Uri location;
        using (HttpResponseMessage start = await SendAuthorizedAsync(image, HttpMethod.Post, o => ApiUri(o, image, "blobs/uploads/"), null, null, true, ct).ConfigureAwait(false))
        {
            if (start.StatusCode != HttpStatusCode.Accepted)
            {
                throw await WriteFailureAsync(start, image, what, ct).ConfigureAwait(false);
            }

            location = UploadLocation(start, image, what);
        }

        Uri put = WithQueryParameter(location, "digest", digest.ToString());
        using HttpResponseMessage done = await SendAuthorizedAsync(image, HttpMethod.Put, _ => put, null, () => Body(content, OctetStream), true, ct).ConfigureAwait(false);
        if (done.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.OK))
        {
            throw await WriteFailureAsync(done, image, what, ct).ConfigureAwait(false);
        }

        VerifyDigestHeader(done, digest, $"{what} uploaded to {registry}/{repository}");
        return descriptor;
    }

    /// <summary>
    /// Pushes a manifest or index under a tag or its digest and returns its sha256 digest, checked against the registry's
    /// Docker-Content-Digest when it sends one. The blobs it references must already be in the repository.
    /// </summary>
    public async Task<Digest> PushManifestAsync(string registry, string repository, string reference, ReadOnlyMemory<byte> manifest, string mediaType, CancellationToken ct) =>
        (await PushManifestCoreAsync(registry, repository, reference, manifest, mediaType, ct).ConfigureAwait(false)).Digest;

    /// <summary>
    /// Fetches a manifest or index by tag or digest with the push credentials (the scope a following push needs), verified
    /// like <see cref="GetManifestAsync"/>; null when the registry has no such manifest.
    /// </summary>
    public async Task<(Digest Digest, string MediaType, byte[] Bytes)?> TryGetManifestAsync(string registry, string repository, string reference, CancellationToken ct)
    {
        bool isDigest = Digest.TryParse(reference, out Digest expected);
        ImageReference image = ImageReference.FromParts(registry, repository, isDigest ? null : reference, isDigest ? reference : null);
        string what = $"manifest {reference}";
        using HttpResponseMessage response = await SendAuthorizedAsync(image, HttpMethod.Get, o => ApiUri(o, image, $"manifests/{reference}"), MediaTypes.AllManifests, null, true, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await WriteFailureAsync(response, image, what, ct).ConfigureAwait(false);
        }

        byte[] bytes = await ReadBoundedAsync(response, what, image.ToString(), ct).ConfigureAwait(false);
        if (isDigest && !expected.Matches(bytes))
        {
            throw Mismatch($"{what} of {registry}/{repository}", expected, $"content hashing to {Digest.Sha256(bytes)}");
        }

        VerifyDigestHeader(response, Digest.Sha256(bytes), $"{what} of {registry}/{repository}", bytes);
        return (isDigest ? expected : Digest.Sha256(bytes), ManifestMediaType(bytes, response.Content.Headers.ContentType?.MediaType), bytes);
    }

    /// <returns>The digest, and whether the registry answered <c>OCI-Subject</c> (it indexed the manifest's subject).</returns>
    private async Task<(Digest Digest, bool SubjectIndexed)> PushManifestCoreAsync(string registry, string repository, string reference, ReadOnlyMemory<byte> manifest, string mediaType, CancellationToken ct)
    {
        Digest digest = Digest.Sha256(manifest.Span);
        bool byDigest = Digest.TryParse(reference, out Digest named);
        if (byDigest && named != digest)
        {
            throw new ArgumentException($"The manifest hashes to {digest}, not to the digest {named} it is pushed under.", nameof(reference));
        }

        ImageReference image = ImageReference.FromParts(registry, repository, byDigest ? null : reference, byDigest ? reference : null);
        string what = MediaTypes.IsIndex(mediaType) ? "index" : "manifest";
        using HttpResponseMessage response = await SendAuthorizedAsync(image, HttpMethod.Put, o => ApiUri(o, image, $"manifests/{reference}"), null, () => Body(manifest, mediaType), true, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw await WriteFailureAsync(response, image, what, ct).ConfigureAwait(false);
            }

            string said = await ReadRegistryErrorAsync(response, ct).ConfigureAwait(false);
            throw new SecureContainerException(RegistryDiagnostics.ManifestRejected.Create(registry, $"{what} {digest}", $"{registry}/{repository}:{reference}",
                $"{(int)response.StatusCode} {response.ReasonPhrase}{said}"));
        }

        VerifyDigestHeader(response, digest, $"{what} pushed to {registry}/{repository}:{reference}");
        bool subjectIndexed = response.Headers.TryGetValues("OCI-Subject", out IEnumerable<string>? subject) && subject.Any(s => s.Length > 0);
        return (digest, subjectIndexed);
    }

    /// <summary>
    /// Sends one request to the repository of <paramref name="image"/> and answers a 401 from the registry once (token
    /// scope <c>pull,push</c> from the push credentials when <paramref name="push"/>). Other statuses are the caller's.
    /// </summary>
    private async Task<HttpResponseMessage> SendAuthorizedAsync(ImageReference image, HttpMethod method, Func<Uri, Uri> uriFor,
        IReadOnlyList<string>? accept, Func<HttpContent>? content, bool push, CancellationToken ct)
    {
        RequestTarget target = TargetFor(image);
        // A separate scope is a separate cache entry, so a pull-only token is never offered for a push.
        string scope = $"repository:{image.Repository}:{(push ? "pull,push" : "pull")}";
        string cacheKey = image.Registry + "|" + scope;
        bool authenticated = false;
        while (true)
        {
            Uri origin = target.Insecure && _httpFallback.ContainsKey(image.Registry) ? target.Origins[1] : target.Origins[0];
            CachedAuthorization? cached = _authorizations.TryGetValue(cacheKey, out CachedAuthorization? c) && c.Expires > DateTimeOffset.UtcNow ? c : null;
            HttpResponseMessage response = await SendAsync(target, method, uriFor(origin), accept, cached?.Header, content, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && !authenticated && target.IsOrigin(response.RequestMessage?.RequestUri))
            {
                authenticated = true;
                AuthChallenge? challenge = AuthChallenge.Select(response.Headers.WwwAuthenticate);
                response.Dispose();
                _authorizations.TryRemove(cacheKey, out _);
                _authorizations[cacheKey] = await AuthenticateAsync(challenge, target, image, scope, ct, push).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    private static Uri ApiUri(Uri origin, ImageReference image, string path) => new(origin, $"/v2/{image.Repository}/{path}");

    private static HttpContent Body(ReadOnlyMemory<byte> bytes, string mediaType)
    {
        ReadOnlyMemoryContent body = new(bytes);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        body.Headers.ContentLength = bytes.Length;
        return body;
    }

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
        RequestTarget target = TargetFor(image);
        bool downgrade = requestUri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp && !(target.Insecure && target.IsOrigin(next));
        if ((next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp) || downgrade)
        {
            throw new SecureContainerException(RegistryDiagnostics.UploadFailed.Create(what, image.Registry, image.Repository,
                $"{requestUri.Authority} asked for the upload to go to {next.Scheme}://{next.Authority}, refused because it leaves HTTPS"));
        }

        return next;
    }

    /// <summary>Adds <c>name=value</c> to a URL that may already carry a query (upload state, signatures).</summary>
    internal static Uri WithQueryParameter(Uri uri, string name, string value)
    {
        UriBuilder builder = new(uri);
        string existing = builder.Query.TrimStart('?');
        builder.Query = (existing.Length == 0 ? "" : existing + "&") + name + "=" + Uri.EscapeDataString(value);
        return builder.Uri;
    }

    private static void VerifyDigestHeader(HttpResponseMessage response, Digest expected, string subject, byte[]? content = null)
    {
        if (response.Headers.TryGetValues("Docker-Content-Digest", out IEnumerable<string>? values)
            && Digest.TryParse(values.FirstOrDefault()?.Trim(), out Digest claimed)
            && (content is null ? claimed != expected : !claimed.Matches(content)))
        {
            throw Mismatch(subject, expected, $"the registry reports {claimed} (Docker-Content-Digest header)");
        }
    }

    private static string ManifestMediaType(byte[] bytes, string? contentType)
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

    /// <summary>Maps a failed write (or a read made for one) to SC3112 for 401/403, else SC3113 with the registry's error.</summary>
    private async Task<SecureContainerException> WriteFailureAsync(HttpResponseMessage response, ImageReference image, string what, CancellationToken ct)
    {
        string host = response.RequestMessage?.RequestUri?.Authority ?? image.Registry;
        string said = await ReadRegistryErrorAsync(response, ct).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            string cacheKey = image.Registry + "|" + $"repository:{image.Repository}:pull,push";
            string who = _authorizations.TryGetValue(cacheKey, out CachedAuthorization? used)
                ? $"the credentials from {used.Source ?? "anonymous access"}"
                : "anonymous access";
            return new SecureContainerException(RegistryDiagnostics.PushDenied.Create(image.Registry, image.Repository,
                $"{host} answered {status}{said} to the {what} request with {who}"));
        }

        return new SecureContainerException(RegistryDiagnostics.UploadFailed.Create(what, image.Registry, image.Repository,
            $"{host} answered {status} {response.ReasonPhrase}{said}"));
    }

    /// <summary>
    /// The first distribution error of an error body as <c> (CODE: message)</c>: what the registry said, which helps the
    /// user, cut to one short line. Requests never carry credentials in their bodies, so none can be echoed here.
    /// </summary>
    private static async Task<string> ReadRegistryErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            if (response.Content.Headers.ContentLength is > 64 * 1024)
            {
                return "";
            }

            byte[] body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (body.Length is 0 or > 64 * 1024)
            {
                return "";
            }

            using JsonDocument doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errors", out JsonElement errors)
                && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0 && errors[0].ValueKind == JsonValueKind.Object)
            {
                JsonElement first = errors[0];
                string code = first.TryGetProperty("code", out JsonElement c) && c.ValueKind == JsonValueKind.String ? OneLine(c.GetString()!, 64) : "";
                string message = first.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String ? OneLine(m.GetString()!, 200) : "";
                string joined = code.Length > 0 && message.Length > 0 ? $"{code}: {message}" : code + message;
                return joined.Length == 0 ? "" : $" ({joined})";
            }
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException)
        {
            // The status code alone still says what happened.
        }

        return "";
    }

    private static string OneLine(string text, int max)
    {
        StringBuilder sb = new(Math.Min(text.Length, max));
        foreach (char ch in text)
        {
            if (sb.Length == max)
            {
                sb.Append('…');
                break;
            }

            sb.Append(char.IsControl(ch) ? ' ' : ch);
        }

        return sb.ToString().Trim();
    }
}

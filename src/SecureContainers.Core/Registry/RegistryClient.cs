using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// A read-only client of the OCI distribution API: resolves an image for a platform with every document verified
/// against its digest and size-capped before parsing, and streams blobs through a <see cref="DigestVerifyingStream"/>.
/// Anonymous first; on 401 it answers the Basic or Bearer challenge once. Failures are SC3xxx coded errors.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    private const int MaxRedirects = 5;

    private readonly RegistryClientOptions _options;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, CachedAuthorization> _authorizations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _httpFallback = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _insecureHosts = new(StringComparer.OrdinalIgnoreCase);

    // Verified manifests by registry/repository@digest. Content-addressed, so never stale: resolving a tag and then the
    // digest it named (the gate, verify, sbom) costs one request, not two.
    private readonly ConcurrentDictionary<string, Fetched> _manifestsByDigest = new(StringComparer.Ordinal);

    public RegistryClient(RegistryClientOptions options)
    {
        _options = options;
        HttpMessageHandler handler = options.Handler ?? CreateHandler();
        _http = new HttpClient(handler, disposeHandler: options.Handler is null) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Fetches the manifest <paramref name="image"/> names; for an index or manifest list, picks the entry for
    /// <paramref name="platform"/>; fetches the config; verifies all of them. Errors: SC3101–SC3111, SC3003–SC3005.
    /// </summary>
    public async Task<ResolvedImage> ResolveAsync(ImageReference image, Platform platform, CancellationToken ct)
    {
        string name = image.ToString();
        Fetched top = await FetchManifestAsync(image, image.ReferenceForApi, "manifest", ct).ConfigureAwait(false);

        Fetched manifestFetch = top;
        Digest? indexDigest = null;
        if (MediaTypes.IsIndex(top.MediaType))
        {
            ImageIndex index = ImageIndex.Parse(top.Bytes, top.MediaType, new DocumentSource("index", name));
            Descriptor entry = SelectPlatform(index, platform, name);
            if (entry.Size > _options.MaxDocumentBytes)
            {
                throw TooLarge($"manifest {entry.Digest} for {platform}", name, entry.Size);
            }

            indexDigest = top.Digest;
            manifestFetch = await FetchManifestAsync(image, entry.Digest.ToString(), $"manifest {entry.Digest} for {platform}", ct).ConfigureAwait(false);
            if (manifestFetch.Bytes.Length != entry.Size)
            {
                throw Mismatch($"manifest for {platform} of image {name}", entry.Digest, $"{manifestFetch.Bytes.Length} bytes where the index declares {entry.Size}");
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
        byte[] configBytes = await FetchBlobBytesAsync(image, manifest.Config, configWhat, ct).ConfigureAwait(false);
        ImageConfig config = ImageConfig.Parse(configBytes, new DocumentSource(configWhat, name));
        if (!platform.Matches(config.Platform))
        {
            throw new SecureContainerException(RegistryDiagnostics.PlatformMismatch.Create(name, config.Platform, platform));
        }

        return new ResolvedImage(image, manifestFetch.Digest, manifestFetch.MediaType, manifestFetch.Bytes, indexDigest,
            manifest.Config, config, configBytes, manifest.Layers, config.Platform);
    }

    /// <summary>
    /// Streams a blob. The returned stream checks size and digest as it is read and throws
    /// <see cref="DigestMismatchException"/> at the end if either is wrong (see <see cref="ToDiagnostic"/>); redirects to
    /// blob storage are followed without sending the registry's Authorization header to another host.
    /// </summary>
    public async Task<DigestVerifyingStream> OpenBlobAsync(string registry, string repository, Descriptor blob, CancellationToken ct)
    {
        ImageReference image = ImageReference.FromParts(registry, repository, null, blob.Digest.ToString());
        string subject = $"blob {blob.Digest} of image {image.Registry}/{image.Repository}";
        HttpResponseMessage response = await GetAsync(image, $"blobs/{blob.Digest}", null, $"blob {blob.Digest}", ct).ConfigureAwait(false);
        try
        {
            if (response.Content.Headers.ContentLength is long length && length != blob.Size)
            {
                throw Mismatch(subject, blob.Digest, $"{length} bytes announced where its descriptor declares {blob.Size}");
            }

            Stream content = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return new DigestVerifyingStream(new ResponseStream(content, response), blob.Digest, blob.Size, subject);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Fetches one manifest or index by tag or digest, size-capped and verified: against the digest when
    /// <paramref name="reference"/> is one, and against the registry's Docker-Content-Digest header when it sends one.
    /// The digest returned is the one the content was verified against (sha256 of the bytes for a tag).
    /// </summary>
    public async Task<(Digest Digest, string MediaType, byte[] Bytes)> GetManifestAsync(string registry, string repository, string reference, CancellationToken ct)
    {
        bool isDigest = Digest.TryParse(reference, out _);
        ImageReference image = ImageReference.FromParts(registry, repository, isDigest ? null : reference, isDigest ? reference : null);
        Fetched fetched = await FetchManifestAsync(image, image.ReferenceForApi, "manifest", ct).ConfigureAwait(false);
        return (fetched.Digest, fetched.MediaType, fetched.Bytes);
    }

    /// <summary>Maps a mismatch thrown while reading an <see cref="OpenBlobAsync"/> stream to its SC3106 diagnostic.</summary>
    public static Diagnostic ToDiagnostic(DigestMismatchException exception) =>
        RegistryDiagnostics.DigestMismatch.Create(exception.Subject ?? "content", exception.Expected, exception.Detail);

    private Descriptor SelectPlatform(ImageIndex index, Platform platform, string name)
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

    private async Task<Fetched> FetchManifestAsync(ImageReference image, string reference, string what, CancellationToken ct)
    {
        if (Digest.TryParse(reference, out Digest wanted) && _manifestsByDigest.TryGetValue(ManifestKey(image, wanted), out Fetched? known))
        {
            return known;
        }

        Fetched fetched = await FetchManifestFromRegistryAsync(image, reference, what, ct).ConfigureAwait(false);
        _manifestsByDigest[ManifestKey(image, fetched.Digest)] = fetched;
        return fetched;
    }

    private static string ManifestKey(ImageReference image, Digest digest) => $"{image.Registry}/{image.Repository}@{digest}";

    private async Task<Fetched> FetchManifestFromRegistryAsync(ImageReference image, string reference, string what, CancellationToken ct)
    {
        string name = image.ToString();
        using HttpResponseMessage response = await GetAsync(image, $"manifests/{reference}", MediaTypes.AllManifests, what, ct).ConfigureAwait(false);
        byte[] bytes = await ReadBoundedAsync(response, what, name, ct).ConfigureAwait(false);

        string? headerType = response.Content.Headers.ContentType?.MediaType;
        string mediaType = DetectMediaType(bytes, headerType, new DocumentSource(what, name));

        Digest digest;
        if (Digest.TryParse(reference, out Digest expected))
        {
            if (!expected.Matches(bytes))
            {
                throw Mismatch($"{what} of image {name}", expected, $"content hashing to {Digest.Sha256(bytes)}");
            }

            digest = expected;
        }
        else
        {
            digest = Digest.Sha256(bytes);
        }

        // The registry's own claim about the content must agree with what it sent.
        if (response.Headers.TryGetValues("Docker-Content-Digest", out IEnumerable<string>? values)
            && Digest.TryParse(values.FirstOrDefault()?.Trim(), out Digest claimed)
            && !claimed.Matches(bytes))
        {
            throw Mismatch($"{what} of image {name}", claimed, $"content hashing to {Digest.Sha256(bytes)} (Docker-Content-Digest header)");
        }

        return new Fetched(digest, mediaType, bytes);
    }

    private async Task<byte[]> FetchBlobBytesAsync(ImageReference image, Descriptor blob, string what, CancellationToken ct)
    {
        string name = image.ToString();
        if (blob.Size > _options.MaxDocumentBytes)
        {
            throw TooLarge(what, name, blob.Size);
        }

        using HttpResponseMessage response = await GetAsync(image, $"blobs/{blob.Digest}", null, what, ct).ConfigureAwait(false);
        byte[] bytes = await ReadBoundedAsync(response, what, name, ct).ConfigureAwait(false);
        if (bytes.Length != blob.Size)
        {
            throw Mismatch($"{what} of image {name}", blob.Digest, $"{bytes.Length} bytes where the manifest declares {blob.Size}");
        }

        if (!blob.Digest.Matches(bytes))
        {
            throw Mismatch($"{what} of image {name}", blob.Digest, $"content hashing to {Digest.Sha256(bytes)}");
        }

        return bytes;
    }

    /// <summary>
    /// Reads a manifest or config body without ever holding more than the cap: a Content-Length over it fails before
    /// reading, and a body that grows past it (no or false Content-Length) fails at cap+1 bytes.
    /// </summary>
    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, string what, string image, CancellationToken ct)
    {
        long max = _options.MaxDocumentBytes;
        if (response.Content.Headers.ContentLength is long length && length > max)
        {
            throw TooLarge(what, image, length);
        }

        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            await using Stream stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            using MemoryStream buffer = new();
            byte[] chunk = new byte[16 * 1024];
            int n;
            while ((n = await stream.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > max)
                {
                    throw TooLarge(what, image, buffer.Length + n);
                }

                buffer.Write(chunk, 0, n);
            }

            return buffer.ToArray();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Unreachable(response.RequestMessage?.RequestUri?.Authority ?? "(unknown)", image, $"the {what} did not arrive within {_options.Timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(response.RequestMessage?.RequestUri?.Authority ?? "(unknown)", image, $"the connection broke while reading the {what} ({ex.HttpRequestError})");
        }
        catch (IOException)
        {
            throw Unreachable(response.RequestMessage?.RequestUri?.Authority ?? "(unknown)", image, $"the connection broke while reading the {what}");
        }
    }

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

    private SecureContainerException TooLarge(string what, string image, long size) =>
        new(RegistryDiagnostics.DocumentTooLarge.Create(what, image, size, _options.MaxDocumentBytes));

    private static SecureContainerException Mismatch(string subject, Digest expected, string detail) =>
        new(RegistryDiagnostics.DigestMismatch.Create(subject, expected, detail));

    private static SecureContainerException Unreachable(string host, string image, string detail) =>
        new(RegistryDiagnostics.RegistryUnreachable.Create(host, image, detail));

    private HttpMessageHandler CreateHandler()
    {
        SocketsHttpHandler handler = new()
        {
            // Redirects are followed here so Authorization never travels to another host.
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = _options.Timeout < TimeSpan.FromSeconds(30) ? _options.Timeout : TimeSpan.FromSeconds(30),
        };

        // As the SDK does for insecure registries: accept their certificates, and only theirs.
        handler.SslOptions.RemoteCertificateValidationCallback = (sender, _, _, errors) =>
            errors == SslPolicyErrors.None
            || (sender is SslStream ssl && _insecureHosts.ContainsKey(ssl.TargetHostName));
        return handler;
    }

    private sealed record Fetched(Digest Digest, string MediaType, byte[] Bytes);

    /// <summary>A usable Authorization header; <see cref="Source"/> names where its credential came from, for messages.</summary>
    private sealed record CachedAuthorization(AuthenticationHeaderValue Header, DateTimeOffset Expires, string? Source = null);

    /// <summary>Disposes the HTTP response together with its body stream.</summary>
    private sealed class ResponseStream(Stream inner, HttpResponseMessage response) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// HTTP plumbing under <see cref="RegistryClient"/>: origins, the insecure-registry HTTP fallback, retries, redirects
/// (followed here, so the registry's Authorization never reaches another host), timeouts and size-capped bodies. It knows
/// nothing of credentials beyond the header it is handed. Safe for concurrent use: its state is two concurrent sets of
/// hosts that only ever grow.
/// </summary>
internal sealed class RegistryTransport : IDisposable
{
    private const int MaxRedirects = 5;

    private readonly RegistryClientOptions _options;
    // Made on the first request: a build creates its client on MSBuild's own thread, and the first request is sent from the
    // thread pool (the check started ahead of time), where loading the HTTP stack costs the build nothing.
    private readonly Lazy<HttpClient> _http;

    // Insecure registries that failed the TLS handshake: they are spoken to over HTTP from then on, as the SDK does.
    private readonly ConcurrentDictionary<string, bool> _httpFallback = new(StringComparer.OrdinalIgnoreCase);

    // Hosts whose certificate errors are ignored: the insecure registries this client has been asked to reach, and only those.
    private readonly ConcurrentDictionary<string, bool> _insecureHosts = new(StringComparer.OrdinalIgnoreCase);

    public RegistryTransport(RegistryClientOptions options)
    {
        _options = options;
        _http = new Lazy<HttpClient>(() =>
        {
            HttpClient http = new(options.Handler ?? CreateHandler(), disposeHandler: options.Handler is null) { Timeout = Timeout.InfiniteTimeSpan };
            http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
            return http;
        });
    }

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    /// <summary>Docker Hub's API is not served at docker.io itself.</summary>
    public static string ApiHost(string registry) => registry == ImageReference.DockerHub ? "registry-1.docker.io" : registry;

    public RequestTarget TargetFor(ImageReference image)
    {
        string registry = image.Registry;
        bool insecure = _options.IsInsecureRegistry(registry);
        Uri https = new($"https://{ApiHost(registry)}/");
        if (insecure)
        {
            _insecureHosts[https.IdnHost] = true;
            return new RequestTarget(registry, image.ToString(), true, [https, HttpFallbackOf(https, registry)]);
        }

        return new RequestTarget(registry, image.ToString(), false, [https]);
    }

    /// <summary>Where requests to <paramref name="target"/> go now: HTTPS, or HTTP once an insecure registry has failed the TLS handshake.</summary>
    public Uri OriginFor(RequestTarget target) => target.Insecure && _httpFallback.ContainsKey(target.Registry) ? target.Origins[1] : target.Origins[0];

    /// <summary>
    /// Sends with retries within one budget per request (<see cref="RegistryClientOptions.MaxRetries"/>): GET, HEAD and PUT
    /// only (idempotent; POST is not), on 429/502/503/504 (honouring Retry-After), on 500 too for reads, and on connection
    /// failures, with capped exponential backoff. The body of a successful GET is read here, inside the same budget, unless
    /// <paramref name="stream"/> asks for it unread: a connection cut half-way through a manifest costs a retry, not the build.
    /// An insecure registry that fails the TLS handshake switches to HTTP for good (as the SDK).
    /// </summary>
    /// <param name="stream">Hand a successful GET's body over unread (a blob the caller streams and resumes itself).</param>
    /// <param name="rangeFrom">Ask for the body from this byte on (<c>Range: bytes=N-</c>); 0 for all of it.</param>
    public async Task<HttpResponseMessage> SendAsync(RequestTarget target, HttpMethod method, Uri uri, IReadOnlyList<string>? accept,
        AuthenticationHeaderValue? authorization, Func<HttpContent>? content, CancellationToken ct, bool stream = false, long rangeFrom = 0)
    {
        bool read = method == HttpMethod.Get || method == HttpMethod.Head;
        bool retriable = read || method == HttpMethod.Put;
        for (int attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await SendFollowingRedirectsAsync(target, method, uri, accept, authorization, content, rangeFrom, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (target.Insecure && ex.HttpRequestError == HttpRequestError.SecureConnectionError
                && uri.Scheme == Uri.UriSchemeHttps && target.IsOrigin(uri))
            {
                _httpFallback[target.Registry] = true;
                uri = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttp, Port = target.Origins[1].Port }.Uri;
                attempt--;
                continue;
            }
            catch (HttpRequestException ex)
            {
                // An untrusted certificate or a server that does not speak TLS will not change its mind in a second.
                if (retriable && attempt < _options.MaxRetries && ex.HttpRequestError != HttpRequestError.SecureConnectionError)
                {
                    await _options.Delay(_options.Backoff(attempt), ct).ConfigureAwait(false);
                    continue;
                }

                throw RegistryFailures.Unreachable(uri.Authority, target.Image, Describe(ex) + Attempts(method, uri, attempt));
            }
            catch (TimeoutException)
            {
                if (retriable && attempt < _options.MaxRetries)
                {
                    await _options.Delay(_options.Backoff(attempt), ct).ConfigureAwait(false);
                    continue;
                }

                throw RegistryFailures.Unreachable(uri.Authority, target.Image, $"no answer within {_options.Timeout.TotalSeconds:0} s" + Attempts(method, uri, attempt));
            }

            if (retriable && attempt < _options.MaxRetries && (IsTransient(response.StatusCode) || (read && response.StatusCode == HttpStatusCode.InternalServerError)))
            {
                TimeSpan delay = RetryAfter(response) ?? _options.Backoff(attempt);
                response.Dispose();
                await _options.Delay(delay, ct).ConfigureAwait(false);
                continue;
            }

            if (!response.IsSuccessStatusCode && response.RequestMessage is HttpRequestMessage sent)
            {
                sent.Options.Set(AttemptsKey, attempt + 1);
            }

            if (method != HttpMethod.Get || stream || !response.IsSuccessStatusCode)
            {
                return response;
            }

            string? broken = await TryBufferAsync(response, ct).ConfigureAwait(false);
            if (broken is null)
            {
                return response;
            }

            response.Dispose();
            if (attempt < _options.MaxRetries)
            {
                await _options.Delay(_options.Backoff(attempt), ct).ConfigureAwait(false);
                continue;
            }

            throw RegistryFailures.Unreachable(uri.Authority, target.Image, broken + Attempts(method, uri, attempt));
        }
    }

    private static readonly HttpRequestOptionsKey<int> AttemptsKey = new("SecureContainers.Attempts");

    /// <summary>", after N attempts" for a failure status that outlasted retries; empty when it came at the first try.</summary>
    public static string AttemptsOf(HttpResponseMessage response) =>
        response.RequestMessage?.Options.TryGetValue(AttemptsKey, out int attempts) == true && attempts > 1 ? $", after {attempts} attempts" : "";

    /// <summary>" (GET /v2/…, 4 attempts)": what a failure after retries names besides the registry.</summary>
    private static string Attempts(HttpMethod method, Uri uri, int attempt) =>
        $" ({method} {uri.AbsolutePath}, {attempt + 1} attempt{(attempt == 0 ? "" : "s")})";

    /// <summary>
    /// Reads a successful GET's body into memory, up to one byte past the document cap (a bigger body is left for the
    /// caller's bounded read to refuse, with its own words), and puts it back as the response content. Null when read,
    /// else what broke: a reset, a timeout or a body shorter than its Content-Length.
    /// </summary>
    private async Task<string?> TryBufferAsync(HttpResponseMessage response, CancellationToken ct)
    {
        long cap = _options.MaxDocumentBytes;
        HttpContent original = response.Content;
        if (original.Headers.ContentLength is long announced && announced > cap)
        {
            return null;
        }

        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        MemoryStream buffer = new();
        try
        {
            await using Stream body = await original.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            byte[] chunk = new byte[16 * 1024];
            int n;
            while (buffer.Length <= cap && (n = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, cap + 1 - buffer.Length)), timeout.Token).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, n);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"the response body did not arrive within {_options.Timeout.TotalSeconds:0} s";
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return $"the connection broke after {buffer.Length} bytes of the response body";
        }

        if (original.Headers.ContentLength is long expected && buffer.Length < expected)
        {
            return $"the response body ended after {buffer.Length} of {expected} bytes";
        }

        ByteArrayContent copy = new(buffer.ToArray());
        foreach (KeyValuePair<string, IEnumerable<string>> header in original.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        copy.Headers.ContentLength = buffer.Length;
        response.Content = copy;
        original.Dispose();
        return null;
    }

    /// <summary>
    /// Reads a manifest or config body without ever holding more than the cap: a Content-Length over it fails before
    /// reading, and a body that grows past it (no or false Content-Length) fails at cap+1 bytes.
    /// </summary>
    public async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, string what, string image, CancellationToken ct)
    {
        long max = _options.MaxDocumentBytes;
        if (response.Content.Headers.ContentLength is long length && length > max)
        {
            throw RegistryFailures.TooLarge(what, image, length, max);
        }

        string host = response.RequestMessage?.RequestUri?.Authority ?? "(unknown)";
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
                    throw RegistryFailures.TooLarge(what, image, buffer.Length + n, max);
                }

                buffer.Write(chunk, 0, n);
            }

            return buffer.ToArray();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw RegistryFailures.Unreachable(host, image, $"the {what} did not arrive within {_options.Timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            throw RegistryFailures.Unreachable(host, image, $"the connection broke while reading the {what} ({ex.HttpRequestError})");
        }
        catch (IOException)
        {
            throw RegistryFailures.Unreachable(host, image, $"the connection broke while reading the {what}");
        }
    }

    /// <summary>A request body of exactly <paramref name="bytes"/>, recreated for each attempt by the caller's factory.</summary>
    public static HttpContent Body(ReadOnlyMemory<byte> bytes, string mediaType)
    {
        ReadOnlyMemoryContent body = new(bytes);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        body.Headers.ContentLength = bytes.Length;
        return body;
    }

    /// <summary>Adds <c>name=value</c> to a URL that may already carry a query (upload state, signatures).</summary>
    public static Uri WithQueryParameter(Uri uri, string name, string value)
    {
        UriBuilder builder = new(uri);
        string existing = builder.Query.TrimStart('?');
        builder.Query = (existing.Length == 0 ? "" : existing + "&") + name + "=" + Uri.EscapeDataString(value);
        return builder.Uri;
    }

    /// <summary>The SDK's fallback: same host, http, and the registry's own port if it names one (else 80).</summary>
    private static Uri HttpFallbackOf(Uri uri, string registry)
    {
        UriBuilder builder = new(uri) { Scheme = Uri.UriSchemeHttp };
        if (new Uri($"container://{registry}").Port == -1)
        {
            builder.Port = -1;
        }

        return builder.Uri;
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(RequestTarget target, HttpMethod method, Uri uri, IReadOnlyList<string>? accept,
        AuthenticationHeaderValue? authorization, Func<HttpContent>? content, long rangeFrom, CancellationToken ct)
    {
        for (int hop = 0; ; hop++)
        {
            HttpRequestMessage request = new(method, uri);
            if (rangeFrom > 0)
            {
                request.Headers.Range = new RangeHeaderValue(rangeFrom, null);
            }

            foreach (string mediaType in accept ?? [])
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
            }

            // The registry's credentials go to the registry only, never to blob storage it redirects to.
            if (authorization is not null && target.IsOrigin(uri))
            {
                request.Headers.Authorization = authorization;
            }

            request.Content = content?.Invoke();

            HttpResponseMessage response;
            using (CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(_options.Timeout);
                try
                {
                    response = await _http.Value.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException();
                }
            }

            if (!IsRedirect(response.StatusCode))
            {
                return response;
            }

            Uri? location = response.Headers.Location;
            int status = (int)response.StatusCode;
            response.Dispose();
            if (location is null || hop >= MaxRedirects)
            {
                throw new SecureContainerException(RegistryDiagnostics.RegistryError.Create(uri.Authority, $"{status}", target.Image,
                    location is null ? " (a redirect without a Location)" : $" (more than {MaxRedirects} redirects)"));
            }

            Uri next = location.IsAbsoluteUri ? location : new Uri(uri, location);
            bool downgrade = uri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp && !(target.Insecure && target.IsOrigin(next));
            if ((next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp) || downgrade)
            {
                throw new SecureContainerException(RegistryDiagnostics.RegistryError.Create(uri.Authority, $"{status}", target.Image,
                    $" (a redirect to {next.Scheme}://{next.Authority}, refused because it leaves HTTPS)"));
            }

            uri = next;
        }
    }

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

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static bool IsTransient(HttpStatusCode status) => (int)status is 429 or 502 or 503 or 504;

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable) || response.Headers.RetryAfter is not RetryConditionHeaderValue retryAfter)
        {
            return null;
        }

        TimeSpan? delay = retryAfter.Delta ?? (retryAfter.Date is DateTimeOffset date ? date - DateTimeOffset.UtcNow : null);
        if (delay is not TimeSpan d)
        {
            return null;
        }

        return d < TimeSpan.Zero ? TimeSpan.Zero : d > _options.MaxRetryDelay ? _options.MaxRetryDelay : d;
    }

    private static string Describe(HttpRequestException ex)
    {
        SocketException? socket = ex.InnerException as SocketException ?? ex.InnerException?.InnerException as SocketException;
        return ex.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "the host name could not be resolved (DNS)",
            HttpRequestError.ConnectionError when socket is not null => $"the connection failed ({socket.SocketErrorCode})",
            HttpRequestError.ConnectionError => "the connection failed",
            HttpRequestError.SecureConnectionError => "the TLS handshake failed (untrusted certificate or not an HTTPS server)",
            HttpRequestError.ProxyTunnelError => "the proxy refused the connection",
            _ when socket is not null => $"the request failed ({socket.SocketErrorCode})",
            _ => $"the request failed ({ex.HttpRequestError})",
        };
    }
}

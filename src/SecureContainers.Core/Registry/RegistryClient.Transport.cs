using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>HTTP plumbing: origins, the insecure-registry HTTP fallback, retries, redirects, timeouts, error mapping.</summary>
public sealed partial class RegistryClient
{
    /// <summary>
    /// Who a request is for. <see cref="Origins"/> are the scheme/host/port pairs that may receive its
    /// Authorization header; anything a redirect points at outside them gets none.
    /// </summary>
    private sealed record RequestTarget(string Registry, string Image, bool Insecure, IReadOnlyList<Uri> Origins)
    {
        public bool IsOrigin(Uri? uri) => uri is not null && Origins.Any(o =>
            o.Scheme == uri.Scheme && o.Port == uri.Port && string.Equals(o.IdnHost, uri.IdnHost, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Docker Hub's API is not served at docker.io itself.</summary>
    internal static string ApiHost(string registry) => registry == ImageReference.DockerHub ? "registry-1.docker.io" : registry;

    private RequestTarget TargetFor(ImageReference image)
    {
        string registry = image.Registry;
        bool insecure = _options.IsInsecureRegistry(registry);
        string apiHost = ApiHost(registry);
        Uri https = new($"https://{apiHost}/");
        if (insecure)
        {
            _insecureHosts[https.IdnHost] = true;
            return new RequestTarget(registry, image.ToString(), true, [https, HttpFallbackOf(https, registry)]);
        }

        return new RequestTarget(registry, image.ToString(), false, [https]);
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

    /// <summary>GET on the registry API for <paramref name="image"/>'s repository, authenticating once on 401.</summary>
    private async Task<HttpResponseMessage> GetAsync(ImageReference image, string path, IReadOnlyList<string>? accept, string what, CancellationToken ct)
    {
        RequestTarget target = TargetFor(image);
        string scope = $"repository:{image.Repository}:pull";
        string cacheKey = image.Registry + "|" + scope;
        bool authenticated = false;
        while (true)
        {
            Uri origin = target.Insecure && _httpFallback.ContainsKey(image.Registry) ? target.Origins[1] : target.Origins[0];
            AuthenticationHeaderValue? authorization = _authorizations.TryGetValue(cacheKey, out CachedAuthorization? cached) && cached.Expires > DateTimeOffset.UtcNow
                ? cached.Header
                : null;

            HttpResponseMessage response = await SendAsync(target, HttpMethod.Get, new Uri(origin, $"/v2/{image.Repository}/{path}"), accept, authorization, null, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && !authenticated && target.IsOrigin(response.RequestMessage?.RequestUri))
            {
                // A cached token may have expired or been revoked: one fresh handshake, then give up.
                authenticated = true;
                AuthChallenge? challenge = AuthChallenge.Select(response.Headers.WwwAuthenticate);
                response.Dispose();
                _authorizations.TryRemove(cacheKey, out _);
                _authorizations[cacheKey] = await AuthenticateAsync(challenge, target, image, scope, ct).ConfigureAwait(false);
                continue;
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            throw await MapFailureAsync(response, target, image, what, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends with retries: GET/HEAD/PUT only (idempotent; POST is not), on 429/502/503/504 (honouring Retry-After) and connection failures, with capped
    /// exponential backoff. An insecure registry that fails the TLS handshake switches to HTTP for good (as the SDK).
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(RequestTarget target, HttpMethod method, Uri uri, IReadOnlyList<string>? accept,
        AuthenticationHeaderValue? authorization, Func<HttpContent>? content, CancellationToken ct)
    {
        bool retriable = method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put;
        for (int attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await SendFollowingRedirectsAsync(target, method, uri, accept, authorization, content, ct).ConfigureAwait(false);
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
                if (retriable && attempt < _options.MaxRetries)
                {
                    await _options.Delay(Backoff(attempt), ct).ConfigureAwait(false);
                    continue;
                }

                throw Unreachable(uri.Authority, target.Image, Describe(ex));
            }
            catch (TimeoutException)
            {
                if (retriable && attempt < _options.MaxRetries)
                {
                    await _options.Delay(Backoff(attempt), ct).ConfigureAwait(false);
                    continue;
                }

                throw Unreachable(uri.Authority, target.Image, $"no answer within {_options.Timeout.TotalSeconds:0} s");
            }

            if (retriable && attempt < _options.MaxRetries && IsTransient(response.StatusCode))
            {
                TimeSpan delay = RetryAfter(response) ?? Backoff(attempt);
                response.Dispose();
                await _options.Delay(delay, ct).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(RequestTarget target, HttpMethod method, Uri uri, IReadOnlyList<string>? accept,
        AuthenticationHeaderValue? authorization, Func<HttpContent>? content, CancellationToken ct)
    {
        for (int hop = 0; ; hop++)
        {
            HttpRequestMessage request = new(method, uri);
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
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
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

    private async Task<SecureContainerException> MapFailureAsync(HttpResponseMessage response, RequestTarget target, ImageReference image, string what, CancellationToken ct)
    {
        using (response)
        {
            string host = response.RequestMessage?.RequestUri?.Authority ?? target.Registry;
            string codes = await ReadErrorCodesAsync(response, ct).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            return response.StatusCode switch
            {
                HttpStatusCode.NotFound => new SecureContainerException(RegistryDiagnostics.ManifestNotFound.Create(
                    target.Image, $"the {what} is missing: {host} answered 404{codes}", $"{image.Registry}/{image.Repository}")),
                HttpStatusCode.Unauthorized => Unauthorized(target, image, $"{host} answered 401{codes} to the {what} request"),
                HttpStatusCode.Forbidden => Unauthorized(target, image, $"{host} denied access with 403{codes}"),
                _ => new SecureContainerException(RegistryDiagnostics.RegistryError.Create(host, $"{status} {response.ReasonPhrase}", target.Image, $" while fetching the {what}{codes}")),
            };
        }
    }

    /// <summary>The distribution error codes (MANIFEST_UNKNOWN, NAME_UNKNOWN, DENIED…) of an error body; never its text.</summary>
    private static async Task<string> ReadErrorCodesAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            if (response.Content.Headers.ContentLength is > 64 * 1024)
            {
                return "";
            }

            byte[] body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (body.Length > 64 * 1024)
            {
                return "";
            }

            using JsonDocument doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Array)
            {
                IEnumerable<string> codes = errors.EnumerateArray()
                    .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out JsonElement c) && c.ValueKind == JsonValueKind.String)
                    .Select(e => e.GetProperty("code").GetString()!)
                    .Where(c => c.Length <= 64 && c.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'));
                string joined = string.Join(", ", codes);
                return joined.Length == 0 ? "" : $" ({joined})";
            }
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException)
        {
            // The status code alone still says what happened.
        }

        return "";
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static bool IsTransient(HttpStatusCode status) => (int)status is 429 or 502 or 503 or 504;

    private TimeSpan Backoff(int attempt)
    {
        double ms = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20));
        return TimeSpan.FromMilliseconds(Math.Min(ms, _options.MaxRetryDelay.TotalMilliseconds));
    }

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

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Sends requests with the Authorization the registry wants: anonymous first; on a 401 from the registry it answers the
/// challenge once, with Basic, or Bearer via the token service the challenge names (GET with Basic credentials, or an
/// OAuth2 refresh-token POST for identity tokens). Tokens are cached per registry and scope, pull and push apart.
/// </summary>
/// <remarks>
/// One instance serves every task of a build, often concurrently. The cache is a concurrent dictionary, and renewals of
/// one scope are serialized: requests that hit the same expired or missing token wait for one handshake and reuse its
/// token, instead of each asking the token service.
/// </remarks>
internal sealed class RegistryAuthenticator(RegistryTransport transport, RegistryClientOptions options)
{
    private const int MaxTokenResponseBytes = 1024 * 1024;

    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, CachedAuthorization> _authorizations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _renewals = new(StringComparer.Ordinal);

    /// <summary>
    /// Sends one request to the repository of <paramref name="image"/> and answers a 401 from the registry once (token
    /// scope <c>pull,push</c> from the push credentials when <paramref name="push"/>). Other statuses are the caller's.
    /// </summary>
    /// <param name="stream">Leave a successful GET's body unread for the caller to stream (see <see cref="RegistryTransport.SendAsync"/>).</param>
    /// <param name="rangeFrom">Ask for the body from this byte on.</param>
    public async Task<HttpResponseMessage> SendAsync(ImageReference image, HttpMethod method, Func<Uri, Uri> uriFor,
        IReadOnlyList<string>? accept, Func<HttpContent>? content, bool push, CancellationToken ct, bool stream = false, long rangeFrom = 0)
    {
        RequestTarget target = transport.TargetFor(image);
        string scope = Scope(image, push);
        string cacheKey = image.Registry + "|" + scope;
        bool renewed = false;
        while (true)
        {
            CachedAuthorization? used = Current(cacheKey);
            HttpResponseMessage response = await transport.SendAsync(target, method, uriFor(transport.OriginFor(target)), accept, used?.Header, content, ct, stream, rangeFrom).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && !renewed && target.IsOrigin(response.RequestMessage?.RequestUri))
            {
                // A cached token may have expired or been revoked: one fresh handshake, then give up.
                renewed = true;
                AuthChallenge? challenge = AuthChallenge.Select(response.Headers.WwwAuthenticate);
                response.Dispose();
                await RenewAsync(cacheKey, used, () => AuthenticateAsync(challenge, target, image, scope, push, ct), ct).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    /// <summary>GET on the registry API for <paramref name="image"/>'s repository with pull access; a failure status is thrown as its SC3xxx error.</summary>
    public async Task<HttpResponseMessage> GetAsync(ImageReference image, string path, IReadOnlyList<string>? accept, string what, CancellationToken ct,
        bool stream = false, long rangeFrom = 0)
    {
        HttpResponseMessage response = await SendAsync(image, HttpMethod.Get, o => RequestTarget.ApiUri(o, image, path), accept, null, false, ct, stream, rangeFrom).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        throw await RegistryFailures.ReadFailedAsync(response, transport.TargetFor(image), image, what, ct).ConfigureAwait(false);
    }

    /// <summary>Whose credentials the last push to <paramref name="image"/>'s repository used, for a message that says why it was denied.</summary>
    public string DescribePushCredentials(ImageReference image) =>
        _authorizations.TryGetValue(image.Registry + "|" + Scope(image, push: true), out CachedAuthorization? used)
            ? $"the credentials from {used.Source ?? "anonymous access"}"
            : "anonymous access";

    // A separate scope is a separate cache entry, so a pull-only token is never offered for a push.
    private static string Scope(ImageReference image, bool push) => $"repository:{image.Repository}:{(push ? "pull,push" : "pull")}";

    private CachedAuthorization? Current(string cacheKey) =>
        _authorizations.TryGetValue(cacheKey, out CachedAuthorization? cached) && cached.Expires > DateTimeOffset.UtcNow ? cached : null;

    private async Task RenewAsync(string cacheKey, CachedAuthorization? used, Func<Task<CachedAuthorization>> authenticate, CancellationToken ct)
    {
        SemaphoreSlim gate = _renewals.GetOrAdd(cacheKey, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Another request renewed while this one waited: its token is as fresh as one more handshake would give.
            if (Current(cacheKey) is CachedAuthorization current && !ReferenceEquals(current, used))
            {
                return;
            }

            // Dropped first, so a refused handshake leaves no stale token behind for the next request.
            _authorizations.TryRemove(cacheKey, out _);
            _authorizations[cacheKey] = await authenticate().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<CachedAuthorization> AuthenticateAsync(AuthChallenge? challenge, RequestTarget target, ImageReference image, string scope, bool push, CancellationToken ct)
    {
        SecureContainerException Unauthorized(string detail) => RegistryFailures.Denied(push, target, image, detail);

        if (challenge is null)
        {
            throw Unauthorized("it answered 401 without a Basic or Bearer challenge");
        }

        ICredentialProvider credentials = push ? options.PushCredentials ?? options.Credentials : options.Credentials;
        RegistryCredential? credential = await credentials.GetAsync(image.Registry, ct).ConfigureAwait(false);
        if (challenge.IsBasic)
        {
            if (credential is null || credential.Password.Length == 0)
            {
                throw Unauthorized("it requires a user name and password, and none were found for it");
            }

            return new CachedAuthorization(BasicHeader(credential), DateTimeOffset.MaxValue, credential.Source);
        }

        string realm = challenge["realm"] ?? throw RegistryFailures.InvalidChallenge(target, "its Bearer challenge names no token service (realm)");
        if (!Uri.TryCreate(realm, UriKind.Absolute, out Uri? realmUri)
            || !(realmUri.Scheme == Uri.UriSchemeHttps || (realmUri.Scheme == Uri.UriSchemeHttp && target.Insecure)))
        {
            throw RegistryFailures.InvalidChallenge(target, $"its token service '{DocumentSource.Truncate(realm)}' is not an https URL");
        }

        List<string> scopes = [scope];
        if (challenge["scope"] is string asked && asked != scope)
        {
            scopes.Add(asked);
        }

        StringBuilder query = new();
        void Add(string key, string value) => query.Append(query.Length == 0 ? "" : "&").Append(key).Append('=').Append(Uri.EscapeDataString(value));
        if (challenge["service"] is string service)
        {
            Add("service", service);
        }

        foreach (string s in scopes)
        {
            Add("scope", s);
        }

        RequestTarget tokenTarget = new(realmUri.Authority, target.Image, false, [new Uri(realmUri.GetLeftPart(UriPartial.Authority))]);
        HttpResponseMessage response;
        if (credential?.IdentityToken is string identityToken)
        {
            // docker login with an identity token (e.g. ACR) only works with the OAuth2 refresh-token grant.
            Dictionary<string, string> form = new()
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = identityToken,
                ["client_id"] = "securecontainers",
                ["scope"] = string.Join(' ', scopes),
            };
            if (challenge["service"] is string formService)
            {
                form["service"] = formService;
            }

            response = await transport.SendAsync(tokenTarget, HttpMethod.Post, realmUri, null, null, () => new FormUrlEncodedContent(form), ct).ConfigureAwait(false);
        }
        else
        {
            UriBuilder tokenUri = new(realmUri) { Query = (realmUri.Query.Length > 1 ? realmUri.Query[1..] + "&" : "") + query };
            response = await transport.SendAsync(tokenTarget, HttpMethod.Get, tokenUri.Uri, null, credential is null ? null : BasicHeader(credential), null, ct).ConfigureAwait(false);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                string who = credential is null ? "anonymous access" : $"the credentials from {credential.Source ?? "the credential provider"}";
                throw Unauthorized($"its token service {realmUri.Authority} refused {who} ({(int)response.StatusCode})");
            }

            byte[] body = await ReadTokenResponseAsync(response, target, Unauthorized, ct).ConfigureAwait(false);
            return ParseToken(body, realmUri, Unauthorized) with { Source = credential?.Source };
        }
    }

    private async Task<byte[]> ReadTokenResponseAsync(HttpResponseMessage response, RequestTarget target, Func<string, SecureContainerException> unauthorized, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength is > MaxTokenResponseBytes)
        {
            throw unauthorized("its token service answered with an oversized response");
        }

        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            byte[] body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            return body.Length > MaxTokenResponseBytes ? throw unauthorized("its token service answered with an oversized response") : body;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw RegistryFailures.Unreachable(response.RequestMessage?.RequestUri?.Authority ?? target.Registry, target.Image, "the token service did not answer in time");
        }
    }

    private static CachedAuthorization ParseToken(byte[] body, Uri realmUri, Func<string, SecureContainerException> unauthorized)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            JsonElement root = doc.RootElement;
            string? token = null;
            foreach (string name in new[] { "token", "access_token" })
            {
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement t) && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } value)
                {
                    token = value;
                    break;
                }
            }

            if (token is null)
            {
                throw unauthorized($"its token service {realmUri.Authority} answered without a token");
            }

            // The spec's default lifetime is 60 s. Measured from now, not issued_at, so clock skew cannot keep a stale token.
            int expiresIn = root.TryGetProperty("expires_in", out JsonElement e) && e.TryGetInt32(out int seconds) && seconds > 0 ? seconds : 60;
            return new CachedAuthorization(new AuthenticationHeaderValue("Bearer", token), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(expiresIn) - ExpiryMargin);
        }
        catch (JsonException)
        {
            throw unauthorized($"its token service {realmUri.Authority} answered with something that is not a token response");
        }
    }

    private static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    /// <summary>A usable Authorization header; <see cref="Source"/> names where its credential came from, for messages.</summary>
    private sealed record CachedAuthorization(AuthenticationHeaderValue Header, DateTimeOffset Expires, string? Source = null);
}

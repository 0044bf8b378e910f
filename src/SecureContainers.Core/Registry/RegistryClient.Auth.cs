using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// The distribution auth handshake: Basic, or Bearer via the token service named in the challenge (GET with Basic
/// credentials, or an OAuth2 refresh-token POST for identity tokens). Tokens are cached per registry and scope.
/// </summary>
public sealed partial class RegistryClient
{
    private const int MaxTokenResponseBytes = 1024 * 1024;

    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(5);

    private async Task<CachedAuthorization> AuthenticateAsync(AuthChallenge? challenge, RequestTarget target, ImageReference image, string scope, CancellationToken ct, bool push = false)
    {
        // Pushing uses its own credentials (the SDK's RegistryMode.Push), and its failures name the push variables.
        SecureContainerException Unauthorized(RequestTarget target, ImageReference image, string detail) => Denied(push, target, image, detail);

        if (challenge is null)
        {
            throw Unauthorized(target, image, "it answered 401 without a Basic or Bearer challenge");
        }

        ICredentialProvider credentials = push ? _options.PushCredentials ?? _options.Credentials : _options.Credentials;
        RegistryCredential? credential = await credentials.GetAsync(image.Registry, ct).ConfigureAwait(false);
        if (challenge.IsBasic)
        {
            if (credential is null || credential.Password.Length == 0)
            {
                throw Unauthorized(target, image, "it requires a user name and password, and none were found for it");
            }

            return new CachedAuthorization(BasicHeader(credential), DateTimeOffset.MaxValue, credential.Source);
        }

        string realm = challenge["realm"] ?? throw InvalidChallenge(target, "its Bearer challenge names no token service (realm)");
        if (!Uri.TryCreate(realm, UriKind.Absolute, out Uri? realmUri)
            || !(realmUri.Scheme == Uri.UriSchemeHttps || (realmUri.Scheme == Uri.UriSchemeHttp && target.Insecure)))
        {
            throw InvalidChallenge(target, $"its token service '{DocumentSource.Truncate(realm)}' is not an https URL");
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

            response = await SendAsync(tokenTarget, HttpMethod.Post, realmUri, null, null, () => new FormUrlEncodedContent(form), ct).ConfigureAwait(false);
        }
        else
        {
            UriBuilder tokenUri = new(realmUri) { Query = (realmUri.Query.Length > 1 ? realmUri.Query[1..] + "&" : "") + query };
            response = await SendAsync(tokenTarget, HttpMethod.Get, tokenUri.Uri, null, credential is null ? null : BasicHeader(credential), null, ct).ConfigureAwait(false);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                string who = credential is null ? "anonymous access" : $"the credentials from {credential.Source ?? "the credential provider"}";
                throw Unauthorized(target, image, $"its token service {realmUri.Authority} refused {who} ({(int)response.StatusCode})");
            }

            byte[] body = await ReadTokenResponseAsync(response, target, image, ct, push).ConfigureAwait(false);
            return ParseToken(body, target, image, realmUri, push) with { Source = credential?.Source };
        }
    }

    private async Task<byte[]> ReadTokenResponseAsync(HttpResponseMessage response, RequestTarget target, ImageReference image, CancellationToken ct, bool push)
    {
        SecureContainerException Unauthorized(RequestTarget target, ImageReference image, string detail) => Denied(push, target, image, detail);

        if (response.Content.Headers.ContentLength is > MaxTokenResponseBytes)
        {
            throw Unauthorized(target, image, "its token service answered with an oversized response");
        }

        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            byte[] body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            return body.Length > MaxTokenResponseBytes ? throw Unauthorized(target, image, "its token service answered with an oversized response") : body;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Unreachable(response.RequestMessage?.RequestUri?.Authority ?? target.Registry, target.Image, "the token service did not answer in time");
        }
    }

    private static CachedAuthorization ParseToken(byte[] body, RequestTarget target, ImageReference image, Uri realmUri, bool push)
    {
        SecureContainerException Unauthorized(RequestTarget target, ImageReference image, string detail) => Denied(push, target, image, detail);

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
                throw Unauthorized(target, image, $"its token service {realmUri.Authority} answered without a token");
            }

            // The spec's default lifetime is 60 s. Measured from now, not issued_at, so clock skew cannot keep a stale token.
            int expiresIn = root.TryGetProperty("expires_in", out JsonElement e) && e.TryGetInt32(out int seconds) && seconds > 0 ? seconds : 60;
            return new CachedAuthorization(new AuthenticationHeaderValue("Bearer", token), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(expiresIn) - ExpiryMargin);
        }
        catch (JsonException)
        {
            throw Unauthorized(target, image, $"its token service {realmUri.Authority} answered with something that is not a token response");
        }
    }

    private static AuthenticationHeaderValue BasicHeader(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    private static SecureContainerException Unauthorized(RequestTarget target, ImageReference image, string detail) =>
        new(RegistryDiagnostics.Unauthorized.Create(target.Registry, image.Repository, target.Image, detail));

    private static SecureContainerException Denied(bool push, RequestTarget target, ImageReference image, string detail) =>
        push ? new(RegistryDiagnostics.PushDenied.Create(target.Registry, image.Repository, detail)) : Unauthorized(target, image, detail);

    private static SecureContainerException InvalidChallenge(RequestTarget target, string detail) =>
        new(RegistryDiagnostics.InvalidAuthChallenge.Create(target.Registry, target.Image, detail));
}

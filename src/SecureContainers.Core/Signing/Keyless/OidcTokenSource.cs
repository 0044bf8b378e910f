using System.Net.Http.Headers;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>Which CI mechanism supplies the identity token.</summary>
public enum OidcTokenKind
{
    /// <summary><c>SIGSTORE_ID_TOKEN</c>: GitLab CI's <c>id_tokens</c>, Azure Pipelines or a token set by hand.</summary>
    EnvironmentVariable,

    /// <summary>GitHub Actions' token endpoint (<c>ACTIONS_ID_TOKEN_REQUEST_URL</c> + <c>_TOKEN</c>).</summary>
    GitHubActions,
}

/// <summary>
/// Finds the OIDC identity token of the CI the build runs in, asking for the audience Fulcio accepts ("sigstore"). An
/// explicit <c>SIGSTORE_ID_TOKEN</c> wins (someone chose that token); otherwise GitHub Actions' endpoint is asked, as
/// cosign's and sigstore-js's CI providers do. The GitHub request token is as secret as the identity token: it is sent
/// only as the bearer of that one request.
/// </summary>
public static class OidcTokenSource
{
    public const string SigstoreIdTokenVariable = "SIGSTORE_ID_TOKEN";
    public const string GitHubRequestUrlVariable = "ACTIONS_ID_TOKEN_REQUEST_URL";
    public const string GitHubRequestTokenVariable = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
    public const string Audience = "sigstore";

    /// <summary>Token endpoint answers are a small JSON object.</summary>
    private const long MaxAnswerBytes = 256 * 1024;

    /// <summary>What the SC6050 message lists as looked for.</summary>
    public static string LookedFor => $"{SigstoreIdTokenVariable} (GitLab CI, Azure Pipelines, any CI), {GitHubRequestUrlVariable} with {GitHubRequestTokenVariable} (GitHub Actions)";

    /// <summary>The source a token would come from, without fetching it; null when there is none (the pre-push check).</summary>
    public static OidcTokenKind? Detect(Func<string, string?> getEnvironmentVariable)
    {
        if (!string.IsNullOrWhiteSpace(getEnvironmentVariable(SigstoreIdTokenVariable)))
        {
            return OidcTokenKind.EnvironmentVariable;
        }

        return !string.IsNullOrWhiteSpace(getEnvironmentVariable(GitHubRequestUrlVariable)) && !string.IsNullOrWhiteSpace(getEnvironmentVariable(GitHubRequestTokenVariable))
            ? OidcTokenKind.GitHubActions
            : null;
    }

    /// <summary>The identity token: SC6050 when no source is set, SC6051 when the endpoint refuses, SC6052 when it is not a JWT.</summary>
    public static async Task<IdentityToken> GetAsync(Func<string, string?> getEnvironmentVariable, HttpClient http, TimeSpan timeout, CancellationToken ct)
    {
        switch (Detect(getEnvironmentVariable))
        {
            case OidcTokenKind.EnvironmentVariable:
                return IdentityToken.Parse(getEnvironmentVariable(SigstoreIdTokenVariable)!, SigstoreIdTokenVariable);
            case OidcTokenKind.GitHubActions:
                return await FromGitHubActionsAsync(getEnvironmentVariable(GitHubRequestUrlVariable)!, getEnvironmentVariable(GitHubRequestTokenVariable)!, http, timeout, ct).ConfigureAwait(false);
            default:
                throw new SecureContainerException(KeylessDiagnostics.NoTokenSource.Create(LookedFor));
        }
    }

    private static async Task<IdentityToken> FromGitHubActionsAsync(string requestUrl, string requestToken, HttpClient http, TimeSpan timeout, CancellationToken ct)
    {
        if (!Uri.TryCreate(requestUrl.Trim(), UriKind.Absolute, out Uri? endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new SecureContainerException(KeylessDiagnostics.TokenRequestFailed.Create(GitHubRequestUrlVariable, "its value is not an absolute http(s) URL"));
        }

        // The runner's URL already carries a query (api-version); the audience is one more parameter, as actions/toolkit adds it.
        string separator = endpoint.Query.Length > 0 ? "&" : "?";
        Uri withAudience = new(endpoint.AbsoluteUri + separator + "audience=" + Uri.EscapeDataString(Audience));
        string host = endpoint.Authority;

        using HttpRequestMessage request = new(HttpMethod.Get, withAudience);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", requestToken.Trim());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        SigstoreAnswer answer = await SigstoreHttp.SendAsync(http, request, "The GitHub Actions OIDC token endpoint", timeout, MaxAnswerBytes, ct).ConfigureAwait(false);
        if (answer.TooLarge)
        {
            throw new SecureContainerException(KeylessDiagnostics.TokenRequestFailed.Create(host, $"the answer was larger than {MaxAnswerBytes} bytes"));
        }

        if (!answer.IsSuccess)
        {
            // The body is not quoted: it is the runner's, and it could echo the request token.
            string why = answer.Status is 401 or 403 ? " (the request token was refused)" : "";
            throw new SecureContainerException(KeylessDiagnostics.TokenRequestFailed.Create(host, $"HTTP {answer.Status}{why}"));
        }

        using JsonDocument? doc = SigningJson.TryParse(answer.Body, out string problem);
        if (doc is null || SigningJson.String(doc.RootElement, "value") is not { Length: > 0 } jwt)
        {
            throw new SecureContainerException(KeylessDiagnostics.TokenRequestFailed.Create(host,
                doc is null ? $"the answer is not JSON ({problem})" : "the answer has no 'value' string"));
        }

        return IdentityToken.Parse(jwt, $"the GitHub Actions token endpoint ({host})");
    }
}

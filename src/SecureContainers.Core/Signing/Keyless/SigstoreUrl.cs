using System.Net;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>
/// The rule for Fulcio and Rekor base URLs: absolute https, or http to a loopback address only (a local test server;
/// anything else in clear text would let the network swap certificates or log entries).
/// </summary>
public static class SigstoreUrl
{
    public static bool TryParse(string? value, out Uri url)
    {
        url = null!;
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out Uri? parsed))
        {
            return false;
        }

        bool secure = parsed.Scheme == Uri.UriSchemeHttps;
        bool loopback = parsed.Scheme == Uri.UriSchemeHttp
            && (parsed.IsLoopback || (IPAddress.TryParse(parsed.Host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip)));
        // Credentials in the URL would end up in logs; a query or fragment cannot be a base the API paths append to.
        if (!(secure || loopback) || parsed.UserInfo.Length > 0 || parsed.Query.Length > 0 || parsed.Fragment.Length > 0)
        {
            return false;
        }

        url = parsed;
        return true;
    }

    /// <summary><paramref name="baseUrl"/> with <paramref name="apiPath"/> appended, keeping any path prefix of the base.</summary>
    public static Uri Combine(Uri baseUrl, string apiPath) => new(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + apiPath);
}

using System.Net;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// The SC3xxx exceptions the registry client throws, built in one place so that every part of the client words the same
/// failure the same way, and the reading of a registry's error body, which never echoes more than one short line.
/// </summary>
internal static class RegistryFailures
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    public static SecureContainerException TooLarge(string what, string image, long size, long max) =>
        new(RegistryDiagnostics.DocumentTooLarge.Create(what, image, size, max));

    public static SecureContainerException Mismatch(string subject, Digest expected, string detail) =>
        new(RegistryDiagnostics.DigestMismatch.Create(subject, expected, detail));

    public static SecureContainerException Unreachable(string host, string image, string detail) =>
        new(RegistryDiagnostics.RegistryUnreachable.Create(host, image, detail));

    public static SecureContainerException Unauthorized(RequestTarget target, ImageReference image, string detail) =>
        new(RegistryDiagnostics.Unauthorized.Create(target.Registry, image.Repository, target.Image, detail));

    /// <summary>Pushing uses its own credentials (the SDK's RegistryMode.Push), and its failures name the push variables.</summary>
    public static SecureContainerException Denied(bool push, RequestTarget target, ImageReference image, string detail) =>
        push ? new(RegistryDiagnostics.PushDenied.Create(target.Registry, image.Repository, detail)) : Unauthorized(target, image, detail);

    public static SecureContainerException InvalidChallenge(RequestTarget target, string detail) =>
        new(RegistryDiagnostics.InvalidAuthChallenge.Create(target.Registry, target.Image, detail));

    /// <summary>Maps a failed read to SC3101 (404), SC3102 (401/403) or SC3103 (any other status), with the registry's error codes.</summary>
    public static async Task<SecureContainerException> ReadFailedAsync(HttpResponseMessage response, RequestTarget target, ImageReference image, string what, CancellationToken ct)
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
                _ => new SecureContainerException(RegistryDiagnostics.RegistryError.Create(host, $"{status} {response.ReasonPhrase}", target.Image,
                    $" while fetching the {what}{codes}{RegistryTransport.AttemptsOf(response)}")),
            };
        }
    }

    /// <summary>
    /// Maps a failed write (or a read made for one refused with 401/403) to SC3112, naming whose credentials were used
    /// (<paramref name="credentials"/>), else SC3113 with the registry's error. Other failures of such reads are SC3118.
    /// </summary>
    public static async Task<SecureContainerException> WriteFailedAsync(HttpResponseMessage response, ImageReference image, string what, string credentials, CancellationToken ct)
    {
        string host = response.RequestMessage?.RequestUri?.Authority ?? image.Registry;
        string said = await ReadRegistryErrorAsync(response, ct).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new SecureContainerException(RegistryDiagnostics.PushDenied.Create(image.Registry, image.Repository,
                $"{host} answered {status}{said} to the {what} request with {credentials}"));
        }

        return new SecureContainerException(RegistryDiagnostics.UploadFailed.Create(what, image.Registry, image.Repository,
            $"{host} answered {status} {response.ReasonPhrase}{said}{RegistryTransport.AttemptsOf(response)}"));
    }

    /// <summary>The distribution error codes (MANIFEST_UNKNOWN, NAME_UNKNOWN, DENIED…) of an error body; never its text.</summary>
    public static async Task<string> ReadErrorCodesAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (await ReadErrorsAsync(response, ct).ConfigureAwait(false) is not { } errors)
        {
            return "";
        }

        using (errors)
        {
            IEnumerable<string> codes = errors.RootElement.GetProperty("errors").EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out JsonElement c) && c.ValueKind == JsonValueKind.String)
                .Select(e => e.GetProperty("code").GetString()!)
                .Where(c => c.Length <= 64 && c.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'));
            string joined = string.Join(", ", codes);
            return joined.Length == 0 ? "" : $" ({joined})";
        }
    }

    /// <summary>Whether the error body names the distribution error <paramref name="code"/>.</summary>
    public static async Task<bool> HasErrorCodeAsync(HttpResponseMessage response, string code, CancellationToken ct)
    {
        using JsonDocument? errors = await ReadErrorsAsync(response, ct).ConfigureAwait(false);
        return errors is not null && errors.RootElement.GetProperty("errors").EnumerateArray()
            .Any(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out JsonElement c) && c.ValueKind == JsonValueKind.String && c.GetString() == code);
    }

    /// <summary>
    /// The first distribution error of an error body as <c> (CODE: message)</c>: what the registry said, which helps the
    /// user, cut to one short line. Requests never carry credentials in their bodies, so none can be echoed here.
    /// </summary>
    public static async Task<string> ReadRegistryErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (await ReadErrorsAsync(response, ct).ConfigureAwait(false) is not { } errors)
        {
            return "";
        }

        using (errors)
        {
            JsonElement list = errors.RootElement.GetProperty("errors");
            if (list.GetArrayLength() == 0 || list[0].ValueKind != JsonValueKind.Object)
            {
                return "";
            }

            JsonElement first = list[0];
            string code = first.TryGetProperty("code", out JsonElement c) && c.ValueKind == JsonValueKind.String ? OneLine(c.GetString()!, 64) : "";
            string message = first.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String ? OneLine(m.GetString()!, 200) : "";
            string joined = code.Length > 0 && message.Length > 0 ? $"{code}: {message}" : code + message;
            return joined.Length == 0 ? "" : $" ({joined})";
        }
    }

    /// <summary>The body as a document with an <c>errors</c> array, or null: a small body is read, a large or broken one ignored.</summary>
    private static async Task<JsonDocument?> ReadErrorsAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            if (response.Content.Headers.ContentLength is > MaxErrorBodyBytes)
            {
                return null;
            }

            byte[] body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (body.Length is 0 or > MaxErrorBodyBytes)
            {
                return null;
            }

            JsonDocument doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Array)
            {
                return doc;
            }

            doc.Dispose();
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException)
        {
            // The status code alone still says what happened.
        }

        return null;
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

using System.Net.Http.Headers;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>An answer from a sigstore service: its status and body, or <see cref="TooLarge"/> when the body passed the cap.</summary>
internal sealed record SigstoreAnswer(int Status, byte[] Body, bool TooLarge)
{
    public bool IsSuccess => Status is >= 200 and < 300 && !TooLarge;

    /// <summary>The body as text for a diagnostic, bounded and without the token.</summary>
    public string Quote(IdentityToken? token) =>
        TooLarge ? "the answer was larger than the limit" : SecretRedaction.Quote(System.Text.Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 4096))), token);
}

/// <summary>
/// One request to Fulcio, Rekor or a token endpoint, with what every read of network input here needs: a timeout over
/// sending and reading together, the caller's cancellation, and a body never buffered past the cap. Failures to connect
/// are SC6057 naming the service and host; the exception text, which can hold the full URL, is not quoted.
/// </summary>
internal static class SigstoreHttp
{
    public static HttpContent Json(byte[] body)
    {
        ByteArrayContent content = new(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    public static async Task<SigstoreAnswer> SendAsync(HttpClient http, HttpRequestMessage request, string service, TimeSpan timeout, long maxBytes, CancellationToken ct)
    {
        string host = request.RequestUri?.Authority ?? "(unknown)";
        using CancellationTokenSource deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (response.Content.Headers.ContentLength is long length && length > maxBytes)
            {
                return new SigstoreAnswer(status, [], TooLarge: true);
            }

            await using Stream stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            using MemoryStream buffer = new();
            byte[] chunk = new byte[16 * 1024];
            int n;
            while ((n = await stream.ReadAsync(chunk, deadline.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > maxBytes)
                {
                    return new SigstoreAnswer(status, [], TooLarge: true);
                }

                buffer.Write(chunk, 0, n);
            }

            return new SigstoreAnswer(status, buffer.ToArray(), TooLarge: false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Unreachable(service, host, $"no complete answer within {timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(service, host, $"the connection failed ({ex.HttpRequestError})");
        }
        catch (IOException)
        {
            throw Unreachable(service, host, "the connection broke while reading the answer");
        }
    }

    private static SecureContainerException Unreachable(string service, string host, string reason) =>
        new(KeylessDiagnostics.ServiceUnreachable.Create(service, host, reason));
}

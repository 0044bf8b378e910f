using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Signing.Keyless;

namespace SecureContainers.Core.Tests.Signing.Keyless;

/// <summary>
/// An in-memory Fulcio, Rekor and GitHub Actions token endpoint behind one <see cref="HttpMessageHandler"/>: by default
/// they answer as the real services do (a certificate for the requested key from a test CA, a Rekor v1 entry with SET
/// and proof shapes), and a test replaces any answer to provoke a failure. Every request is recorded with its body.
/// </summary>
internal sealed class FakeSigstore : HttpMessageHandler, IDisposable
{
    public const string Issuer = "https://token.actions.githubusercontent.com";
    public const string Subject = "https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main";
    public const string RequestToken = "ghs_request-token-secret-0123456789";
    public static readonly Uri Fulcio = new("https://fulcio.test");
    public static readonly Uri Rekor = new("https://rekor.test");
    public const string TokenUrl = "https://token.test/idtoken?api-version=2.0";

    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _logKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public FakeSigstore(string? jwt = null)
    {
        Jwt = jwt ?? MakeJwt(new { iss = Issuer, sub = Subject, aud = "sigstore" });
        CertificateRequest caRequest = new("CN=fake-fulcio", _caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        CaCertificate = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public string Jwt { get; }

    public X509Certificate2 CaCertificate { get; }

    public List<(HttpMethod Method, Uri Uri, string? Authorization, string Body)> Requests { get; } = new();

    /// <summary>Replaces the answer for a path (e.g. "/api/v2/signingCert"); null answers as the real service.</summary>
    public Dictionary<string, Func<string, HttpResponseMessage>> Overrides { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths that never answer (until the request is cancelled), to prove the timeouts.</summary>
    public HashSet<string> Silent { get; } = new(StringComparer.Ordinal);

    public KeylessOptions Options => new() { FulcioUrl = Fulcio, RekorUrl = Rekor, Timeout = TimeSpan.FromSeconds(10) };

    public HttpClient Client() => new(this, disposeHandler: false);

    /// <summary>The environment of a GitHub Actions job with <c>id-token: write</c>.</summary>
    public Func<string, string?> GitHubActionsEnvironment => name => name switch
    {
        "ACTIONS_ID_TOKEN_REQUEST_URL" => TokenUrl,
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN" => RequestToken,
        _ => null,
    };

    public static string MakeJwt(object claims)
    {
        static string Part(object o) => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(o)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Part(new { alg = "ES256", typ = "JWT" })}.{Part(claims)}.c2lnbmF0dXJlLW9mLXRoZS1pc3N1ZXI";
    }

    public static HttpResponseMessage Answer(HttpStatusCode status, string body, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add((request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body));
        }

        string path = request.RequestUri!.AbsolutePath;
        if (Silent.Contains(path))
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (Overrides.TryGetValue(path, out Func<string, HttpResponseMessage>? answer))
        {
            return answer(body);
        }

        return path switch
        {
            "/idtoken" => request.Headers.Authorization?.Parameter == RequestToken
                ? Answer(HttpStatusCode.OK, JsonSerializer.Serialize(new { count = 1, value = Jwt }))
                : Answer(HttpStatusCode.Unauthorized, """{"message":"Bad credentials"}"""),
            "/api/v2/signingCert" => Answer(HttpStatusCode.Created, IssueCertificate(body)),
            "/api/v1/log/entries" => Answer(HttpStatusCode.Created, LogEntry(body)),
            _ => Answer(HttpStatusCode.NotFound, "{}"),
        };
    }

    /// <summary>A Fulcio answer certifying the key in the request, leaf then CA, SCT embedded (as public-good Fulcio answers).</summary>
    public string IssueCertificate(string requestBody)
    {
        using JsonDocument request = JsonDocument.Parse(requestBody);
        string pem = request.RootElement.GetProperty("publicKeyRequest").GetProperty("publicKey").GetProperty("content").GetString()!;
        using ECDsa key = ECDsa.Create();
        key.ImportFromPem(pem);
        return CertificateAnswer(key, "signedCertificateEmbeddedSct");
    }

    public string CertificateAnswer(ECDsa subjectKey, string kind, TimeSpan? lifetime = null)
    {
        CertificateRequest leafRequest = new("CN=sigstore", subjectKey, HashAlgorithmName.SHA256);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 leaf = leafRequest.Create(CaCertificate, now.AddSeconds(-5), now + (lifetime ?? TimeSpan.FromMinutes(10)), [1, 2, 3, 4]);
        string[] chain = [leaf.ExportCertificatePem() + "\n", CaCertificate.ExportCertificatePem() + "\n"];
        object signed = kind == "signedCertificateDetachedSct"
            ? new { chain = new { certificates = chain }, signedCertificateTimestamp = Convert.ToBase64String([0, 1, 2, 3]) }
            : new { chain = new { certificates = chain } };
        return JsonSerializer.Serialize(new Dictionary<string, object> { [kind] = signed });
    }

    /// <summary>A Rekor v1 answer for the proposed entry, shaped as Rekor (and @sigstore/mock) answer.</summary>
    public string LogEntry(string proposedEntry)
    {
        byte[] body = Encoding.UTF8.GetBytes(proposedEntry);
        byte[] logId = SHA256.HashData(_logKey.ExportSubjectPublicKeyInfo());
        byte[] leafHash = SHA256.HashData([0, .. body]);
        var entry = new
        {
            body = Convert.ToBase64String(body),
            integratedTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            logID = Convert.ToHexStringLower(logId),
            logIndex = 4242,
            verification = new
            {
                inclusionProof = new { logIndex = 0, treeSize = 1, rootHash = Convert.ToHexStringLower(leafHash), hashes = Array.Empty<string>(), checkpoint = "rekor.test - 1\n1\nroot\n\n— rekor.test sig\n" },
                signedEntryTimestamp = Convert.ToBase64String(_logKey.SignData(body, HashAlgorithmName.SHA256)),
            },
        };
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["24296fb24b8ad77a" + Convert.ToHexStringLower(leafHash)] = entry });
    }

    public new void Dispose()
    {
        _caKey.Dispose();
        _logKey.Dispose();
        CaCertificate.Dispose();
        base.Dispose();
    }
}

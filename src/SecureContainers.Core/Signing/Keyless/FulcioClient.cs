using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>
/// The certificate Fulcio issued for the ephemeral key: the leaf (what a v0.3 bundle carries) and the chain above it.
/// </summary>
/// <param name="DetachedSct">The SCT when Fulcio returned it beside the certificate instead of embedding it, else null.</param>
public sealed record FulcioCertificate(byte[] Leaf, IReadOnlyList<byte[]> Chain, byte[]? DetachedSct, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    public string LeafPem => PemEncoding.WriteString("CERTIFICATE", Leaf) + "\n";
}

/// <summary>
/// Fulcio's v2 API (<c>POST /api/v2/signingCert</c>, as sigstore-js and cosign call it): the identity token, the public
/// key as PEM, and the proof of possession, a signature by that key over the token's challenge claim
/// (<see cref="IdentityToken.Challenge"/>). The answer's leaf must certify our own key, or nothing is signed.
/// </summary>
public sealed class FulcioClient(HttpClient http, KeylessOptions options)
{
    public const string SigningCertPath = "/api/v2/signingCert";

    /// <summary>A chain is leaf, intermediate, root; more than this is not a Fulcio answer.</summary>
    private const int MaxCertificates = 10;

    public async Task<FulcioCertificate> RequestCertificateAsync(IdentityToken token, EphemeralSigner key, CancellationToken ct)
    {
        Uri url = SigstoreUrl.Combine(options.FulcioUrl, SigningCertPath);
        string host = url.Authority;
        byte[] proof = key.Sign(Encoding.UTF8.GetBytes(token.Challenge));

        using HttpRequestMessage request = new(HttpMethod.Post, url) { Content = SigstoreHttp.Json(RequestBody(token, key.PublicKeyPem, proof)) };
        request.Headers.Accept.ParseAdd("application/json");
        SigstoreAnswer answer = await SigstoreHttp.SendAsync(http, request, "Fulcio", options.Timeout, options.MaxResponseBytes, ct).ConfigureAwait(false);
        if (!answer.IsSuccess)
        {
            throw answer.TooLarge
                ? Malformed(host, $"the answer is larger than {options.MaxResponseBytes} bytes")
                : new SecureContainerException(KeylessDiagnostics.FulcioRefused.Create(host, answer.Status, ServiceMessage(answer, token)));
        }

        FulcioCertificate certificate = ParseAnswer(answer.Body, host);
        using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(certificate.Leaf);
        byte[] certified = leaf.PublicKey.ExportSubjectPublicKeyInfo();
        if (!CryptographicOperations.FixedTimeEquals(certified, key.PublicKeyDer))
        {
            throw new SecureContainerException(KeylessDiagnostics.CertificateKeyMismatch.Create(host,
                "sha256:" + Convert.ToHexStringLower(SHA256.HashData(certified)), key.PublicKey.Fingerprint));
        }

        return certificate;
    }

    /// <summary>The request body, fields in sigstore-js's order.</summary>
    internal static byte[] RequestBody(IdentityToken token, string publicKeyPem, byte[] proofOfPossession) => SigningJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("credentials");
        w.WriteString("oidcIdentityToken", token.Value);
        w.WriteEndObject();
        w.WriteStartObject("publicKeyRequest");
        w.WriteStartObject("publicKey");
        w.WriteString("algorithm", "ECDSA");
        w.WriteString("content", publicKeyPem);
        w.WriteEndObject();
        w.WriteBase64String("proofOfPossession", proofOfPossession);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>
    /// Reads <c>signedCertificateEmbeddedSct</c> (the SCT inside the leaf, what public-good Fulcio returns) or
    /// <c>signedCertificateDetachedSct</c> (chain plus a separate SCT): each a chain of PEM certificates, leaf first.
    /// </summary>
    internal static FulcioCertificate ParseAnswer(ReadOnlyMemory<byte> json, string host)
    {
        using JsonDocument? doc = SigningJson.TryParse(json, out string problem);
        if (doc is null)
        {
            throw Malformed(host, problem);
        }

        JsonElement root = doc.RootElement;
        JsonElement signed;
        byte[]? detachedSct = null;
        if (SigningJson.Object(root, "signedCertificateEmbeddedSct") is JsonElement embedded)
        {
            signed = embedded;
        }
        else if (SigningJson.Object(root, "signedCertificateDetachedSct") is JsonElement detached)
        {
            signed = detached;
            if (SigningJson.String(detached, "signedCertificateTimestamp") is string sct)
            {
                detachedSct = Base64(sct) ?? throw Malformed(host, "'signedCertificateTimestamp' is not base64");
            }
        }
        else
        {
            throw Malformed(host, "it has neither 'signedCertificateEmbeddedSct' nor 'signedCertificateDetachedSct'");
        }

        if (SigningJson.Object(signed, "chain") is not JsonElement chain
            || !chain.TryGetProperty("certificates", out JsonElement list) || list.ValueKind != JsonValueKind.Array
            || list.GetArrayLength() is 0 or > MaxCertificates)
        {
            throw Malformed(host, $"'chain.certificates' is not a list of 1 to {MaxCertificates} certificates");
        }

        List<byte[]> ders = new();
        foreach (JsonElement pem in list.EnumerateArray())
        {
            ders.Add(pem.ValueKind == JsonValueKind.String ? CertificateDer(pem.GetString()!, host, ders.Count) : throw Malformed(host, $"certificate {ders.Count} is not a PEM string"));
        }

        try
        {
            using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(ders[0]);
            return new FulcioCertificate(ders[0], ders.Skip(1).ToArray(), detachedSct, leaf.NotBefore.ToUniversalTime(), leaf.NotAfter.ToUniversalTime());
        }
        catch (CryptographicException)
        {
            throw Malformed(host, "the leaf certificate is not a valid X.509 certificate");
        }
    }

    private static byte[] CertificateDer(string pem, string host, int index)
    {
        if (!PemEncoding.TryFind(pem, out PemFields fields) || pem[fields.Label] != "CERTIFICATE")
        {
            throw Malformed(host, $"certificate {index} is not a 'CERTIFICATE' PEM block");
        }

        return Base64(pem[fields.Base64Data].ToString()) ?? throw Malformed(host, $"certificate {index} is not base64");
    }

    internal static byte[]? Base64(string text)
    {
        byte[] buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out int written) ? buffer[..written] : null;
    }

    // Fulcio answers errors as {"code":…,"message":…}; other bodies (a proxy's page) are quoted as text.
    private static string ServiceMessage(SigstoreAnswer answer, IdentityToken token)
    {
        using JsonDocument? doc = SigningJson.TryParse(answer.Body, out _);
        return doc is not null && SigningJson.String(doc.RootElement, "message") is string message
            ? SecretRedaction.Quote(message, token)
            : answer.Quote(token);
    }

    private static SecureContainerException Malformed(string host, string detail) => new(KeylessDiagnostics.FulcioAnswerMalformed.Create(host, detail));
}

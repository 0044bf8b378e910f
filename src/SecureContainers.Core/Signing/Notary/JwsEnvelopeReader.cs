using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>
/// Decodes a Notary JWS envelope (signature-envelope-jws.md): JWS JSON serialization, flattened, with the same header
/// profile as COSE but JSON names and RFC 3339 times; x5c and the timestamp token are standard base64.
/// </summary>
internal static class JwsEnvelopeReader
{
    private static readonly HashSet<string> UnderstoodCritical =
        [CoseEnvelopeReader.SigningSchemeLabel, CoseEnvelopeReader.AuthenticSigningTimeLabel, CoseEnvelopeReader.ExpiryLabel];

    public static NotaryEnvelope? Read(byte[] envelope, int maxChainLength, out Diagnostic? reason)
    {
        reason = null;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(envelope, new JsonDocumentOptions { MaxDepth = 8 });
            return Read(doc.RootElement, maxChainLength, out reason);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            reason = NotaryDiagnostics.EnvelopeMalformed.Create($"the JWS envelope cannot be read ({e.Message})");
            return null;
        }
    }

    private static NotaryEnvelope? Read(JsonElement root, int maxChainLength, out Diagnostic? reason)
    {
        reason = null;
        string protectedText = root.GetProperty("protected").GetString()!;
        string payloadText = root.GetProperty("payload").GetString()!;
        byte[] signature = Base64Url(root.GetProperty("signature").GetString()!);
        JsonElement unprotected = root.GetProperty("header");

        using JsonDocument headerDoc = JsonDocument.Parse(Base64Url(protectedText), new JsonDocumentOptions { MaxDepth = 4 });
        JsonElement header = headerDoc.RootElement;

        List<string> critical = header.TryGetProperty("crit", out JsonElement crit)
            ? crit.EnumerateArray().Take(65).Select(c => c.GetString()!).ToList()
            : [];
        if (critical.FirstOrDefault(c => !UnderstoodCritical.Contains(c)) is { } unknown)
        {
            reason = NotaryDiagnostics.CriticalHeaderUnknown.Create(unknown);
            return null;
        }

        if (!critical.Contains(CoseEnvelopeReader.SigningSchemeLabel))
        {
            reason = NotaryDiagnostics.HeaderInvalid.Create("crit", $"it does not list {CoseEnvelopeReader.SigningSchemeLabel}");
            return null;
        }

        string alg = header.GetProperty("alg").GetString()!;
        string? contentType = header.TryGetProperty("cty", out JsonElement cty) ? cty.GetString() : null;
        if (contentType != NotaryEnvelope.PayloadContentType)
        {
            reason = NotaryDiagnostics.HeaderInvalid.Create("cty", $"it is '{contentType ?? "(missing)"}', not {NotaryEnvelope.PayloadContentType}");
            return null;
        }

        string? scheme = header.TryGetProperty(CoseEnvelopeReader.SigningSchemeLabel, out JsonElement s) ? s.GetString() : null;
        if (scheme is not (NotaryEnvelope.SchemeX509 or NotaryEnvelope.SchemeSigningAuthority))
        {
            reason = NotaryDiagnostics.HeaderInvalid.Create(CoseEnvelopeReader.SigningSchemeLabel, $"it is '{scheme ?? "(missing)"}', not notary.x509 or notary.x509.signingAuthority");
            return null;
        }

        DateTimeOffset? signingTime = Time(header, CoseEnvelopeReader.SigningTimeLabel);
        DateTimeOffset? authenticTime = Time(header, CoseEnvelopeReader.AuthenticSigningTimeLabel);
        DateTimeOffset? expiry = Time(header, CoseEnvelopeReader.ExpiryLabel);
        if ((scheme == NotaryEnvelope.SchemeX509 && signingTime is null)
            || (scheme == NotaryEnvelope.SchemeSigningAuthority && (authenticTime is null || !critical.Contains(CoseEnvelopeReader.AuthenticSigningTimeLabel)))
            || (expiry is not null && !critical.Contains(CoseEnvelopeReader.ExpiryLabel)))
        {
            reason = NotaryDiagnostics.HeaderInvalid.Create("signing time or expiry", $"the times required by {scheme} are missing, or a time present is not marked critical");
            return null;
        }

        if (!unprotected.TryGetProperty("x5c", out JsonElement x5c) || x5c.ValueKind != JsonValueKind.Array || x5c.GetArrayLength() == 0)
        {
            reason = NotaryDiagnostics.CertificateChainInvalid.Create("is missing or empty");
            return null;
        }

        if (x5c.GetArrayLength() > maxChainLength)
        {
            reason = NotaryDiagnostics.ChainTooLong.Create(x5c.GetArrayLength(), maxChainLength);
            return null;
        }

        var chain = new List<X509Certificate2>();
        foreach (JsonElement c in x5c.EnumerateArray())
        {
            try
            {
                X509Certificate2 cert = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(c.GetString()!));
                _ = (cert.NotBefore, cert.NotAfter, cert.Subject, cert.Extensions.Count, cert.PublicKey.Oid.Value);
                chain.Add(cert);
            }
            catch (CryptographicException e)
            {
                reason = NotaryDiagnostics.CertificateChainInvalid.Create($"holds a certificate that cannot be read ({e.Message})");
                return null;
            }
        }

        byte[]? token = unprotected.TryGetProperty(CoseEnvelopeReader.TimestampLabel, out JsonElement ts) ? Convert.FromBase64String(ts.GetString()!) : null;

        // JWS signs the ASCII of the two base64url fields as transmitted, not their decoded bytes.
        byte[] signingInput = Encoding.ASCII.GetBytes(protectedText + "." + payloadText);
        return new NotaryEnvelope(alg, signature, key => VerifySignature(key, alg, signingInput, signature), scheme, signingTime,
            authenticTime, expiry, chain, token, Base64Url(payloadText));
    }

    private static bool VerifySignature(AsymmetricAlgorithm key, string alg, byte[] input, byte[] signature)
    {
        HashAlgorithmName hash = alg[2..] switch
        {
            "256" => HashAlgorithmName.SHA256,
            "384" => HashAlgorithmName.SHA384,
            "512" => HashAlgorithmName.SHA512,
            _ => throw new CryptographicException($"unsupported alg {alg}"),
        };
        return key switch
        {
            RSA rsa when alg.StartsWith("PS", StringComparison.Ordinal) => rsa.VerifyData(input, signature, hash, RSASignaturePadding.Pss),
            ECDsa ec when alg.StartsWith("ES", StringComparison.Ordinal) => ec.VerifyData(input, signature, hash),
            _ => false,
        };
    }

    private static DateTimeOffset? Time(JsonElement header, string name) =>
        header.TryGetProperty(name, out JsonElement v)
            ? DateTimeOffset.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : null;

    private static byte[] Base64Url(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - text.Length % 4) % 4));
}

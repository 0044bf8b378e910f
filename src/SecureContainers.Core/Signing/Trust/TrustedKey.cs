using System.Security.Cryptography;

namespace SecureContainers.Core.Signing.Trust;

/// <summary>
/// A public key of the trusted root (a transparency log's or a CT log's), named by its log ID: the SHA-256 of its
/// DER SubjectPublicKeyInfo, which is what a log entry's <c>logId</c> and a checkpoint's key hint refer to.
/// </summary>
/// <param name="KeyDetails">The protobuf-specs <c>PublicKeyDetails</c> name, e.g. <c>PKIX_ECDSA_P256_SHA_256</c>.</param>
public sealed record TrustedKey(byte[] SubjectPublicKeyInfo, string KeyDetails, TimeRange ValidFor)
{
    /// <summary>
    /// True when <paramref name="signature"/> is this key's signature over <paramref name="data"/>. ECDSA (P-256 with
    /// SHA-256, P-384 with SHA-384, P-521 with SHA-512) and RSA PKCS#1 v1.5 with SHA-256 are checked; Ed25519 logs
    /// (Rekor v2) are not, since .NET has no Ed25519, so their signatures never verify here.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.IsEmpty)
        {
            return false;
        }

        try
        {
            if (KeyDetails.Contains("ECDSA", StringComparison.Ordinal))
            {
                using ECDsa ec = ECDsa.Create();
                ec.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo, out _);
                HashAlgorithmName hash = ec.KeySize switch
                {
                    384 => HashAlgorithmName.SHA384,
                    521 => HashAlgorithmName.SHA512,
                    _ => HashAlgorithmName.SHA256,
                };
                return ec.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
            }

            if (KeyDetails.Contains("RSA", StringComparison.Ordinal) && KeyDetails.Contains("PKCS1", StringComparison.Ordinal))
            {
                using RSA rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo, out _);
                return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }

            return false;
        }
        catch (CryptographicException)
        {
            // A key that does not import or a malformed signature: not a valid signature, never an error.
            return false;
        }
    }

    /// <summary>Whether <see cref="Verify"/> can check this key's signatures at all (for messages that say why not).</summary>
    public bool IsSupported => KeyDetails.Contains("ECDSA", StringComparison.Ordinal)
        || (KeyDetails.Contains("RSA", StringComparison.Ordinal) && KeyDetails.Contains("PKCS1", StringComparison.Ordinal));
}

/// <summary>A transparency log (Rekor) or certificate-transparency log of the trusted root.</summary>
/// <param name="LogId">The log's <c>logId.keyId</c>: SHA-256 of its public key's SubjectPublicKeyInfo.</param>
public sealed record TransparencyLogInstance(string BaseUrl, string HashAlgorithm, TrustedKey Key, byte[] LogId);

/// <summary>A Fulcio certificate authority (or a timestamp authority): its chain, leaf-most first, root last.</summary>
public sealed record CertificateAuthority(string Uri, IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> Chain, TimeRange ValidFor);

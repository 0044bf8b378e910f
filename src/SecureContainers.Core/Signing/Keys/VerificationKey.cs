using System.Security.Cryptography;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Keys;

/// <summary>
/// An ECDSA P-256 or P-384 public key that checks DER signatures. Signatures are accepted over SHA-256 (what cosign's
/// <c>verify --key</c> assumes by default and what we sign with) and, for P-384 keys, over SHA-384 too (what recent cosign
/// versions sign with when given a P-384 key).
/// </summary>
public sealed class VerificationKey : IDisposable
{
    private readonly ECDsa _key;

    private VerificationKey(ECDsa key, EcCurve curve)
    {
        _key = key;
        Curve = curve;
        byte[] spki = key.ExportSubjectPublicKeyInfo();
        Fingerprint = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(spki));
    }

    public EcCurve Curve { get; }

    /// <summary><c>sha256:</c> + hex of the SubjectPublicKeyInfo DER: a stable name for the key in reports.</summary>
    public string Fingerprint { get; }

    /// <summary>Reads a <c>PUBLIC KEY</c> (SubjectPublicKeyInfo) PEM file. SC6001/SC6002/SC6003.</summary>
    public static VerificationKey Load(string path)
    {
        KeyFiles.EnsureFile(path);

        return FromPem(KeyFiles.ReadBoundedText(path), path);
    }

    /// <summary>Reads PEM text; <paramref name="source"/> names it in errors.</summary>
    public static VerificationKey FromPem(string pem, string source)
    {
        foreach (PemBlock block in PemBlock.All(pem, source))
        {
            if (block.Label == "PUBLIC KEY")
            {
                return FromSubjectPublicKeyInfo(block.Data, source);
            }

            if (block.Label is "CERTIFICATE")
            {
                throw new SecureContainerException(SigningDiagnostics.KeyFormatUnsupported.Create(source, "certificate",
                    "Pass the public key instead: `openssl x509 -in cert.pem -pubkey -noout > key.pub`."));
            }
        }

        throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(source, "it holds no 'PUBLIC KEY' PEM block"));
    }

    internal static VerificationKey FromSubjectPublicKeyInfo(byte[] spki, string source)
    {
        EcCurve curve = KeyAlgorithms.CurveOfSubjectPublicKeyInfo(spki, source);
        ECDsa key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(spki, out _);
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(source, "the public key is not a valid point on its curve"));
        }

        return new VerificationKey(key, curve);
    }

    internal static VerificationKey FromPrivate(ECDsa privateKey, EcCurve curve)
    {
        ECDsa key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(privateKey.ExportSubjectPublicKeyInfo(), out _);
        return new VerificationKey(key, curve);
    }

    /// <summary>True when <paramref name="derSignature"/> is a valid signature of <paramref name="data"/> by this key.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> derSignature)
    {
        if (derSignature.IsEmpty)
        {
            return false;
        }

        try
        {
            if (_key.VerifyData(data, derSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            {
                return true;
            }

            return Curve == EcCurve.P384
                && _key.VerifyData(data, derSignature, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            // A malformed DER sequence is an invalid signature, not an error.
            return false;
        }
    }

    /// <summary>
    /// True when <paramref name="derSignature"/> signs the precomputed <paramref name="hash"/>: a Sigstore bundle's
    /// message signature carries the digest of the signed bytes, not the bytes.
    /// </summary>
    public bool VerifyHash(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> derSignature)
    {
        if (derSignature.IsEmpty || hash.IsEmpty)
        {
            return false;
        }

        try
        {
            return _key.VerifyHash(hash, derSignature, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The DER SubjectPublicKeyInfo, to compare with the key a transparency-log entry recorded.</summary>
    public byte[] SubjectPublicKeyInfo => _key.ExportSubjectPublicKeyInfo();

    /// <summary>The key as <c>PUBLIC KEY</c> PEM.</summary>
    public string ToPem() => _key.ExportSubjectPublicKeyInfoPem();

    public override string ToString() => $"{Curve} public key {Fingerprint}";

    public void Dispose() => _key.Dispose();
}

/// <summary>The curves accepted for signing and verification.</summary>
public enum EcCurve
{
    P256,
    P384,
}

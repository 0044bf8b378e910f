using System.Security.Cryptography;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Keys;

/// <summary>
/// Signs with an ECDSA P-256 or P-384 private key from a PEM file: DER signatures over SHA-256 for both curves, which
/// is what cosign's <c>verify --key</c> checks by default (<c>--signature-digest-algorithm sha256</c>) and what the
/// cosign signature spec asks for (the registry's digest algorithm).
/// </summary>
public sealed class EcdsaFileSigner : ISigner, IDisposable
{
    private readonly ECDsa _key;

    private EcdsaFileSigner(ECDsa key, EcCurve curve, string path)
    {
        _key = key;
        Curve = curve;
        KeyPath = path;
        PublicKey = VerificationKey.FromPrivate(key, curve);
    }

    public EcCurve Curve { get; }

    public string KeyPath { get; }

    public string KeyId => "";

    public string Algorithm => Curve == EcCurve.P256 ? "ecdsa-p256-sha256" : "ecdsa-p384-sha256";

    public VerificationKey PublicKey { get; }

    /// <summary>
    /// Loads a private key: PKCS#8 <c>PRIVATE KEY</c>, encrypted PKCS#8 <c>ENCRYPTED PRIVATE KEY</c> (PBES2, or any
    /// scheme .NET can decrypt) or SEC1 <c>EC PRIVATE KEY</c>, on P-256 or P-384. The password is used only for an
    /// encrypted key. Errors: SC6001 missing, SC6002 malformed, SC6003 key type, SC6004 wrong password, SC6005 no
    /// password, SC6006 format (cosign's own, OpenSSH, legacy OpenSSL encryption).
    /// </summary>
    public static EcdsaFileSigner Load(string path, KeyPassword password)
    {
        KeyFiles.EnsureFile(path);

        string text = KeyFiles.ReadBoundedText(path);
        foreach (PemBlock block in PemBlock.All(text, path))
        {
            switch (block.Label)
            {
                case "PRIVATE KEY":
                    return FromPkcs8(block.Data, path);
                case "ENCRYPTED PRIVATE KEY":
                    return FromEncryptedPkcs8(block.Data, path, password);
                case "EC PRIVATE KEY":
                    return FromSec1(block.Data, path);
                case "ENCRYPTED SIGSTORE PRIVATE KEY" or "ENCRYPTED COSIGN PRIVATE KEY":
                    throw new SecureContainerException(SigningDiagnostics.KeyFormatUnsupported.Create(path, "cosign key (scrypt + secretbox encrypted)",
                        "Generate a key pair with `securecontainers keygen`, or create an ECDSA key with OpenSSL and use it for both tools: `cosign sign --key` accepts PKCS#8 PEM keys too."));
                case "OPENSSH PRIVATE KEY":
                    throw new SecureContainerException(SigningDiagnostics.KeyFormatUnsupported.Create(path, "OpenSSH private key",
                        "Generate a key pair with `securecontainers keygen`."));
                case "RSA PRIVATE KEY":
                    throw KeyAlgorithms.Unsupported(path, "an RSA key");
                case "DSA PRIVATE KEY":
                    throw KeyAlgorithms.Unsupported(path, "a DSA key");
                case "PUBLIC KEY":
                    throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(path, "it holds a public key; signing needs the private key (the .key file, not the .pub)"));
            }
        }

        throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(path, "it holds no private key PEM block"));
    }

    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public override string ToString() => $"{Algorithm} signer ({KeyPath}, public key {PublicKey.Fingerprint})";

    public void Dispose()
    {
        _key.Dispose();
        PublicKey.Dispose();
    }

    private static EcdsaFileSigner FromPkcs8(byte[] pkcs8, string path)
    {
        try
        {
            EcCurve curve = KeyAlgorithms.CurveOfPkcs8(pkcs8, path,
                () => new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(path, "the 'PRIVATE KEY' block is not valid PKCS#8")));
            return Import(path, curve, k => k.ImportPkcs8PrivateKey(pkcs8, out _));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static EcdsaFileSigner FromSec1(byte[] sec1, string path)
    {
        try
        {
            EcCurve curve = KeyAlgorithms.CurveOfSec1(sec1, path);
            return Import(path, curve, k => k.ImportECPrivateKey(sec1, out _));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sec1);
        }
    }

    private static EcdsaFileSigner FromEncryptedPkcs8(byte[] encrypted, string path, KeyPassword password)
    {
        if (password.IsEmpty)
        {
            throw new SecureContainerException(SigningDiagnostics.KeyPasswordMissing.Create(path, password.VariableName));
        }

        switch (Pbes2.TryDecrypt(encrypted, password.Chars, out byte[] pkcs8, out string detail))
        {
            case Pbes2.Outcome.Decrypted:
                return FromPkcs8(pkcs8, path);
            case Pbes2.Outcome.WrongPassword:
                throw new SecureContainerException(SigningDiagnostics.KeyPasswordWrong.Create(path, password.VariableName, detail));
            case Pbes2.Outcome.Malformed:
                throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(path, detail));
        }

        // Older schemes (PBES1, PKCS#12 PBE) are left to .NET; it cannot tell a wrong password from a non-EC key.
        ECDsa key = ECDsa.Create();
        try
        {
            key.ImportEncryptedPkcs8PrivateKey(password.Chars, encrypted, out _);
            EcCurve curve = key.KeySize switch
            {
                256 => EcCurve.P256,
                384 => EcCurve.P384,
                _ => throw KeyAlgorithms.Unsupported(path, $"an ECDSA key of {key.KeySize} bits"),
            };
            return new EcdsaFileSigner(key, curve, path);
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new SecureContainerException(SigningDiagnostics.KeyPasswordWrong.Create(path, password.VariableName,
                $"it uses {detail}, and decryption failed (wrong password, or not an ECDSA key)"));
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static EcdsaFileSigner Import(string path, EcCurve curve, Action<ECDsa> import)
    {
        ECDsa key = ECDsa.Create();
        try
        {
            import(key);
            return new EcdsaFileSigner(key, curve, path);
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(path, "the private key is not a valid key on its curve"));
        }
    }
}

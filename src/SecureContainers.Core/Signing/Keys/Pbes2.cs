using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;

namespace SecureContainers.Core.Signing.Keys;

/// <summary>
/// Decrypts an EncryptedPrivateKeyInfo protected with PBES2 (PBKDF2 + AES-CBC, RFC 8018), the scheme OpenSSL and .NET
/// write by default. Decrypting it here, rather than through <c>ECDsa.ImportEncryptedPkcs8PrivateKey</c>, yields the plain
/// PKCS#8 so that a wrong password and an unsupported key type can be told apart.
/// </summary>
internal static class Pbes2
{
    private const string Pbes2Oid = "1.2.840.113549.1.5.13";
    private const string Pbkdf2Oid = "1.2.840.113549.1.5.12";

    // A hostile key file could ask for billions of iterations; this is ~10x what anyone configures.
    private const int MaxIterations = 10_000_000;

    public enum Outcome
    {
        Decrypted,
        WrongPassword,
        UnsupportedScheme,
        Malformed,
    }

    public static Outcome TryDecrypt(byte[] encryptedPrivateKeyInfo, ReadOnlySpan<char> password, out byte[] pkcs8, out string detail)
    {
        pkcs8 = [];
        detail = "";
        byte[] salt;
        int iterations;
        HashAlgorithmName prf;
        int keyLength;
        byte[] iv;
        byte[] cipherText;
        try
        {
            AsnReader outer = new AsnReader(encryptedPrivateKeyInfo, AsnEncodingRules.DER).ReadSequence();
            AsnReader algorithm = outer.ReadSequence();
            string scheme = algorithm.ReadObjectIdentifier();
            if (scheme != Pbes2Oid)
            {
                detail = $"encryption scheme {scheme} (not PBES2)";
                return Outcome.UnsupportedScheme;
            }

            AsnReader parameters = algorithm.ReadSequence();
            AsnReader kdf = parameters.ReadSequence();
            string kdfOid = kdf.ReadObjectIdentifier();
            if (kdfOid != Pbkdf2Oid)
            {
                detail = $"key derivation {kdfOid} (not PBKDF2)";
                return Outcome.UnsupportedScheme;
            }

            AsnReader kdfParams = kdf.ReadSequence();
            salt = kdfParams.ReadOctetString();
            if (!kdfParams.TryReadInt32(out iterations) || iterations < 1 || iterations > MaxIterations)
            {
                detail = $"a PBKDF2 iteration count outside 1..{MaxIterations}";
                return Outcome.UnsupportedScheme;
            }

            int? declaredKeyLength = null;
            if (kdfParams.HasData && kdfParams.PeekTag() == Asn1Tag.Integer)
            {
                declaredKeyLength = kdfParams.TryReadInt32(out int l) ? l : -1;
            }

            prf = HashAlgorithmName.SHA1;
            if (kdfParams.HasData)
            {
                AsnReader prfAlgorithm = kdfParams.ReadSequence();
                string prfOid = prfAlgorithm.ReadObjectIdentifier();
                prf = prfOid switch
                {
                    "1.2.840.113549.2.7" => HashAlgorithmName.SHA1,
                    "1.2.840.113549.2.9" => HashAlgorithmName.SHA256,
                    "1.2.840.113549.2.10" => HashAlgorithmName.SHA384,
                    "1.2.840.113549.2.11" => HashAlgorithmName.SHA512,
                    _ => default,
                };
                if (prf == default)
                {
                    detail = $"PBKDF2 pseudo-random function {prfOid}";
                    return Outcome.UnsupportedScheme;
                }
            }

            AsnReader cipher = parameters.ReadSequence();
            string cipherOid = cipher.ReadObjectIdentifier();
            keyLength = cipherOid switch
            {
                "2.16.840.1.101.3.4.1.2" => 16,
                "2.16.840.1.101.3.4.1.22" => 24,
                "2.16.840.1.101.3.4.1.42" => 32,
                _ => 0,
            };
            if (keyLength == 0 || (declaredKeyLength is int declared && declared != keyLength))
            {
                detail = $"cipher {cipherOid} (only AES-CBC is supported)";
                return Outcome.UnsupportedScheme;
            }

            iv = cipher.ReadOctetString();
            cipherText = outer.ReadOctetString();
            if (iv.Length != 16 || cipherText.Length == 0 || cipherText.Length % 16 != 0)
            {
                detail = "the AES-CBC parameters or data have invalid lengths";
                return Outcome.Malformed;
            }
        }
        catch (AsnContentException)
        {
            detail = "the 'ENCRYPTED PRIVATE KEY' block is not a valid EncryptedPrivateKeyInfo";
            return Outcome.Malformed;
        }

        byte[] passwordBytes = new byte[Encoding.UTF8.GetMaxByteCount(password.Length)];
        byte[] key = [];
        try
        {
            int passwordLength = Encoding.UTF8.GetBytes(password, passwordBytes);
            key = Pbkdf2Memo.Derive(passwordBytes.AsSpan(0, passwordLength), salt, iterations, prf, keyLength);
            using Aes aes = Aes.Create();
            aes.Key = key;
            byte[] plain = aes.DecryptCbc(cipherText, iv, PaddingMode.PKCS7);
            if (!LooksLikePkcs8(plain))
            {
                CryptographicOperations.ZeroMemory(plain);
                detail = "the decrypted data is not a private key";
                return Outcome.WrongPassword;
            }

            pkcs8 = plain;
            return Outcome.Decrypted;
        }
        catch (CryptographicException)
        {
            // Bad PKCS#7 padding after decryption: the overwhelmingly likely cause is the wrong key, i.e. password.
            detail = "decryption failed";
            return Outcome.WrongPassword;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static bool LooksLikePkcs8(byte[] plain)
    {
        try
        {
            AsnReader reader = new(plain, AsnEncodingRules.DER);
            AsnReader info = reader.ReadSequence();
            info.ReadInteger();
            info.ReadSequence();
            info.ReadOctetString();
            return !reader.HasData;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Keys;

/// <summary>The files <see cref="KeyGenerator.Generate"/> wrote.</summary>
public sealed record GeneratedKeyPair(string PrivateKeyPath, string PublicKeyPath, string Fingerprint);

/// <summary>
/// Creates an ECDSA P-256 key pair: <c>securecontainers.key</c> (encrypted PKCS#8 PEM: PBES2 with PBKDF2-HMAC-SHA256,
/// <see cref="Iterations"/> iterations, AES-256-CBC) and <c>securecontainers.pub</c> (SubjectPublicKeyInfo PEM). Both
/// are readable by OpenSSL and accepted by <c>cosign sign --key</c> / <c>cosign verify --key</c>.
/// </summary>
public static class KeyGenerator
{
    public const string PrivateKeyFileName = "securecontainers.key";
    public const string PublicKeyFileName = "securecontainers.pub";

    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256: makes guessing a weak password expensive.</summary>
    public const int Iterations = 600_000;

    /// <summary>
    /// Writes the pair into <paramref name="outputDirectory"/> (created if missing). The private key file is created
    /// with mode 0600 in the same call that creates it (never widened then narrowed) and neither file may exist yet.
    /// Errors: SC6007 a file exists, SC6008 empty password, SC6009 write failure.
    /// </summary>
    public static GeneratedKeyPair Generate(string outputDirectory, KeyPassword password) =>
        Generate(outputDirectory, password.Chars, password.VariableName);

    public static GeneratedKeyPair Generate(string outputDirectory, ReadOnlySpan<char> password, string passwordVariable = KeyPasswordSource.DefaultVariable)
    {
        if (password.IsEmpty)
        {
            throw new SecureContainerException(SigningDiagnostics.KeyGenerationPasswordMissing.Create(passwordVariable));
        }

        string directory = Path.GetFullPath(outputDirectory);
        string privatePath = Path.Combine(directory, PrivateKeyFileName);
        string publicPath = Path.Combine(directory, PublicKeyFileName);
        foreach (string path in new[] { privatePath, publicPath })
        {
            if (File.Exists(path) || Directory.Exists(path))
            {
                throw new SecureContainerException(SigningDiagnostics.KeyFileExists.Create(path));
            }
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecureContainerException(SigningDiagnostics.KeyWriteFailed.Create(directory, ex.GetType().Name));
        }

        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        PbeParameters pbe = new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, Iterations);
        // Encrypted, so the PEM text itself is not secret; the password never leaves this span.
        WriteNew(privatePath, Encoding.ASCII.GetBytes(key.ExportEncryptedPkcs8PrivateKeyPem(password, pbe) + "\n"), owner: true);

        try
        {
            WriteNew(publicPath, Encoding.ASCII.GetBytes(key.ExportSubjectPublicKeyInfoPem() + "\n"), owner: false);
        }
        catch (SecureContainerException)
        {
            // Half a key pair is worse than none: the next attempt would be refused because the .key exists.
            File.Delete(privatePath);
            throw;
        }

        string fingerprint = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
        return new GeneratedKeyPair(privatePath, publicPath, fingerprint);
    }

    private static void WriteNew(string path, byte[] content, bool owner)
    {
        FileStreamOptions options = new() { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = owner
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            // CreateNew lost a race with another writer: the file is someone else's and stays untouched.
            throw new SecureContainerException(SigningDiagnostics.KeyFileExists.Create(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecureContainerException(SigningDiagnostics.KeyWriteFailed.Create(path, ex.GetType().Name));
        }

        try
        {
            using (stream)
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
        }
        catch (IOException ex)
        {
            File.Delete(path);
            throw new SecureContainerException(SigningDiagnostics.KeyWriteFailed.Create(path, ex.GetType().Name));
        }
    }
}

using System.Security.Cryptography;

namespace SecureContainers.Cli.Tests;

/// <summary>
/// An ECDSA P-256 key pair in a temp folder, as PEM files the tool reads: the private key plain or encrypted (PBES2 with
/// few iterations, so tests stay fast; keygen's own 600,000 are tested in the core), and the public key.
/// </summary>
internal sealed class TestKeys : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sc-keys-").FullName;

    public TestKeys(string? password = null)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        PrivateKey = Path.Combine(_directory, "signing.key");
        PublicKey = Path.Combine(_directory, "signing.pub");
        File.WriteAllText(PrivateKey, password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)));
        File.WriteAllText(PublicKey, key.ExportSubjectPublicKeyInfoPem());
    }

    public string PrivateKey { get; }

    public string PublicKey { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

using System.Security.Cryptography;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>
/// A P-256 key made for one keyless signing session and held in memory only: never exported, never written. Its
/// public half goes into the Fulcio certificate; once the session is disposed the private half is gone, so the
/// certificate (valid for minutes) can sign nothing more.
/// </summary>
public sealed class EphemeralSigner : ISigner, IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public EphemeralSigner()
    {
        PublicKey = VerificationKey.FromPrivate(_key, EcCurve.P256);
        PublicKeyDer = _key.ExportSubjectPublicKeyInfo();
    }

    public string KeyId => "";

    public string Algorithm => "ecdsa-p256-sha256";

    public VerificationKey PublicKey { get; }

    /// <summary>The SubjectPublicKeyInfo, to compare with the key in the certificate Fulcio returns.</summary>
    public byte[] PublicKeyDer { get; }

    public string PublicKeyPem => PublicKey.ToPem();

    public byte[] Sign(ReadOnlySpan<byte> data) => _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public void Dispose()
    {
        _key.Dispose();
        PublicKey.Dispose();
    }
}

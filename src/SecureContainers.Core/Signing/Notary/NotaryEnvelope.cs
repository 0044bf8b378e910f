using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>
/// The parts of a decoded Notary envelope (COSE or JWS) the checks need; <see cref="Algorithm"/> is the JOSE/COSE name
/// (PS384, ES256, ...) and <see cref="VerifySignature"/> checks the envelope's own signature with a key. Nothing here is trusted yet: the signature, chain and
/// timestamp are verified by <see cref="NotarySignatureVerifier"/>.
/// </summary>
internal sealed record NotaryEnvelope(
    string Algorithm,
    byte[] SignatureValue,
    Func<AsymmetricAlgorithm, bool> VerifySignature,
    string SigningScheme,
    DateTimeOffset? SigningTime,
    DateTimeOffset? AuthenticSigningTime,
    DateTimeOffset? Expiry,
    IReadOnlyList<X509Certificate2> Chain,
    byte[]? TimestampToken,
    byte[] Payload)
{
    public const string CoseMediaType = "application/cose";
    public const string JwsMediaType = "application/jose+json";
    public const string PayloadContentType = "application/vnd.cncf.notary.payload.v1+json";
    public const string SchemeX509 = "notary.x509";
    public const string SchemeSigningAuthority = "notary.x509.signingAuthority";

    public X509Certificate2 Leaf => Chain[0];
}

using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>
/// The parts of a decoded Notary envelope the checks need. Nothing here is trusted yet: the signature, chain and
/// timestamp are verified by <see cref="NotarySignatureVerifier"/>.
/// </summary>
internal sealed record NotaryEnvelope(
    CoseSign1Message Message,
    int Algorithm,
    string SigningScheme,
    DateTimeOffset? SigningTime,
    DateTimeOffset? AuthenticSigningTime,
    DateTimeOffset? Expiry,
    IReadOnlyList<X509Certificate2> Chain,
    byte[]? TimestampToken,
    byte[] Payload)
{
    public const string MediaType = "application/cose";
    public const string PayloadContentType = "application/vnd.cncf.notary.payload.v1+json";
    public const string SchemeX509 = "notary.x509";
    public const string SchemeSigningAuthority = "notary.x509.signingAuthority";

    public X509Certificate2 Leaf => Chain[0];
}

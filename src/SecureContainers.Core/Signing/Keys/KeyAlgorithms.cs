using System.Formats.Asn1;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Keys;

/// <summary>
/// Reads just enough ASN.1 to name the algorithm and curve of a key before handing it to <see cref="System.Security.Cryptography.ECDsa"/>,
/// so an RSA or Ed25519 key is refused with its name instead of an opaque import failure.
/// </summary>
internal static class KeyAlgorithms
{
    private const string EcPublicKey = "1.2.840.10045.2.1";
    private const string P256 = "1.2.840.10045.3.1.7";
    private const string P384 = "1.3.132.0.34";

    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.1.1.1"] = "an RSA key",
        ["1.2.840.113549.1.1.10"] = "an RSA-PSS key",
        ["1.2.840.10040.4.1"] = "a DSA key",
        ["1.3.101.110"] = "an X25519 key",
        ["1.3.101.111"] = "an X448 key",
        ["1.3.101.112"] = "an Ed25519 key",
        ["1.3.101.113"] = "an Ed448 key",
        ["1.3.132.0.35"] = "an ECDSA P-521 key",
        ["1.3.132.0.10"] = "an ECDSA secp256k1 key",
        ["1.2.840.10045.3.1.1"] = "an ECDSA P-192 key",
        ["1.3.132.0.33"] = "an ECDSA P-224 key",
        ["1.3.36.3.3.2.8.1.1.7"] = "an ECDSA brainpoolP256r1 key",
        ["1.2.156.10197.1.301"] = "an SM2 key",
    };

    /// <summary>PrivateKeyInfo (PKCS#8): version, AlgorithmIdentifier, privateKey.</summary>
    public static EcCurve CurveOfPkcs8(byte[] pkcs8, string source, Func<SecureContainerException> malformed)
    {
        try
        {
            AsnReader reader = new AsnReader(pkcs8, AsnEncodingRules.DER).ReadSequence();
            reader.ReadInteger();
            return CurveOfAlgorithm(reader.ReadSequence(), source);
        }
        catch (AsnContentException)
        {
            throw malformed();
        }
    }

    /// <summary>SubjectPublicKeyInfo: AlgorithmIdentifier, subjectPublicKey.</summary>
    public static EcCurve CurveOfSubjectPublicKeyInfo(byte[] spki, string source)
    {
        try
        {
            AsnReader reader = new AsnReader(spki, AsnEncodingRules.DER).ReadSequence();
            return CurveOfAlgorithm(reader.ReadSequence(), source);
        }
        catch (AsnContentException)
        {
            throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(source, "the 'PUBLIC KEY' block is not a valid SubjectPublicKeyInfo"));
        }
    }

    /// <summary>SEC1 ECPrivateKey: version 1, privateKey, [0] named curve, [1] public key.</summary>
    public static EcCurve CurveOfSec1(byte[] sec1, string source)
    {
        try
        {
            AsnReader reader = new AsnReader(sec1, AsnEncodingRules.DER).ReadSequence();
            reader.ReadInteger();
            reader.ReadOctetString();
            Asn1Tag parameters = new(TagClass.ContextSpecific, 0, isConstructed: true);
            if (!reader.HasData || !reader.PeekTag().HasSameClassAndValue(parameters))
            {
                throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(source, "the 'EC PRIVATE KEY' does not name its curve"));
            }

            AsnReader curve = reader.ReadSequence(parameters);
            return Curve(curve, source);
        }
        catch (AsnContentException)
        {
            throw new SecureContainerException(SigningDiagnostics.KeyMalformed.Create(source, "the 'EC PRIVATE KEY' block is not a valid SEC1 key"));
        }
    }

    private static EcCurve CurveOfAlgorithm(AsnReader algorithm, string source)
    {
        string oid = algorithm.ReadObjectIdentifier();
        if (oid != EcPublicKey)
        {
            throw Unsupported(source, Names.TryGetValue(oid, out string? name) ? name : $"a key of algorithm {oid}");
        }

        return Curve(algorithm, source);
    }

    private static EcCurve Curve(AsnReader parameters, string source)
    {
        if (!parameters.HasData || parameters.PeekTag() != Asn1Tag.ObjectIdentifier)
        {
            throw Unsupported(source, "an ECDSA key with explicit (unnamed) curve parameters");
        }

        string curve = parameters.ReadObjectIdentifier();
        return curve switch
        {
            P256 => EcCurve.P256,
            P384 => EcCurve.P384,
            _ => throw Unsupported(source, Names.TryGetValue(curve, out string? name) ? name : $"an ECDSA key on curve {curve}"),
        };
    }

    public static SecureContainerException Unsupported(string source, string what) =>
        new(SigningDiagnostics.KeyTypeUnsupported.Create(source, what));
}

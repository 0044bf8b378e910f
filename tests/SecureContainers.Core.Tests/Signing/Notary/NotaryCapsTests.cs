using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using System.Security.Cryptography.X509Certificates;
using SecureContainers.Core.Signing.Notary;

namespace SecureContainers.Core.Tests.Signing.Notary;

/// <summary>
/// Envelopes built with the BCL's COSE signer (not the code under test) for what openssl fixtures do not cover:
/// ECDSA keys and the chain-length cap.
/// </summary>
public class NotaryCapsTests
{
    private static (X509Certificate2 Cert, ECDsa Key) SelfSignedCodeSigning(ECCurve curve)
    {
        ECDsa key = ECDsa.Create(curve);
        var request = new CertificateRequest("CN=Test EC Signer, O=Test, C=US", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], critical: false));
        return (request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30)), key);
    }

    private static byte[] Envelope(ECDsa key, int alg, IEnumerable<X509Certificate2> chain)
    {
        var prot = new CoseHeaderMap
        {
            [CoseHeaderLabel.Algorithm] = CoseHeaderValue.FromInt32(alg),
            [CoseHeaderLabel.ContentType] = CoseHeaderValue.FromString("application/vnd.cncf.notary.payload.v1+json"),
            [new CoseHeaderLabel("io.cncf.notary.signingScheme")] = CoseHeaderValue.FromString("notary.x509"),
        };
        var crit = new CborWriter();
        crit.WriteStartArray(1);
        crit.WriteTextString("io.cncf.notary.signingScheme");
        crit.WriteEndArray();
        prot[CoseHeaderLabel.CriticalHeaders] = CoseHeaderValue.FromEncodedValue(crit.Encode());
        var time = new CborWriter();
        time.WriteTag(CborTag.UnixTimeSeconds);
        time.WriteInt64(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        prot[new CoseHeaderLabel("io.cncf.notary.signingTime")] = CoseHeaderValue.FromEncodedValue(time.Encode());

        var x5 = new CborWriter();
        X509Certificate2[] certs = chain.ToArray();
        x5.WriteStartArray(certs.Length);
        foreach (X509Certificate2 c in certs)
        {
            x5.WriteByteString(c.RawData);
        }

        x5.WriteEndArray();
        var unprot = new CoseHeaderMap { [new CoseHeaderLabel(33)] = CoseHeaderValue.FromEncodedValue(x5.Encode()) };
        byte[] payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            targetArtifact = new { mediaType = NotaryFixtures.Target.MediaType, digest = NotaryFixtures.Target.Digest.ToString(), size = NotaryFixtures.Target.Size },
        });
        return CoseSign1Message.SignEmbedded(payload, new CoseSigner(key, alg == -35 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256, prot, unprot));
    }

    private static NotaryTrustPolicy Trusting(X509Certificate2 root) =>
        new("ec", ["*"], NotaryVerificationLevel.Strict, [root], [], ["x509.subject: O=Test, C=US"]);

    [Fact]
    public void Es256EnvelopeFromATrustedSelfSignedSignerVerifies()
    {
        (X509Certificate2 cert, ECDsa key) = SelfSignedCodeSigning(ECCurve.NamedCurves.nistP256);

        NotaryVerificationResult result = NotarySignatureVerifier.Verify(Envelope(key, -7, [cert]), "application/cose", NotaryFixtures.Target,
            Trusting(cert), DateTimeOffset.UtcNow);

        Assert.True(result.IsVerified, string.Join("\n", result.Failures.Select(f => f.Reason)));
    }

    [Fact]
    public void AlgHeaderThatDoesNotMatchTheKeyIsRefused()
    {
        (X509Certificate2 cert, ECDsa key) = SelfSignedCodeSigning(ECCurve.NamedCurves.nistP256);

        // ES384 declared over a P-256 key: an algorithm substitution the spec says to refuse.
        NotaryVerificationResult result = NotarySignatureVerifier.Verify(Envelope(key, -35, [cert]), "application/cose", NotaryFixtures.Target,
            Trusting(cert), DateTimeOffset.UtcNow);

        Assert.Equal(["SC4123"], result.Failures.Select(f => f.Reason.Code));
    }

    [Fact]
    public void ChainLongerThanTheCapIsRefusedBeforeItIsBuilt()
    {
        (X509Certificate2 cert, ECDsa key) = SelfSignedCodeSigning(ECCurve.NamedCurves.nistP256);

        NotaryVerificationResult result = NotarySignatureVerifier.Verify(Envelope(key, -7, Enumerable.Repeat(cert, 11)), "application/cose",
            NotaryFixtures.Target, Trusting(cert), DateTimeOffset.UtcNow);

        Assert.Equal(["SC4136"], result.Failures.Select(f => f.Reason.Code));
    }
}

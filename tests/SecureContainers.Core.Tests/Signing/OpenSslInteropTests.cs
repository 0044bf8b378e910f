using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Dsse;
using SecureContainers.Core.Signing.Keys;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Attestations;

namespace SecureContainers.Core.Tests.Signing;

/// <summary>Checks our signatures and keys with an implementation that is not ours: the openssl CLI.</summary>
public sealed class OpenSslInteropTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SigningFixture _f = new();

    public void Dispose() => _f.Dispose();

    private (int ExitCode, string Output) VerifyWithOpenSsl(byte[] data, byte[] der, string publicPem)
    {
        string pub = _f.Write("pub.pem", publicPem);
        string sig = _f.Write("sig.der", der);
        string payload = _f.Write("payload.bin", data);
        return SigningFixture.Run("openssl", ["dgst", "-sha256", "-verify", pub, "-signature", sig, payload], null);
    }

    /// <summary>Fetches a blob as any client would, straight from the registry, not through our verifier.</summary>
    private async Task<byte[]> BlobAsync(Descriptor layer)
    {
        await using Stream stream = await _f.Client.OpenBlobAsync(SigningFixture.Host, "app", layer, None);
        using MemoryStream copy = new();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static Descriptor FirstLayer(byte[] manifest)
    {
        using JsonDocument doc = JsonDocument.Parse(manifest);
        JsonElement layer = doc.RootElement.GetProperty("layers")[0];
        return new Descriptor(layer.GetProperty("mediaType").GetString()!, Digest.Parse(layer.GetProperty("digest").GetString()!), layer.GetProperty("size").GetInt64())
        {
            Annotations = layer.GetProperty("annotations").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
        };
    }

    [OpenSslFact]
    public async Task OpenSslVerifiesTheCosignSignatureFetchedFromTheRegistry()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            await CosignSigner.SignImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer, None);
            Descriptor layer = FirstLayer(_f.Registry.ManifestAt("app", CosignNames.SignatureTag(_f.Digest))!);
            byte[] payload = await BlobAsync(layer);
            byte[] der = Convert.FromBase64String(layer.Annotations![CosignNames.SignatureAnnotation]);

            (int ok, string output) = VerifyWithOpenSsl(payload, der, signer.PublicKey.ToPem());
            byte[] tampered = (byte[])payload.Clone();
            tampered[^2] ^= 1;
            (int bad, _) = VerifyWithOpenSsl(tampered, der, signer.PublicKey.ToPem());

            Assert.True(ok == 0, output);
            Assert.NotEqual(0, bad);
            Assert.Contains(_f.Digest.ToString(), Encoding.UTF8.GetString(payload));
        }
    }

    [OpenSslFact]
    public async Task OpenSslVerifiesTheDsseSignatureOverAnIndependentlyBuiltPae()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey("p384.pem", ECCurve.NamedCurves.nistP384);
        using (signer)
        {
            await CosignAttestor.AttestImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, InTotoStatement.CycloneDxPredicateType,
                "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}"u8.ToArray(), signer, None);
            Descriptor layer = FirstLayer(_f.Registry.ManifestAt("app", CosignNames.AttestationTag(_f.Digest))!);
            using JsonDocument envelope = JsonDocument.Parse(await BlobAsync(layer));
            string payloadType = envelope.RootElement.GetProperty("payloadType").GetString()!;
            byte[] body = Convert.FromBase64String(envelope.RootElement.GetProperty("payload").GetString()!);
            byte[] der = Convert.FromBase64String(envelope.RootElement.GetProperty("signatures")[0].GetProperty("sig").GetString()!);

            // PAE rebuilt here from the DSSE protocol text, not with DsseEnvelope.Pae.
            byte[] pae = [.. Encoding.UTF8.GetBytes("DSSEv1 " + Encoding.UTF8.GetByteCount(payloadType) + " " + payloadType + " " + body.Length + " "), .. body];
            (int ok, string output) = VerifyWithOpenSsl(pae, der, signer.PublicKey.ToPem());

            Assert.True(ok == 0, output);
            Assert.Equal("application/vnd.in-toto+json", payloadType);
            Assert.Equal(CosignNames.DsseEnvelopeMediaType, layer.MediaType);
            Assert.Equal(InTotoStatement.CycloneDxPredicateType, layer.Annotations![CosignNames.PredicateTypeAnnotation]);
        }
    }

    [OpenSslFact]
    public void OpenSslReadsOurGeneratedKeyAndWeReadOpenSslKeys()
    {
        Dictionary<string, string> env = new() { ["SC_TEST_PASS"] = SigningFixture.Password };
        GeneratedKeyPair pair = KeyGenerator.Generate(Path.Combine(_f.Dir, "gen"), SigningFixture.Password);
        (int read, string readOutput) = SigningFixture.Run("openssl", ["pkey", "-in", pair.PrivateKeyPath, "-passin", "env:SC_TEST_PASS", "-pubout"], env);
        Assert.True(read == 0, readOutput);
        Assert.Equal(File.ReadAllText(pair.PublicKeyPath).Trim(), readOutput.Trim());

        string encrypted = Path.Combine(_f.Dir, "openssl-p384.key");
        (int gen, string genOutput) = SigningFixture.Run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-aes-256-cbc", "-pass", "env:SC_TEST_PASS", "-out", encrypted], env);
        Assert.True(gen == 0, genOutput);
        string sec1 = Path.Combine(_f.Dir, "openssl-sec1.key");
        Assert.Equal(0, SigningFixture.Run("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-out", sec1], null).ExitCode);
        string ed25519 = Path.Combine(_f.Dir, "openssl-ed25519.key");
        Assert.Equal(0, SigningFixture.Run("openssl", ["genpkey", "-algorithm", "ed25519", "-out", ed25519], null).ExitCode);

        using KeyPassword password = KeyPasswordSource.FromEnvironment("SC_TEST_PASS", env.GetValueOrDefault);
        using EcdsaFileSigner p384 = EcdsaFileSigner.Load(encrypted, password);
        using EcdsaFileSigner p256 = EcdsaFileSigner.Load(sec1, password);
        Assert.Equal(EcCurve.P384, p384.Curve);
        Assert.Equal(EcCurve.P256, p256.Curve);
        var ex = Assert.Throws<SecureContainers.Core.Diagnostics.SecureContainerException>(() => EcdsaFileSigner.Load(ed25519, password));
        Assert.Equal(SigningDiagnostics.KeyTypeUnsupported, ex.Diagnostic.Descriptor);
        Assert.Contains("Ed25519", ex.Message);
    }
}

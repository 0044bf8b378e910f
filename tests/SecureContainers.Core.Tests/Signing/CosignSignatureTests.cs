using System.Text;
using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Tests.Signing;

public sealed class CosignSignatureTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SigningFixture _f = new();

    public void Dispose() => _f.Dispose();

    private Task<SignatureVerification> VerifyAsync(VerificationKey key, string repository = "app", Digest? digest = null) =>
        CosignVerifier.VerifyAsync(_f.Client, SigningFixture.Host, repository, digest ?? _f.Digest, key, None);

    /// <summary>Puts a layer into the image's .sig manifest as another (possibly hostile) writer would.</summary>
    private Task AppendRawAsync(byte[] payload, string signature) =>
        _f.Client.AppendLayersToTaggedManifestAsync(SigningFixture.Host, "app", CosignNames.SignatureTag(_f.Digest),
            [new ArtifactLayer(payload, CosignNames.SimpleSigningMediaType, new Dictionary<string, string> { [CosignNames.SignatureAnnotation] = signature })], null, None);

    [Fact]
    public void PayloadIsExactlyWhatCosignWrites()
    {
        Digest digest = Digest.Parse("sha256:" + new string('a', 64));

        string payload = Encoding.UTF8.GetString(SimpleSigningPayload.Create("registry.test/team/app", digest));

        Assert.Equal("{\"critical\":{\"identity\":{\"docker-reference\":\"registry.test/team/app\"},\"image\":{\"docker-manifest-digest\":\"sha256:"
            + new string('a', 64) + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}", payload);
        Assert.Equal("index.docker.io/library/nginx", CosignNames.RepositoryName("docker.io", "library/nginx"));
        Assert.Equal("sha256-" + new string('a', 64) + ".sig", CosignNames.SignatureTag(digest));
    }

    [Fact]
    public async Task SignedImageVerifies()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            CosignSignature signed = await CosignSigner.SignImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer, None);

            SignatureVerification result = await VerifyAsync(signer.PublicKey);

            Assert.True(result.HasValidSignature);
            SignatureCheck check = Assert.Single(result.Signatures);
            Assert.Equal(Digest.Sha256(signed.Payload), check.Layer);
            using JsonDocument manifest = JsonDocument.Parse(_f.Registry.ManifestAt("app", CosignNames.SignatureTag(_f.Digest))!);
            JsonElement layer = manifest.RootElement.GetProperty("layers")[0];
            Assert.Equal(CosignNames.SimpleSigningMediaType, layer.GetProperty("mediaType").GetString());
            Assert.Equal(signed.Signature, layer.GetProperty("annotations").GetProperty(CosignNames.SignatureAnnotation).GetString());
        }
    }

    [Fact]
    public async Task WrongKeyFails()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey("a.pem");
        (_, EcdsaFileSigner other) = _f.NewKey("b.pem");
        using (signer)
        using (other)
        {
            await CosignSigner.SignImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer, None);

            SignatureVerification result = await VerifyAsync(other.PublicKey);

            Assert.False(result.HasValidSignature);
            Assert.Equal(SignatureFailure.BadSignature, Assert.Single(result.Signatures).Failure);
        }
    }

    [Fact]
    public async Task TamperedPayloadFails()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            byte[] payload = SimpleSigningPayload.Create("registry.test/app", _f.Digest);
            string signature = Convert.ToBase64String(signer.Sign(payload));
            byte[] tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(payload).Replace("\"optional\":null", "\"optional\":{\"x\":1}"));
            await AppendRawAsync(tampered, signature);

            SignatureCheck check = Assert.Single((await VerifyAsync(signer.PublicKey)).Signatures);

            Assert.Equal(SignatureFailure.BadSignature, check.Failure);
        }
    }

    [Fact]
    public async Task GoodSignatureOverAnotherDigestFails()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            Digest other = Digest.Sha256("another image"u8);
            byte[] payload = SimpleSigningPayload.Create("registry.test/app", other);
            await AppendRawAsync(payload, Convert.ToBase64String(signer.Sign(payload)));

            SignatureVerification result = await VerifyAsync(signer.PublicKey);

            Assert.False(result.HasValidSignature);
            Assert.Equal(SignatureFailure.DigestMismatch, Assert.Single(result.Signatures).Failure);
        }
    }

    [Fact]
    public async Task GoodSignatureForAnotherRepositoryFails()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            byte[] payload = SimpleSigningPayload.Create("registry.test/other", _f.Digest);
            await AppendRawAsync(payload, Convert.ToBase64String(signer.Sign(payload)));

            SignatureVerification result = await VerifyAsync(signer.PublicKey);

            Assert.False(result.HasValidSignature);
            Assert.Equal(SignatureFailure.RepositoryMismatch, Assert.Single(result.Signatures).Failure);
        }
    }

    [Fact]
    public async Task OneBadAndOneGoodSignaturePass()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            byte[] payload = SimpleSigningPayload.Create("registry.test/app", _f.Digest);
            await AppendRawAsync(payload, Convert.ToBase64String("garbage"u8));
            await CosignSigner.SignImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer, None);

            SignatureVerification result = await VerifyAsync(signer.PublicKey);

            Assert.True(result.HasValidSignature);
            Assert.Equal(2, result.Signatures.Count);
            Assert.Single(result.Signatures, s => s.Failure == SignatureFailure.BadSignature);
        }
    }

    [Fact]
    public async Task ExistingSignaturesAreKeptAndReSigningWithTheSameKeyAddsNothing()
    {
        (_, EcdsaFileSigner first) = _f.NewKey("a.pem");
        (_, EcdsaFileSigner second) = _f.NewKey("b.pem");
        using (first)
        using (second)
        {
            CosignSignature a = await CosignSigner.SignImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, first, None);
            CosignSignature again = await CosignSigner.SignImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, first, None);
            await CosignSigner.SignImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, second, None);

            Assert.Equal(a.SignatureManifest, again.SignatureManifest);
            Assert.Equal(2, (await VerifyAsync(first.PublicKey)).Signatures.Count);
            Assert.True((await VerifyAsync(first.PublicKey)).HasValidSignature);
            Assert.True((await VerifyAsync(second.PublicKey)).HasValidSignature);
        }
    }

    [Fact]
    public async Task NoSignatureTagMeansNoSignatures()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            SignatureVerification result = await VerifyAsync(signer.PublicKey);

            Assert.False(result.TagExists);
            Assert.Empty(result.Signatures);
        }
    }

    [Fact]
    public async Task AtMostOneHundredSignaturesAreRead()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            List<ArtifactLayer> layers = Enumerable.Range(0, 105)
                .Select(i => new ArtifactLayer(Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"), CosignNames.SimpleSigningMediaType,
                    new Dictionary<string, string> { [CosignNames.SignatureAnnotation] = "AAAA" }))
                .ToList();
            await _f.Client.AppendLayersToTaggedManifestAsync(SigningFixture.Host, "app", CosignNames.SignatureTag(_f.Digest), layers, null, None);
            int blobReadsBefore = _f.Registry.CountRequests(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.Contains("/blobs/"));

            SignatureVerification result = await VerifyAsync(signer.PublicKey);

            Assert.True(result.Truncated);
            Assert.Equal(CosignVerifier.MaxSignatures, result.Signatures.Count);
            Assert.True(_f.Registry.CountRequests(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.Contains("/blobs/")) - blobReadsBefore <= CosignVerifier.MaxSignatures);
        }
    }

    [Fact]
    public async Task AnOversizedPayloadIsNotFetched()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            byte[] big = new byte[CosignVerifier.MaxPayloadBytes + 1];
            await AppendRawAsync(big, "AAAA");
            int before = _f.Registry.CountRequests(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.Contains("/blobs/"));

            SignatureCheck check = Assert.Single((await VerifyAsync(signer.PublicKey)).Signatures);

            Assert.Equal(SignatureFailure.PayloadUnreadable, check.Failure);
            Assert.Equal(before, _f.Registry.CountRequests(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.Contains("/blobs/")));
        }
    }
}

using System.Text;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Dsse;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Tests.Signing;

public sealed class DsseAndAttestationTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly byte[] Sbom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[]}"u8.ToArray();
    private readonly SigningFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void PaeMatchesTheProtocolsWorkedExample()
    {
        // From secure-systems-lab/dsse protocol.md: PAE("http://example.com/HelloWorld", "hello world").
        byte[] pae = DsseEnvelope.Pae("http://example.com/HelloWorld", "hello world"u8);

        Assert.Equal("DSSEv1 29 http://example.com/HelloWorld 11 hello world", Encoding.UTF8.GetString(pae));
        Assert.Equal("DSSEv1 0  0 ", Encoding.UTF8.GetString(DsseEnvelope.Pae("", [])));
    }

    [Fact]
    public void EnvelopeSerialisesAsCosignsAndRoundTrips()
    {
        DsseEnvelope envelope = new("application/vnd.in-toto+json", "e30=", [new DsseSignature("", "c2ln")]);

        byte[] json = envelope.ToJson();

        Assert.Equal("{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"e30=\",\"signatures\":[{\"keyid\":\"\",\"sig\":\"c2ln\"}]}", Encoding.UTF8.GetString(json));
        Assert.Equal(envelope.Signatures, DsseEnvelope.TryParse(json, out _)!.Signatures);
    }

    [Fact]
    public async Task SbomAttestationVerifiesAndNamesItsPredicateType()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            ImageAttestation stored = await CosignAttestor.AttestImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest,
                InTotoStatement.CycloneDxPredicateType, Sbom, signer, None);

            AttestationVerification result = await AttestationVerifier.VerifyAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer.PublicKey, None);

            Assert.True(stored.Added);
            Assert.Equal([InTotoStatement.CycloneDxPredicateType], result.ValidPredicateTypes);
            string statement = Encoding.UTF8.GetString(stored.Statement);
            Assert.StartsWith("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"registry.test/app\",\"digest\":{\"sha256\":\"" + _f.Digest.Hex + "\"}}]", statement);
            Assert.EndsWith(",\"predicate\":" + Encoding.UTF8.GetString(Sbom) + "}", statement);
        }
    }

    [Fact]
    public async Task RepeatingTheSameAttestationAddsNothingAndOthersAppend()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            ImageAttestation first = await CosignAttestor.AttestImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, InTotoStatement.CycloneDxPredicateType, Sbom, signer, None);
            ImageAttestation again = await CosignAttestor.AttestImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, InTotoStatement.CycloneDxPredicateType, Sbom, signer, None);
            await CosignAttestor.AttestImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, InTotoStatement.SlsaProvenanceV1PredicateType, "{\"a\":1}"u8.ToArray(), signer, None);

            AttestationVerification result = await AttestationVerifier.VerifyAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer.PublicKey, None);

            Assert.False(again.Added);
            Assert.Equal(first.AttestationManifest, again.AttestationManifest);
            Assert.Equal(2, result.Attestations.Count);
            Assert.All(result.Attestations, a => Assert.True(a.Valid, a.Reason));
        }
    }

    [Fact]
    public async Task WrongKeyWrongSubjectAndWrongPayloadTypeAreRejected()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey("a.pem");
        (_, EcdsaFileSigner other) = _f.NewKey("b.pem");
        using (signer)
        using (other)
        {
            using System.Text.Json.JsonDocument predicate = System.Text.Json.JsonDocument.Parse(Sbom);
            byte[] foreignSubject = InTotoStatement.Create("registry.test/app", Digest.Sha256("other"u8), InTotoStatement.CycloneDxPredicateType, predicate.RootElement);
            byte[] ours = InTotoStatement.Create("registry.test/app", _f.Digest, InTotoStatement.CycloneDxPredicateType, predicate.RootElement);
            await AppendAsync(DsseEnvelope.Sign(DsseEnvelope.InTotoPayloadType, foreignSubject, signer));
            await AppendAsync(DsseEnvelope.Sign("text/plain", ours, signer));
            await AppendAsync(DsseEnvelope.Sign(DsseEnvelope.InTotoPayloadType, ours, other));

            AttestationVerification result = await AttestationVerifier.VerifyAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer.PublicKey, None);

            Assert.Equal([AttestationFailure.SubjectMismatch, AttestationFailure.WrongPayloadType, AttestationFailure.BadSignature],
                result.Attestations.Select(a => a.Failure));
            Assert.Empty(result.ValidPredicateTypes);
        }
    }

    [Fact]
    public async Task AnEnvelopeOverSixteenMebibytesIsNotFetched()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            await _f.Client.AppendLayersToTaggedManifestAsync(SigningFixture.Host, "app", CosignNames.AttestationTag(_f.Digest),
                [new ArtifactLayer(new byte[AttestationVerifier.MaxEnvelopeBytes + 1], CosignNames.DsseEnvelopeMediaType)], null, None);
            int before = _f.Registry.CountRequests(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.Contains("/blobs/"));

            AttestationVerification result = await AttestationVerifier.VerifyAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer.PublicKey, None);

            Assert.Equal(AttestationFailure.Unreadable, Assert.Single(result.Attestations).Failure);
            Assert.Equal(before, _f.Registry.CountRequests(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.Contains("/blobs/")));
        }
    }

    private Task AppendAsync(DsseEnvelope envelope) =>
        _f.Client.AppendLayersToTaggedManifestAsync(SigningFixture.Host, "app", CosignNames.AttestationTag(_f.Digest),
            [new ArtifactLayer(envelope.ToJson(), CosignNames.DsseEnvelopeMediaType,
                new Dictionary<string, string> { [CosignNames.PredicateTypeAnnotation] = InTotoStatement.CycloneDxPredicateType })], null, None);
}

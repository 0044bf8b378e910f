using System.Text.Json;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Tests.Signing;

public sealed class ImageVerifierTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SigningFixture _f = new();

    public void Dispose() => _f.Dispose();

    private Task<VerificationReport> VerifyAsync(VerificationKey key, bool sbom = false, bool provenance = false) =>
        ImageVerifier.VerifyAsync(_f.Client, new VerificationRequest(SigningFixture.Host, "app", _f.Digest, key) { RequireSbom = sbom, RequireProvenance = provenance }, None);

    [Fact]
    public async Task SignedAndAttestedImagePassesEveryRequirement()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            await CosignSigner.SignImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer, None);
            await CosignAttestor.AttestImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, InTotoStatement.CycloneDxPredicateType, "{}"u8.ToArray(), signer, None);

            VerificationReport report = await VerifyAsync(signer.PublicKey, sbom: true);

            Assert.True(report.Verified);
            Assert.Null(report.FailureCode);
            Assert.Equal([InTotoStatement.CycloneDxPredicateType], report.PredicateTypes);
            using JsonDocument json = JsonDocument.Parse(report.ToJson());
            Assert.True(json.RootElement.GetProperty("verified").GetBoolean());
            Assert.Equal(_f.Digest.ToString(), json.RootElement.GetProperty("digest").GetString());
        }
    }

    [Fact]
    public async Task FailuresCarryTheirCodes()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey("a.pem");
        (_, EcdsaFileSigner other) = _f.NewKey("b.pem");
        using (signer)
        using (other)
        {
            Assert.Equal("SC6020", (await VerifyAsync(signer.PublicKey)).FailureCode);

            await CosignSigner.SignImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer, None);
            VerificationReport wrongKey = await VerifyAsync(other.PublicKey);
            VerificationReport noProvenance = await VerifyAsync(signer.PublicKey, provenance: true);

            Assert.False(wrongKey.Verified);
            Assert.Equal("SC6021", wrongKey.FailureCode);
            Assert.Equal("SC6024", noProvenance.FailureCode);
            using JsonDocument json = JsonDocument.Parse(wrongKey.ToJson());
            Assert.Equal("badSignature", json.RootElement.GetProperty("signatures")[0].GetProperty("failure").GetString());
        }
    }
}

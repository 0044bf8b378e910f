using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Keys;
using SecureContainers.Core.Signing.Trust;

namespace SecureContainers.Core.Tests.Signing.Bundles;

/// <summary>verify reading cosign v3 bundles as OCI referrers, through the referrers API and through its tag fallback.</summary>
public sealed class BundleImageVerifierTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SigningFixture _f = new();

    public void Dispose() => _f.Dispose();

    private Descriptor Subject => new(MediaTypes.OciManifestV1, _f.Digest, _f.Image.Size);

    private Task<VerificationReport> VerifyAsync(VerificationKey key, bool sbom = false) =>
        ImageVerifier.VerifyAsync(_f.Client, new VerificationRequest(SigningFixture.Host, "app", _f.Digest, key) { RequireSbom = sbom }, None);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SignatureAndSbomBundlesVerifyAsReferrers(bool referrersApi)
    {
        _f.Registry.ReferrersApi = referrersApi;
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            await TestBundles.AttachAsync(_f.Client, "app", Subject, TestBundles.Statement(signer, _f.Digest), BundleVerifier.CosignSignPredicateType);
            await TestBundles.AttachAsync(_f.Client, "app", Subject, TestBundles.Statement(signer, _f.Digest, InTotoStatement.CycloneDxPredicateType, "{\"bomFormat\":\"CycloneDX\"}"), InTotoStatement.CycloneDxPredicateType);

            VerificationReport report = await VerifyAsync(signer.PublicKey, sbom: true);

            Assert.True(report.Verified, string.Join("\n", report.Diagnostics.Select(d => d.Message)));
            Assert.Equal("bundle", report.Format);
            Assert.Equal([InTotoStatement.CycloneDxPredicateType], report.PredicateTypes);
            Assert.Contains(report.Diagnostics, d => d.Code == "SC6074");
            using JsonDocument json = JsonDocument.Parse(report.ToJson());
            Assert.Equal("bundle", json.RootElement.GetProperty("format").GetString());
            Assert.Equal(2, json.RootElement.GetProperty("bundles").GetArrayLength());
            Assert.All(json.RootElement.GetProperty("bundles").EnumerateArray(), b => Assert.True(b.GetProperty("valid").GetBoolean()));
        }
    }

    [Fact]
    public async Task BundlesWinOverAValidLegacySignature()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey("a.pem");
        (_, EcdsaFileSigner other) = _f.NewKey("b.pem");
        using (signer)
        using (other)
        {
            await CosignSigner.SignImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer, None);
            Assert.True((await VerifyAsync(signer.PublicKey)).Verified);

            await TestBundles.AttachAsync(_f.Client, "app", Subject, TestBundles.Statement(other, _f.Digest));
            VerificationReport report = await VerifyAsync(signer.PublicKey);

            Assert.False(report.Verified);
            Assert.Equal("SC6071", report.FailureCode);
            Assert.Equal("bundle", report.Format);
            Assert.Empty(report.Signatures.Signatures);
        }
    }

    [Fact]
    public async Task LegacyOnlyImageVerifiesAsBefore()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            await CosignSigner.SignImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer, None);

            VerificationReport report = await VerifyAsync(signer.PublicKey);

            Assert.True(report.Verified);
            Assert.Equal("legacy", report.Format);
            Assert.Null(report.Bundles);
            Assert.DoesNotContain(report.Diagnostics, d => d.Code.StartsWith("SC607", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task BundleForAnotherDigestOrAnAttestationAloneIsNoSignature()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            Digest other = Digest.Parse("sha256:" + new string('c', 64));
            await TestBundles.AttachAsync(_f.Client, "app", Subject, TestBundles.Statement(signer, other));
            await TestBundles.AttachAsync(_f.Client, "app", Subject, TestBundles.Statement(signer, _f.Digest, InTotoStatement.SlsaProvenanceV1PredicateType), InTotoStatement.SlsaProvenanceV1PredicateType);

            VerificationReport report = await VerifyAsync(signer.PublicKey);

            Assert.False(report.Verified);
            Assert.Equal("SC6071", report.FailureCode);
            Assert.Equal([InTotoStatement.SlsaProvenanceV1PredicateType], report.PredicateTypes);
            Assert.Contains(report.Bundles!.Bundles, b => b.Failure == BundleFailure.SubjectMismatch);
        }
    }

    [Fact]
    public async Task MessageSignatureBundleOverTheManifestIsASignature()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            await TestBundles.AttachAsync(_f.Client, "app", Subject, TestBundles.Message(signer, _f.Image.ManifestBytes));

            VerificationReport report = await VerifyAsync(signer.PublicKey);

            Assert.True(report.Verified, string.Join("\n", report.Diagnostics.Select(d => d.Message)));
            Assert.Equal("message-signature", report.Bundles!.Bundles[0].Content);
        }
    }

    [Fact]
    public async Task KeylessVerificationOfAnImageWithoutBundlesIsSC6078()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            await CosignSigner.SignImageAsync(_f.Client, SigningFixture.Host, "app", _f.Digest, signer, None);
            TrustedRoot root = TrustedRoot.Load(Path.Combine(ConformanceVectorTests.TestData(), "public-good-trusted_root.json"));
            VerificationRequest request = new(SigningFixture.Host, "app", _f.Digest, null)
            {
                Identity = CertificateIdentityPolicy.Create("someone@example.com", null, "https://accounts.google.com"),
                TrustedRoot = root,
            };

            VerificationReport report = await ImageVerifier.VerifyAsync(_f.Client, request, None);

            Assert.False(report.Verified);
            Assert.Equal("SC6078", report.FailureCode);
            using JsonDocument json = JsonDocument.Parse(report.ToJson());
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("keyFingerprint").ValueKind);
            Assert.Contains("someone@example.com", json.RootElement.GetProperty("signer").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HostileBundleReferrersAreRejectedWithReasonsNotExceptions()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            ArtifactLayerBytes("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}"u8.ToArray());
            ArtifactLayerBytes("not json"u8.ToArray());

            VerificationReport report = await VerifyAsync(signer.PublicKey);

            Assert.False(report.Verified);
            Assert.Equal("SC6071", report.FailureCode);
            Assert.All(report.Bundles!.Bundles, b => Assert.Equal(BundleFailure.Unreadable, b.Failure));
        }

        void ArtifactLayerBytes(byte[] content) =>
            _f.Client.AttachArtifactAsync(new ArtifactRequest(SigningFixture.Host, "app", Subject, SigstoreBundle.MediaTypeV03,
                [new ArtifactLayer(content, SigstoreBundle.MediaTypeV03)]), None).GetAwaiter().GetResult();
    }
}

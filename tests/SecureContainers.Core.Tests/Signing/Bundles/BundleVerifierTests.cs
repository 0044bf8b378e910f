using SecureContainers.Core.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Dsse;
using SecureContainers.Core.Signing.Keys;
using SecureContainers.Core.Signing.Trust;

namespace SecureContainers.Core.Tests.Signing.Bundles;

public sealed class BundleVerifierTests : IDisposable
{
    private const string Identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    private const string Issuer = "https://token.actions.githubusercontent.com";
    private static readonly Digest Image = Digest.Parse("sha256:" + new string('a', 64));
    private readonly SigningFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void KeyBasedBundleVerifiesWithItsKeyAndFailsWithAnother()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey("a.pem");
        (_, EcdsaFileSigner other) = _f.NewKey("b.pem");
        using (signer)
        using (other)
        {
            SigstoreBundle bundle = TestBundles.Statement(signer, Image);

            BundleCheck right = BundleVerifier.Verify(bundle, Image, new BundleVerificationPolicy { Key = signer.PublicKey });
            BundleCheck wrong = BundleVerifier.Verify(bundle, Image, new BundleVerificationPolicy { Key = other.PublicKey });

            Assert.True(right.Valid, right.Reason);
            Assert.True(right.IsSignature);
            Assert.Equal(BundleVerifier.CosignSignPredicateType, right.PredicateType);
            Assert.Equal(BundleFailure.BadSignature, wrong.Failure);
        }
    }

    [Fact]
    public void StatementForAnotherDigestOrTamperedAfterSigningIsRefused()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            Digest other = Digest.Parse("sha256:" + new string('b', 64));
            SigstoreBundle bundle = TestBundles.Statement(signer, other);
            string tamperedPayload = Convert.ToBase64String(Encoding.UTF8.GetBytes(
                Encoding.UTF8.GetString(Convert.FromBase64String(bundle.Envelope!.Payload)).Replace(other.Hex, Image.Hex, StringComparison.Ordinal)));
            SigstoreBundle tampered = bundle with { Envelope = bundle.Envelope with { Payload = tamperedPayload } };
            BundleVerificationPolicy policy = new() { Key = signer.PublicKey };

            Assert.Equal(BundleFailure.SubjectMismatch, BundleVerifier.Verify(bundle, Image, policy).Failure);
            Assert.Equal(BundleFailure.BadSignature, BundleVerifier.Verify(tampered, Image, policy).Failure);
        }
    }

    [Fact]
    public void MessageSignatureCountsOnlyForTheDigestItSigns()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            byte[] manifest = "{\"schemaVersion\":2}"u8.ToArray();
            Digest digest = Digest.Parse("sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest)));
            SigstoreBundle bundle = TestBundles.Message(signer, manifest);
            BundleVerificationPolicy policy = new() { Key = signer.PublicKey };

            BundleCheck check = BundleVerifier.Verify(bundle, digest, policy);
            Assert.True(check.Valid, check.Reason);
            Assert.True(check.IsSignature);
            Assert.Equal(BundleFailure.SubjectMismatch, BundleVerifier.Verify(bundle, Image, policy).Failure);
        }
    }

    [Fact]
    public void KeyBundleIsRefusedForKeylessPolicyAndKeylessNeedsATrustedRoot()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        {
            SigstoreBundle bundle = TestBundles.Statement(signer, Image);
            CertificateIdentityPolicy identity = CertificateIdentityPolicy.Create(Identity, null, Issuer);

            Assert.Equal(BundleFailure.Unsupported, BundleVerifier.Verify(bundle, Image, new BundleVerificationPolicy { Identity = identity }).Failure);
            Assert.Equal(BundleFailure.Unsupported, BundleVerifier.Verify(bundle, Image, new BundleVerificationPolicy { Identity = identity, TrustedRoot = PublicGood() }).Failure);
        }
    }

    [Theory]
    [InlineData(Identity, null, Issuer, null)]
    [InlineData(null, "https://github\\.com/sigstore-conformance/.*@refs/heads/main", Issuer, null)]
    [InlineData("https://github.com/someone-else/repo/.github/workflows/release.yml@refs/heads/main", null, Issuer, BundleFailure.IdentityMismatch)]
    [InlineData(null, "github\\.com/sigstore-conformance/", Issuer, BundleFailure.IdentityMismatch)]
    [InlineData(Identity, null, "https://accounts.google.com", BundleFailure.IssuerMismatch)]
    public void KeylessBundleIsAcceptedOnlyForItsIdentityAndIssuer(string? identity, string? pattern, string issuer, BundleFailure? expected)
    {
        (SigstoreBundle bundle, Digest digest, TrustedRoot root) = CustomRootCase();

        BundleCheck check = BundleVerifier.Verify(bundle, digest, new BundleVerificationPolicy { Identity = CertificateIdentityPolicy.Create(identity, pattern, issuer), TrustedRoot = root });

        Assert.Equal(expected, check.Failure);
        Assert.Equal(expected is null, check.Valid);
    }

    [Fact]
    public void KeylessBundleFailsAgainstARootThatDoesNotTrustItsCa()
    {
        (SigstoreBundle bundle, Digest digest, _) = CustomRootCase();

        BundleCheck check = BundleVerifier.Verify(bundle, digest, Keyless(PublicGood()));

        Assert.False(check.Valid);
        Assert.Equal(BundleFailure.TlogInvalid, check.Failure);
    }

    [Fact]
    public void TamperedLogEntriesAreRefused()
    {
        (SigstoreBundle bundle, Digest digest, TrustedRoot root) = CustomRootCase();
        TransparencyLogEntry entry = bundle.Material.TlogEntries[0];
        SigstoreBundle With(TransparencyLogEntry e) => bundle with { Material = bundle.Material with { TlogEntries = [e] } };
        byte[] set = (byte[])entry.SignedEntryTimestamp!.Clone();
        set[^1] ^= 1;
        byte[] body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(entry.CanonicalizedBody).Replace("\"kind\":\"intoto\"", "\"kind\":\"intoto\" ", StringComparison.Ordinal));
        InclusionProof proof = entry.InclusionProof! with { RootHash = new byte[32] };

        Assert.True(BundleVerifier.Verify(bundle, digest, Keyless(root)).Valid);
        Assert.Equal(BundleFailure.TlogInvalid, BundleVerifier.Verify(With(entry with { SignedEntryTimestamp = set }), digest, Keyless(root)).Failure);
        Assert.Equal(BundleFailure.TlogInvalid, BundleVerifier.Verify(With(entry with { IntegratedTime = entry.IntegratedTime + 60 }), digest, Keyless(root)).Failure);
        Assert.Equal(BundleFailure.TlogInvalid, BundleVerifier.Verify(With(entry with { CanonicalizedBody = body }), digest, Keyless(root)).Failure);
        Assert.Equal(BundleFailure.TlogInvalid, BundleVerifier.Verify(With(entry with { InclusionProof = proof }), digest, Keyless(root)).Failure);
        Assert.Equal(BundleFailure.TlogMissing, BundleVerifier.Verify(bundle with { Material = bundle.Material with { TlogEntries = [] } }, digest, Keyless(root)).Failure);
    }

    [Fact]
    public void TamperedKeylessStatementIsRefused()
    {
        (SigstoreBundle bundle, Digest digest, TrustedRoot root) = CustomRootCase();
        JsonNode statement = JsonNode.Parse(Convert.FromBase64String(bundle.Envelope!.Payload))!;
        statement["predicate"] = new JsonObject { ["tampered"] = true };
        DsseEnvelope tampered = bundle.Envelope with { Payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(statement.ToJsonString())) };

        Assert.Equal(BundleFailure.BadSignature, BundleVerifier.Verify(bundle with { Envelope = tampered }, digest, Keyless(root)).Failure);
        Assert.Equal(BundleFailure.SubjectMismatch, BundleVerifier.Verify(bundle, Image, Keyless(root)).Failure);
    }

    [Fact]
    public void InvalidIdentityPatternIsACodedError()
    {
        SecureContainerException ex = Assert.Throws<SecureContainerException>(() => CertificateIdentityPolicy.Create(null, "([unclosed", Issuer));
        Assert.Equal("SC6076", ex.Diagnostic.Code);
    }

    private static BundleVerificationPolicy Keyless(TrustedRoot root) => new() { Identity = CertificateIdentityPolicy.Create(Identity, null, Issuer), TrustedRoot = root };

    private static TrustedRoot PublicGood() => TrustedRoot.Load(Path.Combine(ConformanceVectorTests.TestData(), "public-good-trusted_root.json"));

    /// <summary>sigstore-conformance's intoto-with-custom-trust-root: a keyless DSSE bundle with SET and inclusion proof, and its mock root.</summary>
    private static (SigstoreBundle Bundle, Digest Digest, TrustedRoot Root) CustomRootCase()
    {
        string dir = Path.Combine(ConformanceVectorTests.TestData(), "conformance", "intoto-with-custom-trust-root");
        SigstoreBundle bundle = SigstoreBundleReader.TryParse(File.ReadAllBytes(Path.Combine(dir, "bundle.sigstore.json")), out string problem) ?? throw new InvalidOperationException(problem);
        Digest digest = Digest.Parse("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, "artifact")))));
        return (bundle, digest, TrustedRoot.Load(Path.Combine(dir, "trusted_root.json")));
    }
}

using System.Security.Cryptography.X509Certificates;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Notary;

namespace SecureContainers.Core.Tests.Signing.Notary;

public class NotarySignatureVerifierTests(NotaryFixtures f) : IClassFixture<NotaryFixtures>
{
    private const string Cose = "application/cose";

    private NotaryTrustPolicy Policy(NotaryVerificationLevel level = NotaryVerificationLevel.Strict, string root = "root",
        string tsaRoot = "tsa-root", params string[] identities) =>
        new("test", ["localhost:5000/base/app"], level, f.Roots(root), f.Roots(tsaRoot), identities.Length == 0 ? ["*"] : identities);

    private NotaryVerificationResult Verify(string envelope, NotaryTrustPolicy policy) =>
        NotarySignatureVerifier.Verify(f.Envelope(envelope), Cose, NotaryFixtures.Target, policy, DateTimeOffset.UtcNow);

    private static void AssertFails(NotaryVerificationResult result, NotaryValidation validation, string code)
    {
        Assert.False(result.IsVerified);
        Assert.Contains(result.Failures, x => x.Validation == validation && x.Reason.Code == code && x.Enforced
            && x.Reason.Severity == DiagnosticSeverity.Error);
    }

    [ToolFact("openssl", "python3")]
    public void ValidEnvelopeVerifiesAndSaysWhoSignedItAndWhenTheTsaSawIt()
    {
        NotaryVerificationResult result = Verify("valid", Policy());

        Assert.True(result.IsVerified, string.Join("\n", result.Failures.Select(x => x.Reason)));
        Assert.Empty(result.Failures);
        Assert.Contains("CN=Test Publisher Signing", result.SignerSubject);
        Assert.Equal("notary.x509", result.SigningScheme);
        Assert.Contains("CN=Test Timestamping Authority", result.TimestampAuthority);
        Assert.InRange(result.TimestampTime!.Value, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.False(result.RevocationChecked);
        Assert.Equal("SC4135", result.RevocationNote.Code);
    }

    [ToolFact("openssl", "python3")]
    public void EnvelopeWithoutTimestampVerifiesWhileTheLeafIsValidNow()
    {
        NotaryVerificationResult result = Verify("valid-no-timestamp", Policy());

        Assert.True(result.IsVerified, string.Join("\n", result.Failures.Select(x => x.Reason)));
        Assert.Null(result.TimestampTime);
    }

    [ToolFact("openssl", "python3")]
    public void SignerFromAnotherRootFailsAuthenticityUnlessTheLevelIsAudit()
    {
        AssertFails(Verify("valid", Policy(root: "other-root")), NotaryValidation.Authenticity, "SC4129");
        AssertFails(Verify("valid", Policy(NotaryVerificationLevel.Permissive, root: "other-root")), NotaryValidation.Authenticity, "SC4129");

        NotaryVerificationResult audit = Verify("valid", Policy(NotaryVerificationLevel.Audit, root: "other-root"));
        Assert.True(audit.IsVerified);
        NotaryFailure logged = Assert.Single(audit.Failures);
        Assert.Equal(("SC4129", DiagnosticSeverity.Warning, false), (logged.Reason.Code, logged.Reason.Severity, logged.Enforced));
    }

    [ToolFact("openssl", "python3")]
    public void SignerOutsideTheTrustedIdentitiesIsRefusedAndAMatchingSubjectIsAccepted()
    {
        AssertFails(Verify("valid", Policy(identities: "x509.subject: C=US, ST=WA, O=Someone Else")), NotaryValidation.Authenticity, "SC4131");

        Assert.True(Verify("valid", Policy(identities: "x509.subject: C=US, ST=WA, O=Test Publisher")).IsVerified);
    }

    [ToolFact("openssl", "python3")]
    public void ExpiredLeafWithoutTimestampFailsAuthenticTimestampWhichPermissiveOnlyLogs()
    {
        AssertFails(Verify("expired-leaf-no-timestamp", Policy()), NotaryValidation.AuthenticTimestamp, "SC4132");

        NotaryVerificationResult permissive = Verify("expired-leaf-no-timestamp", Policy(NotaryVerificationLevel.Permissive));
        Assert.True(permissive.IsVerified);
        Assert.Equal("SC4132", Assert.Single(permissive.Failures).Reason.Code);
    }

    [ToolFact("openssl", "python3")]
    public void TimestampOutsideTheLeafsValidityIsRefused()
    {
        NotaryVerificationResult result = Verify("timestamp-outside-validity", Policy());

        AssertFails(result, NotaryValidation.AuthenticTimestamp, "SC4132");
        Assert.NotNull(result.TimestampTime);
        Assert.Contains("the timestamp", Assert.Single(result.Failures).Reason.Message);
    }

    [ToolFact("openssl", "python3")]
    public void TimestampOverOtherBytesThanTheSignatureIsRefused()
    {
        AssertFails(Verify("timestamp-over-other-data", Policy()), NotaryValidation.AuthenticTimestamp, "SC4133");
    }

    [ToolFact("openssl", "python3")]
    public void TimestampFromAnUntrustedTsaIsRefused()
    {
        AssertFails(Verify("valid", Policy(tsaRoot: "other-root")), NotaryValidation.AuthenticTimestamp, "SC4133");
    }

    [ToolFact("openssl", "python3")]
    public void PayloadForAnotherDigestFailsIntegrityAtEveryLevel()
    {
        AssertFails(Verify("other-digest", Policy(NotaryVerificationLevel.Audit)), NotaryValidation.Integrity, "SC4127");
    }

    [ToolFact("openssl", "python3")]
    public void PayloadMustMatchTheTargetsSizeAndMediaTypeToo()
    {
        byte[] envelope = f.Envelope("valid");
        Assert.Equal("SC4127", Assert.Single(NotarySignatureVerifier.Verify(envelope, Cose, NotaryFixtures.Target with { Size = 1235 }, Policy(),
            DateTimeOffset.UtcNow).Failures).Reason.Code);
        Assert.Equal("SC4127", Assert.Single(NotarySignatureVerifier.Verify(envelope, Cose,
            NotaryFixtures.Target with { MediaType = "application/vnd.oci.image.index.v1+json" }, Policy(), DateTimeOffset.UtcNow).Failures).Reason.Code);
    }

    [ToolFact("openssl", "python3")]
    public void AlteredProtectedHeaderBreaksTheSignatureAtEveryLevel()
    {
        AssertFails(Verify("altered-protected-header", Policy(NotaryVerificationLevel.Audit)), NotaryValidation.Integrity, "SC4126");
    }

    [ToolFact("openssl", "python3")]
    public void UnknownCriticalHeaderIsRefused()
    {
        NotaryVerificationResult result = Verify("unknown-critical-header", Policy(NotaryVerificationLevel.Audit));

        AssertFails(result, NotaryValidation.Integrity, "SC4124");
        Assert.Contains("io.example.mustUnderstand", result.Failures[0].Reason.Message);
    }

    [ToolFact("openssl", "python3")]
    public void TwentyMegabyteEnvelopeIsRefusedByTheCapBeforeDecoding()
    {
        byte[] envelope = f.Envelope("oversized");
        Assert.True(envelope.Length > 20 * 1024 * 1024);

        AssertFails(NotarySignatureVerifier.Verify(envelope, Cose, NotaryFixtures.Target, Policy(), DateTimeOffset.UtcNow),
            NotaryValidation.Integrity, "SC4120");
    }

    [ToolFact("openssl", "python3")]
    public void PassedExpiryFailsStrictAndIsLoggedByPermissive()
    {
        AssertFails(Verify("valid-with-expiry-passed", Policy()), NotaryValidation.Expiry, "SC4134");
        Assert.True(Verify("valid-with-expiry-passed", Policy(NotaryVerificationLevel.Permissive)).IsVerified);
    }

    [ToolFact("openssl", "python3")]
    public void TruncatedOrBitFlippedEnvelopesFailWithReasonsNeverExceptions()
    {
        byte[] valid = f.Envelope("valid");
        for (int length = 0; length < valid.Length; length += 97)
        {
            Assert.False(NotarySignatureVerifier.Verify(valid[..length], Cose, NotaryFixtures.Target, Policy(), DateTimeOffset.UtcNow).IsVerified);
        }

        for (int i = 1; i < valid.Length; i += 61)
        {
            byte[] flipped = (byte[])valid.Clone();
            flipped[i] ^= 0x5A;
            NotaryVerificationResult result = NotarySignatureVerifier.Verify(flipped, Cose, NotaryFixtures.Target, Policy(), DateTimeOffset.UtcNow);
            // A flip in the unprotected signing agent changes nothing signed; anything else must fail.
            Assert.All(result.Failures, x => Assert.StartsWith("SC41", x.Reason.Code));
        }
    }

    [ToolFact("openssl", "python3")]
    public void JwsEnvelopesGetTheSameChecksAsCose()
    {
        NotaryVerificationResult Jws(string name, NotaryTrustPolicy policy) =>
            NotarySignatureVerifier.Verify(f.JwsEnvelope(name), "application/jose+json", NotaryFixtures.Target, policy, DateTimeOffset.UtcNow);

        NotaryVerificationResult valid = Jws("valid", Policy());
        Assert.True(valid.IsVerified, string.Join("\n", valid.Failures.Select(x => x.Reason)));
        Assert.NotNull(valid.TimestampTime);
        AssertFails(Jws("valid", Policy(root: "other-root")), NotaryValidation.Authenticity, "SC4129");
        AssertFails(Jws("other-digest", Policy(NotaryVerificationLevel.Audit)), NotaryValidation.Integrity, "SC4127");
        AssertFails(Jws("unknown-critical-header", Policy(NotaryVerificationLevel.Audit)), NotaryValidation.Integrity, "SC4124");
    }

    [Fact]
    public void EnvelopeMediaTypesOtherThanCoseAndJwsAreRefused()
    {
        NotaryVerificationResult result = NotarySignatureVerifier.Verify("{}"u8.ToArray(), "application/vnd.dev.sigstore.bundle.v0.3+json",
            NotaryFixtures.Target, new NotaryTrustPolicy("p", ["*"], NotaryVerificationLevel.Audit, [], [], ["*"]), DateTimeOffset.UtcNow);

        AssertFails(result, NotaryValidation.Integrity, "SC4121");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[1,2]")]
    [InlineData("{\"protected\":\"!!\",\"payload\":\"\",\"signature\":\"\",\"header\":{}}")]
    public void JwsThatIsNotANotaryEnvelopeIsMalformed(string json)
    {
        NotaryVerificationResult result = NotarySignatureVerifier.Verify(System.Text.Encoding.UTF8.GetBytes(json), "application/jose+json",
            NotaryFixtures.Target, new NotaryTrustPolicy("p", ["*"], NotaryVerificationLevel.Audit, [], [], ["*"]), DateTimeOffset.UtcNow);

        AssertFails(result, NotaryValidation.Integrity, "SC4122");
    }

    [Fact]
    public void BytesThatAreNotCoseAreMalformed()
    {
        NotaryVerificationResult result = NotarySignatureVerifier.Verify([0xD2, 0x84, 0x40], Cose, NotaryFixtures.Target,
            new NotaryTrustPolicy("p", ["*"], NotaryVerificationLevel.Audit, [], [], ["*"]), DateTimeOffset.UtcNow);

        AssertFails(result, NotaryValidation.Integrity, "SC4122");
    }

    [Fact]
    public void AnExactRegistryScopeWinsOverTheWildcard()
    {
        var wildcard = new NotaryTrustPolicy("any", ["*"], NotaryVerificationLevel.Audit, [], [], ["*"]);
        var exact = new NotaryTrustPolicy("mcr", ["mcr.microsoft.com/dotnet/aspnet"], NotaryVerificationLevel.Strict, [], [], ["*"]);

        Assert.Same(exact, NotaryTrustPolicy.Select([wildcard, exact], "mcr.microsoft.com/dotnet/aspnet"));
        Assert.Same(wildcard, NotaryTrustPolicy.Select([wildcard, exact], "docker.io/library/debian"));
        Assert.Null(NotaryTrustPolicy.Select([exact], "docker.io/library/debian"));
    }
}

using System.Security.Cryptography.X509Certificates;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Signing.Notary;

namespace SecureContainers.Core.Tests.Signing.Notary;

/// <summary>
/// COSE envelopes made by notation itself (TestData/notation-go/SOURCE.md), with the trust stores notation-go's own tests
/// use: what notation accepts, this verifier must accept, and for the same reasons.
/// </summary>
public class NotationGoVectorTests
{
    private static readonly Descriptor Target = new("application/vnd.docker.distribution.manifest.v2+json",
        Digest.Parse("sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda"), 528);

    private static string Data(string name) =>
        RepositoryRoot.Combine("tests", "SecureContainers.Core.Tests", "Signing", "Notary", "TestData", "notation-go", name);

    private static NotaryTrustPolicy Policy(string signingRoot, string tsaRoot = "globalsignRoot.cer") =>
        new("notation-go", ["*"], NotaryVerificationLevel.Strict,
            [X509CertificateLoader.LoadCertificateFromFile(Data(signingRoot))],
            [X509CertificateLoader.LoadCertificateFromFile(Data(tsaRoot))], ["*"]);

    private static NotaryVerificationResult Verify(string envelope, NotaryTrustPolicy policy, Descriptor? target = null) =>
        NotarySignatureVerifier.Verify(File.ReadAllBytes(Data(envelope)), envelope.StartsWith("jws", StringComparison.Ordinal) ? "application/jose+json" : "application/cose",
            target ?? Target, policy,
            new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("coseWithTimestamp.sig")]
    [InlineData("jwsWithTimestamp.sig")]
    public void NotationsTimestampedEnvelopeVerifies(string envelope)
    {
        NotaryVerificationResult result = Verify(envelope, Policy("TestTimestamp.crt"));

        Assert.True(result.IsVerified, string.Join("\n", result.Failures.Select(f => f.Reason)));
        Assert.Contains("CN=alpine", result.SignerSubject);
        Assert.NotNull(result.TimestampTime);
    }

    [Theory]
    [InlineData("coseExpiredWithTimestamp.sig")]
    [InlineData("jwsExpiredWithTimestamp.sig")]
    public void NotationsEnvelopeWithAnExpiredLeafPassesTheTimestampCheckBecauseItsTimestampIsInsideTheLeafsValidity(string envelope)
    {
        // notation-go checks this vector's timestamp alone; its self-signed leaf is in no trust store, so authenticity
        // fails and is only logged at the audit level, leaving the timestamp check to prove.
        NotaryVerificationResult result = Verify(envelope, Policy("TestTimestamp.crt") with { Level = NotaryVerificationLevel.Audit });

        Assert.True(result.IsVerified);
        Assert.Equal(["SC4129"], result.Failures.Select(f => f.Reason.Code));
        Assert.InRange(result.TimestampTime!.Value, new DateTimeOffset(2024, 6, 18, 7, 20, 31, TimeSpan.Zero),
            new DateTimeOffset(2024, 6, 18, 7, 30, 31, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("coseWithTimestamp.sig")]
    [InlineData("jwsWithTimestamp.sig")]
    public void NotationsEnvelopeIsRefusedForAnotherManifestAndAgainstAnotherTsaRoot(string envelope)
    {
        Assert.Equal("SC4127", Assert.Single(Verify(envelope, Policy("TestTimestamp.crt"), Target with { Size = 529 }).Failures).Reason.Code);
        Assert.Equal("SC4133", Assert.Single(Verify(envelope, Policy("TestTimestamp.crt", tsaRoot: "TestTimestamp.crt")).Failures).Reason.Code);
    }

    [Fact]
    public void AlteredJwsProtectedHeaderBreaksNotationsSignature()
    {
        string text = File.ReadAllText(Data("jwsWithTimestamp.sig"));
        using var doc = System.Text.Json.JsonDocument.Parse(text);
        string original = doc.RootElement.GetProperty("protected").GetString()!;
        // Same header with the signing time moved: still valid JSON and base64url, no longer what was signed.
        string header = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(original.Replace('-', '+').Replace('_', '/') + new string('=', (4 - original.Length % 4) % 4)));
        string altered = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(header.Replace("14:29:33", "14:29:34"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.NotEqual(original, altered);

        NotaryVerificationResult result = NotarySignatureVerifier.Verify(System.Text.Encoding.UTF8.GetBytes(text.Replace(original, altered)),
            "application/jose+json", Target, Policy("TestTimestamp.crt") with { Level = NotaryVerificationLevel.Audit }, DateTimeOffset.UtcNow);

        Assert.Equal(["SC4126"], result.Failures.Select(f => f.Reason.Code));
    }
}

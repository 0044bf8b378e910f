using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Keyless;

namespace SecureContainers.Core.Tests.Signing.Keyless;

/// <summary>The Fulcio v2 request as sigstore-js sends it, both answer shapes, and every failure coded without the token.</summary>
public sealed class FulcioClientTests
{
    [Fact]
    public async Task TheRequestCarriesTheTokenThePemKeyAndAProofOfPossessionOverTheSubject()
    {
        using FakeSigstore fake = new();
        using HttpClient http = fake.Client();
        using EphemeralSigner key = new();
        IdentityToken token = IdentityToken.Parse(fake.Jwt, "test");

        await new FulcioClient(http, fake.Options).RequestCertificateAsync(token, key, default);

        var request = Assert.Single(fake.Requests);
        Assert.Equal("https://fulcio.test/api/v2/signingCert", request.Uri.AbsoluteUri);
        using JsonDocument body = JsonDocument.Parse(request.Body);
        JsonElement root = body.RootElement;
        Assert.Equal(["credentials", "publicKeyRequest"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(fake.Jwt, root.GetProperty("credentials").GetProperty("oidcIdentityToken").GetString());
        JsonElement publicKey = root.GetProperty("publicKeyRequest").GetProperty("publicKey");
        Assert.Equal("ECDSA", publicKey.GetProperty("algorithm").GetString());
        Assert.Equal(key.PublicKeyPem, publicKey.GetProperty("content").GetString());
        byte[] proof = Convert.FromBase64String(root.GetProperty("publicKeyRequest").GetProperty("proofOfPossession").GetString()!);
        Assert.True(key.PublicKey.Verify(Encoding.UTF8.GetBytes(FakeSigstore.Subject), proof), "the proof of possession is not a signature over the 'sub' claim");
    }

    [Theory]
    [InlineData("signedCertificateEmbeddedSct", false)]
    [InlineData("signedCertificateDetachedSct", true)]
    public void BothAnswerShapesGiveTheLeafFirstAndTheChain(string kind, bool detached)
    {
        using FakeSigstore fake = new();
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        FulcioCertificate certificate = FulcioClient.ParseAnswer(Encoding.UTF8.GetBytes(fake.CertificateAnswer(key, kind)), "fulcio.test");

        using var leaf = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.Leaf);
        Assert.Equal("CN=sigstore", leaf.Subject);
        Assert.Equal(fake.CaCertificate.RawData, Assert.Single(certificate.Chain));
        Assert.Equal(detached, certificate.DetachedSct is not null);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", certificate.LeafPem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACertificateForAnotherKeyIsSC6061AndNothingIsSigned()
    {
        using FakeSigstore fake = new();
        using ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        fake.Overrides["/api/v2/signingCert"] = _ => FakeSigstore.Answer(HttpStatusCode.Created, fake.CertificateAnswer(other, "signedCertificateEmbeddedSct"));
        using HttpClient http = fake.Client();
        using EphemeralSigner key = new();

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() =>
            new FulcioClient(http, fake.Options).RequestCertificateAsync(IdentityToken.Parse(fake.Jwt, "test"), key, default));

        Assert.Equal("SC6061", e.Diagnostic.Code);
        Assert.Contains(key.PublicKey.Fingerprint, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusalIsSC6053QuotingFulciosMessageWithTheTokenRemoved()
    {
        using FakeSigstore fake = new();
        // A Fulcio (or a proxy in front of it) that echoes the token it refused, whole and in parts.
        string[] parts = fake.Jwt.Split('.');
        fake.Overrides["/api/v2/signingCert"] = _ => FakeSigstore.Answer(HttpStatusCode.Unauthorized,
            JsonSerializer.Serialize(new { code = 401, message = $"invalid token {fake.Jwt} (claims {parts[1]}, signature {parts[2]})" }));
        using HttpClient http = fake.Client();
        using EphemeralSigner key = new();

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() =>
            new FulcioClient(http, fake.Options).RequestCertificateAsync(IdentityToken.Parse(fake.Jwt, "test"), key, default));

        Assert.Equal("SC6053", e.Diagnostic.Code);
        Assert.Contains("HTTP 401", e.Message, StringComparison.Ordinal);
        Assert.Contains("invalid token [redacted]", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(parts[1], e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(parts[2], e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html>proxy login</html>", "invalid JSON")]
    [InlineData("""{"certificate":"x"}""", "neither 'signedCertificateEmbeddedSct'")]
    [InlineData("""{"signedCertificateEmbeddedSct":{"chain":{"certificates":[]}}}""", "1 to 10 certificates")]
    [InlineData("""{"signedCertificateEmbeddedSct":{"chain":{"certificates":["MIIB"]}}}""", "not a 'CERTIFICATE' PEM block")]
    [InlineData("""{"signedCertificateEmbeddedSct":{"chain":{"certificates":["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]}}}""", "not a valid X.509")]
    public void AnAnswerThatIsNotACertificateChainIsSC6054(string answer, string detail)
    {
        SecureContainerException e = Assert.Throws<SecureContainerException>(() => FulcioClient.ParseAnswer(Encoding.UTF8.GetBytes(answer), "fulcio.test"));

        Assert.Equal("SC6054", e.Diagnostic.Code);
        Assert.Contains(detail, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnswerOverTheCapIsRefusedWithoutReadingIt()
    {
        using FakeSigstore fake = new();
        fake.Overrides["/api/v2/signingCert"] = _ => FakeSigstore.Answer(HttpStatusCode.Created, new string(' ', 4096));
        using HttpClient http = fake.Client();
        using EphemeralSigner key = new();

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() =>
            new FulcioClient(http, fake.Options with { MaxResponseBytes = 1024 }).RequestCertificateAsync(IdentityToken.Parse(fake.Jwt, "test"), key, default));

        Assert.Equal("SC6054", e.Diagnostic.Code);
        Assert.Contains("larger than 1024 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFulcioThatNeverAnswersIsSC6057AfterTheTimeout()
    {
        using FakeSigstore fake = new();
        fake.Silent.Add("/api/v2/signingCert");
        using HttpClient http = fake.Client();
        using EphemeralSigner key = new();

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() =>
            new FulcioClient(http, fake.Options with { Timeout = TimeSpan.FromMilliseconds(200) }).RequestCertificateAsync(IdentityToken.Parse(fake.Jwt, "test"), key, default));

        Assert.Equal("SC6057", e.Diagnostic.Code);
        Assert.Contains("Fulcio at fulcio.test", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancellationIsTheCallersNotAnError()
    {
        using FakeSigstore fake = new();
        using HttpClient http = fake.Client();
        using EphemeralSigner key = new();
        using CancellationTokenSource cancelled = new();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new FulcioClient(http, fake.Options).RequestCertificateAsync(IdentityToken.Parse(fake.Jwt, "test"), key, cancelled.Token));
    }
}

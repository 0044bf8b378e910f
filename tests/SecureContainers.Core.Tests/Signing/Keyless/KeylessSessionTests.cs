using System.Net;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Dsse;
using SecureContainers.Core.Signing.Keyless;

namespace SecureContainers.Core.Tests.Signing.Keyless;

/// <summary>A keyless session from token to bundle, the key-based Rekor witness, and the token absent from every failure.</summary>
public sealed class KeylessSessionTests
{
    private static readonly byte[] Statement = """{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}"""u8.ToArray();

    [Fact]
    public async Task ASignedEnvelopeIsWitnessedWithTheLeafCertificateAndAnIntotoEntryNamingIt()
    {
        using FakeSigstore fake = new();
        using HttpClient http = fake.Client();

        using KeylessSession session = await KeylessSigning.StartAsync(fake.Options, fake.GitHubActionsEnvironment, http, default);
        DsseEnvelope envelope = DsseEnvelope.Sign(DsseEnvelope.InTotoPayloadType, Statement, session);
        VerificationMaterial material = await session.WitnessAsync(envelope, null, default);

        Assert.True(envelope.IsSignedBy(session.PublicKey));
        Assert.Equal(FakeSigstore.Issuer, session.Issuer);
        Assert.Equal(session.Certificate.Leaf, material.Certificate);
        Assert.Null(material.PublicKeyHint);
        TransparencyLogEntry entry = Assert.Single(material.TlogEntries);
        Assert.Equal("intoto", entry.Kind);
        // The entry names the signer by its certificate, which verifiers compare with the bundle's.
        using JsonDocument body = JsonDocument.Parse(entry.CanonicalizedBody);
        string logged = body.RootElement.GetProperty("spec").GetProperty("content").GetProperty("envelope").GetProperty("signatures")[0].GetProperty("publicKey").GetString()!;
        Assert.Equal(session.Certificate.LeafPem, Encoding.UTF8.GetString(Convert.FromBase64String(logged)));
        Assert.Equal(["/idtoken", "/api/v2/signingCert", "/api/v1/log/entries"], fake.Requests.Select(r => r.Uri.AbsolutePath));
    }

    [Fact]
    public async Task TheBundleWrittenFromTheSessionReadsBackWithCertificateAndEntry()
    {
        using FakeSigstore fake = new();
        using HttpClient http = fake.Client();
        using KeylessSession session = await KeylessSigning.StartAsync(fake.Options, fake.GitHubActionsEnvironment, http, default);
        DsseEnvelope envelope = DsseEnvelope.Sign(DsseEnvelope.InTotoPayloadType, Statement, session);

        byte[] json = new SigstoreBundle(await session.WitnessAsync(envelope, null, default), envelope, null).ToJson();
        SigstoreBundle? read = SigstoreBundleReader.TryParse(json, out string problem);

        Assert.True(read is not null, problem);
        Assert.Equal(session.Certificate.Leaf, read.Material.Certificate);
        TransparencyLogEntry entry = Assert.Single(read.Material.TlogEntries);
        Assert.NotNull(entry.SignedEntryTimestamp);
        Assert.NotNull(entry.InclusionProof);
        Assert.Equal("dsse-envelope", read.Content);
    }

    [Fact]
    public async Task AMessageSignatureIsLoggedAsHashedRekord()
    {
        using FakeSigstore fake = new();
        using HttpClient http = fake.Client();
        using KeylessSession session = await KeylessSigning.StartAsync(fake.Options, fake.GitHubActionsEnvironment, http, default);
        byte[] blob = "artifact"u8.ToArray();

        VerificationMaterial material = await session.WitnessAsync(null, new MessageSignature("SHA2_256", System.Security.Cryptography.SHA256.HashData(blob), session.Sign(blob)), default);

        Assert.Equal("hashedrekord", Assert.Single(material.TlogEntries).Kind);
    }

    [Fact]
    public async Task ACertificateThatExpiredBeforeTheSignatureIsLoggedIsSC6063AndRekorIsNotAsked()
    {
        using FakeSigstore fake = new();
        using HttpClient http = fake.Client();
        using KeylessSession started = await KeylessSigning.StartAsync(fake.Options, fake.GitHubActionsEnvironment, http, default);
        using EphemeralSigner key = new();
        KeylessSession late = new(key, started.Certificate, started.Issuer, started.Identity, new RekorClient(http, fake.Options))
        {
            Now = () => started.Certificate.NotAfter.AddSeconds(1),
        };
        DsseEnvelope envelope = DsseEnvelope.Sign(DsseEnvelope.InTotoPayloadType, Statement, late);
        int before = fake.Requests.Count;

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() => late.WitnessAsync(envelope, null, default));

        Assert.Equal("SC6063", e.Diagnostic.Code);
        Assert.Equal(before, fake.Requests.Count);
    }

    public static TheoryData<string, int> FailurePoints() => new()
    {
        { "/api/v2/signingCert", 401 },
        { "/api/v2/signingCert", 500 },
        { "/api/v1/log/entries", 400 },
        { "/api/v1/log/entries", 200 },
    };

    /// <summary>Whatever fails, the coded error – message, inner exceptions, stack – holds neither the identity token nor the GitHub request token.</summary>
    [Theory]
    [MemberData(nameof(FailurePoints))]
    public async Task NoFailureCarriesTheTokenOrTheRequestToken(string path, int status)
    {
        using FakeSigstore fake = new();
        // Each service echoes what it received, the token first where it got one (Rekor never does).
        fake.Overrides[path] = body => FakeSigstore.Answer((HttpStatusCode)status, JsonSerializer.Serialize(new { message = $"echo: {body}" }));
        using HttpClient http = fake.Client();

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(async () =>
        {
            using KeylessSession session = await KeylessSigning.StartAsync(fake.Options, fake.GitHubActionsEnvironment, http, default);
            DsseEnvelope envelope = DsseEnvelope.Sign(DsseEnvelope.InTotoPayloadType, Statement, session);
            await session.WitnessAsync(envelope, null, default);
        });

        Assert.StartsWith("SC605", e.Diagnostic.Code, StringComparison.Ordinal);
        foreach (string secret in fake.Jwt.Split('.').Skip(1).Append(fake.Jwt).Append(FakeSigstore.RequestToken))
        {
            Assert.DoesNotContain(secret, e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, e.Diagnostic.CliMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AKeyBasedSignatureCanBeLoggedKeepingItsHintAndNamingItsPublicKey()
    {
        using FakeSigstore fake = new();
        using HttpClient http = fake.Client();
        using EphemeralSigner fileKeyStandIn = new();
        TransparencyLogWitness witness = new(new RekorClient(http, fake.Options), fileKeyStandIn, "key-hint");
        DsseEnvelope envelope = DsseEnvelope.Sign(DsseEnvelope.InTotoPayloadType, Statement, fileKeyStandIn);

        VerificationMaterial material = await witness.WitnessAsync(envelope, null, default);

        Assert.Equal("key-hint", material.PublicKeyHint);
        Assert.Null(material.Certificate);
        using JsonDocument body = JsonDocument.Parse(Assert.Single(material.TlogEntries).CanonicalizedBody);
        string logged = body.RootElement.GetProperty("spec").GetProperty("content").GetProperty("envelope").GetProperty("signatures")[0].GetProperty("publicKey").GetString()!;
        Assert.Equal(fileKeyStandIn.PublicKeyPem, Encoding.UTF8.GetString(Convert.FromBase64String(logged)));
    }
}

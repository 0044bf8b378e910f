using System.Security.Cryptography;
using System.Text;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Dsse;
using SecureContainers.Core.Signing.Keyless;
using SecureContainers.TestUtilities.Signing;

namespace SecureContainers.Core.Tests.Signing.Keyless;

/// <summary>
/// Keyless signing against the sigstore project's own mock Fulcio and Rekor (eng/sigstore-mock), and the bundles it
/// produces checked by the sigstore project's own verifier, @sigstore/verify, against the mock's trusted root: the
/// independent proof that what we write is what sigstore verifiers accept, for the right identity only.
/// </summary>
public sealed class KeylessMockServerTests : IDisposable
{
    private const string OtherIdentity = "https://github.com/someone-else/fork/.github/workflows/release.yml@refs/heads/main";

    private static readonly byte[] Statement = Encoding.UTF8.GetBytes(
        """{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"registry.test/app","digest":{"sha256":"0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}""");

    private readonly string _dir = Directory.CreateTempSubdirectory("sc-keyless-").FullName;
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static KeylessOptions Options => new() { FulcioUrl = SigstoreMock.FulcioUrl, RekorUrl = SigstoreMock.RekorUrl, Timeout = TimeSpan.FromSeconds(30) };

    private async Task<string> SignDsseBundleAsync(Func<string, string?> environment)
    {
        using KeylessSession session = await KeylessSigning.StartAsync(Options, environment, _http, default);
        DsseEnvelope envelope = DsseEnvelope.Sign(DsseEnvelope.InTotoPayloadType, Statement, session);
        VerificationMaterial material = await session.WitnessAsync(envelope, null, default);
        string file = Path.Combine(_dir, $"{Guid.NewGuid():N}.sigstore.json");
        await File.WriteAllBytesAsync(file, new SigstoreBundle(material, envelope, null).ToJson());
        return file;
    }

    [SigstoreMockFact]
    public async Task AKeylessDsseBundleVerifiesWithSigstoreVerifyForTheWorkflowIdentityAndIssuer()
    {
        SigstoreMock.EnsureRunning();
        string bundle = await SignDsseBundleAsync(SigstoreMock.GitHubActionsEnvironment());

        (int exit, string output) = SigstoreMock.Verify(bundle, SigstoreMock.Identity, SigstoreMock.Issuer);

        Assert.True(exit == 0, output);
    }

    [SigstoreMockFact]
    public async Task TheSameBundleFailsForAnotherIdentityOrAnotherIssuer()
    {
        SigstoreMock.EnsureRunning();
        string bundle = await SignDsseBundleAsync(SigstoreMock.GitHubActionsEnvironment());

        (int otherIdentity, string identityOutput) = SigstoreMock.Verify(bundle, OtherIdentity, SigstoreMock.Issuer);
        (int otherIssuer, string issuerOutput) = SigstoreMock.Verify(bundle, SigstoreMock.Identity, "https://gitlab.com");

        Assert.True(otherIdentity == 1, identityOutput);
        Assert.Contains("UNTRUSTED_SIGNER_ERROR", identityOutput, StringComparison.Ordinal);
        Assert.True(otherIssuer == 1, issuerOutput);
        Assert.Contains("UNTRUSTED_SIGNER_ERROR", issuerOutput, StringComparison.Ordinal);
    }

    [SigstoreMockFact]
    public async Task TheCertificateCarriesTheIdentityTheTokenNamed()
    {
        SigstoreMock.EnsureRunning();
        string bundle = await SignDsseBundleAsync(SigstoreMock.GitHubActionsEnvironment("sub=" + Uri.EscapeDataString(OtherIdentity)));

        (int exit, string output) = SigstoreMock.Verify(bundle, OtherIdentity, SigstoreMock.Issuer);
        (int workflow, string workflowOutput) = SigstoreMock.Verify(bundle, SigstoreMock.Identity, SigstoreMock.Issuer);

        Assert.True(exit == 0, output);
        Assert.True(workflow == 1, workflowOutput);
        Assert.Contains("UNTRUSTED_SIGNER_ERROR", workflowOutput, StringComparison.Ordinal);
    }

    [SigstoreMockFact]
    public async Task ATamperedStatementInTheBundleFailsVerification()
    {
        SigstoreMock.EnsureRunning();
        using KeylessSession session = await KeylessSigning.StartAsync(Options, SigstoreMock.GitHubActionsEnvironment(), _http, default);
        DsseEnvelope envelope = DsseEnvelope.Sign(DsseEnvelope.InTotoPayloadType, Statement, session);
        VerificationMaterial material = await session.WitnessAsync(envelope, null, default);
        byte[] tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Statement).Replace("registry.test/app", "registry.test/evil", StringComparison.Ordinal));
        string file = Path.Combine(_dir, "tampered.sigstore.json");
        await File.WriteAllBytesAsync(file, new SigstoreBundle(material, envelope with { Payload = Convert.ToBase64String(tampered) }, null).ToJson());

        (int exit, string output) = SigstoreMock.Verify(file, SigstoreMock.Identity, SigstoreMock.Issuer);

        Assert.True(exit == 1, output);
        Assert.Contains("\"ok\":false", output, StringComparison.Ordinal);
    }

    [SigstoreMockFact]
    public async Task AKeylessMessageSignatureBundleVerifiesOverTheArtifact()
    {
        SigstoreMock.EnsureRunning();
        byte[] artifact = Encoding.UTF8.GetBytes("an artifact signed keyless");
        string artifactFile = Path.Combine(_dir, "artifact.txt");
        await File.WriteAllBytesAsync(artifactFile, artifact);
        using KeylessSession session = await KeylessSigning.StartAsync(Options, SigstoreMock.GitHubActionsEnvironment(), _http, default);
        MessageSignature message = new("SHA2_256", SHA256.HashData(artifact), session.Sign(artifact));
        string file = Path.Combine(_dir, "message.sigstore.json");
        await File.WriteAllBytesAsync(file, new SigstoreBundle(await session.WitnessAsync(null, message, default), null, message).ToJson());

        (int exit, string output) = SigstoreMock.Verify(file, SigstoreMock.Identity, SigstoreMock.Issuer, artifactFile);

        Assert.True(exit == 0, output);
    }

    [SigstoreMockFact]
    public async Task AWrongRequestTokenIsSC6051AndTheMessageHoldsNoToken()
    {
        SigstoreMock.EnsureRunning();
        const string wrong = "not-the-runner-token-0123456789";

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() =>
            KeylessSigning.StartAsync(Options, SigstoreMock.GitHubActionsEnvironment(requestToken: wrong), _http, default));

        Assert.Equal("SC6051", e.Diagnostic.Code);
        Assert.Contains("HTTP 401", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, e.ToString(), StringComparison.Ordinal);
    }

    [SigstoreMockFact]
    public async Task ATokenForAnotherAudienceIsRefusedByFulcioAsSC6053WithoutTheToken()
    {
        SigstoreMock.EnsureRunning();
        // A token fetched with GitHub's default audience, handed over as SIGSTORE_ID_TOKEN.
        string jwt;
        using (HttpRequestMessage request = new(HttpMethod.Get, SigstoreMock.GitHubActionsEnvironment()("ACTIONS_ID_TOKEN_REQUEST_URL") + "&audience=api://AzureADTokenExchange"))
        {
            request.Headers.Authorization = new("Bearer", SigstoreMock.GitHubActionsEnvironment()("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
            using HttpResponseMessage response = await _http.SendAsync(request);
            using System.Text.Json.JsonDocument answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            jwt = answer.RootElement.GetProperty("value").GetString()!;
        }

        SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() =>
            KeylessSigning.StartAsync(Options, n => n == "SIGSTORE_ID_TOKEN" ? jwt : null, _http, default));

        Assert.Equal("SC6053", e.Diagnostic.Code);
        Assert.Contains("HTTP 401", e.Message, StringComparison.Ordinal);
        foreach (string part in jwt.Split('.').Skip(1))
        {
            Assert.DoesNotContain(part, e.ToString(), StringComparison.Ordinal);
        }
    }
}

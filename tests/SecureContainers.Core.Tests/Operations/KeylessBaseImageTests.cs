using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Operations;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Keyless;
using SecureContainers.TestUtilities.Signing;
using FakeRegistry = SecureContainers.TestUtilities.Registry.FakeRegistry;

namespace SecureContainers.Core.Tests.Operations;

/// <summary>
/// The pre-push gate's keyless base-image check (SecureContainerVerifyBaseImageIdentity, ...OidcIssuer, ...TrustedRoot):
/// a base signed keyless by a CI workflow (against the sigstore project's mock Fulcio and Rekor) passes for that
/// workflow's identity and is refused, before any layer is read, for another identity or issuer.
/// </summary>
public sealed class KeylessBaseImageTests : IDisposable
{
    private const string OtherIdentity = "https://github.com/someone-else/fork/.github/workflows/release.yml@refs/heads/main";

    private readonly FakeRegistry _registry = new();
    private readonly string _cache = Directory.CreateTempSubdirectory("sc-keyless-base-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private async Task<FakeRegistry.FakeImage> SignedBaseAsync()
    {
        FakeRegistry.FakeImage image = _registry.AddImage("base/aspnet", "10.0", new Platform("linux", "amd64"));
        using RegistryClient client = new(_registry.Options());
        KeylessOptions sigstore = new() { FulcioUrl = SigstoreMock.FulcioUrl, RekorUrl = SigstoreMock.RekorUrl };
        using SigningIdentity identity = await SigningIdentity.KeylessAsync(sigstore, SigstoreMock.GitHubActionsEnvironment(), default);
        await ImageSigning.SignAsync(client, new ImageSigningRequest(_registry.Host, "base/aspnet", image.Digest, identity.Signer)
        {
            Format = SignatureFormat.Bundle,
            Witness = identity.Witness,
        }, default);
        return image;
    }

    private async Task<(PrePushResult Result, DiagnosticBag Bag)> CheckAsync(string identity, string issuer)
    {
        DiagnosticBag bag = new();
        SecureContainerSettings settings = SettingsReader.Read(new RawSettings
        {
            Properties = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            {
                [SettingNames.CacheDirectory] = _cache,
                [SettingNames.VerifyBaseImageIdentity] = identity,
                [SettingNames.VerifyBaseImageOidcIssuer] = issuer,
                [SettingNames.VerifyBaseImageTrustedRoot] = SigstoreMock.TrustedRoot,
            },
            TrustedBaseImages = [new RawItem($"{_registry.Host}/base/*")],
        }, bag);
        using RegistryClient client = new(_registry.Options());
        PrePushResult result = await new PrePushCheck(client, bag).RunAsync(new PrePushRequest
        {
            Settings = settings,
            BaseImage = ImageReference.Parse($"{_registry.Host}/base/aspnet:10.0"),
            RuntimeIdentifiers = ["linux-x64"],
            TargetImage = $"{_registry.Host}/app",
            Tags = ["1.0"],
            GetEnvironmentVariable = _ => null,
        }, default);
        return (result, bag);
    }

    [SigstoreMockFact]
    public async Task ABaseSignedKeylessByTheWorkflowPassesTheGate()
    {
        SigstoreMock.EnsureRunning();
        await SignedBaseAsync();

        (PrePushResult result, DiagnosticBag bag) = await CheckAsync(SigstoreMock.Identity, SigstoreMock.Issuer);

        Assert.DoesNotContain(bag.Items, d => d.Code is "SC6079" or "SC6070" or "SC6077");
        Assert.True(result.Passed, string.Join("\n", bag.Items));
    }

    [SigstoreMockFact]
    public async Task ABaseSignedByAnotherIdentityOrIssuerIsRefusedWithoutReadingItsLayers()
    {
        SigstoreMock.EnsureRunning();
        FakeRegistry.FakeImage image = await SignedBaseAsync();

        (PrePushResult otherIdentity, DiagnosticBag identityBag) = await CheckAsync(OtherIdentity, SigstoreMock.Issuer);
        (PrePushResult otherIssuer, DiagnosticBag issuerBag) = await CheckAsync(SigstoreMock.Identity, "https://gitlab.com");

        Assert.False(otherIdentity.Passed);
        Assert.Contains(identityBag.Items, d => d.Code == "SC6079");
        Assert.False(otherIssuer.Passed);
        Assert.Contains(issuerBag.Items, d => d.Code == "SC6079");
        Assert.Equal(0, _registry.CountRequests(r => image.Layers.Any(l => r.Uri.AbsolutePath.EndsWith(l.Digest.ToString(), StringComparison.Ordinal))));
    }
}

using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Operations;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Tests.Layers;
using FakeRegistry = SecureContainers.TestUtilities.Registry.FakeRegistry;

namespace SecureContainers.Core.Tests.Operations;

/// <summary>
/// With nothing configured, a base from Microsoft's signed repositories is checked against the built-in policy: the
/// pre-push check must ask for its Notary signatures, and an unsigned one is refused under Restricted without a layer read.
/// </summary>
public sealed class PrePushNotaryDefaultTests : IDisposable
{
    private readonly FakeRegistry _registry = new("mcr.microsoft.com");
    private readonly string _dir = Directory.CreateTempSubdirectory("sc-notary-default-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(PrePushResult Result, DiagnosticBag Bag, FakeRegistry.FakeImage Image)> CheckAsync(string profile, string repository)
    {
        FakeRegistry.FakeImage image = _registry.AddImage(repository, "10.0", new Platform("linux", "amd64"),
            layers: new TestLayer().Dir("etc").File("etc/passwd", "app:x:1654:1654::/:/x\n").Build().Bytes);
        DiagnosticBag bag = new();
        SecureContainerSettings settings = SettingsReader.Read(new RawSettings
        {
            Properties = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            {
                [SettingNames.CacheDirectory] = Path.Combine(_dir, "cache"),
                [SettingNames.Profile] = profile,
                [SettingNames.RequireSigning] = "false",
                [SettingNames.RequireBaseImageDigest] = "false",
                [SettingNames.VulnerabilityCheck] = "false",
            },
        }, bag);
        PrePushRequest request = new()
        {
            Settings = settings,
            BaseImage = ImageReference.Parse($"mcr.microsoft.com/{repository}:10.0"),
            RuntimeIdentifiers = ["linux-x64"],
            TargetImage = "registry.test/app",
            Tags = ["1.0"],
            GetEnvironmentVariable = _ => null,
        };
        using RegistryClient client = new(_registry.Options());
        return (await new PrePushCheck(client, bag).RunAsync(request, CancellationToken.None), bag, image);
    }

    private int LayerReads(FakeRegistry.FakeImage image) =>
        _registry.CountRequests(r => image.Layers.Any(l => r.Uri.AbsolutePath.EndsWith(l.Digest.ToString(), StringComparison.Ordinal)));

    [Fact]
    public async Task UnsignedMicrosoftBaseIsRefusedUnderRestrictedByTheBuiltInPolicyWithoutReadingItsLayers()
    {
        (PrePushResult result, DiagnosticBag bag, FakeRegistry.FakeImage image) = await CheckAsync("Restricted", "dotnet/aspnet");

        Assert.False(result.Passed);
        Diagnostic refused = Assert.Single(bag.Items, d => d.Code == "SC4138");
        Assert.Equal(DiagnosticSeverity.Error, refused.Severity);
        Assert.Contains("trust policy 'microsoft-supply-chain'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("no Notary signature refers to it", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, LayerReads(image));
    }

    [Fact]
    public async Task UnsignedMicrosoftBaseIsAWarningUnderBaselineAndItsContentIsRead()
    {
        (PrePushResult result, DiagnosticBag bag, FakeRegistry.FakeImage image) = await CheckAsync("Baseline", "dotnet/runtime-deps");

        Assert.True(result.Passed);
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(bag.Items, d => d.Code == "SC4138").Severity);
        Assert.True(LayerReads(image) > 0);
    }

    [Fact]
    public async Task ARepositoryNoPolicyCoversIsNotAskedForNotarySignatures()
    {
        (PrePushResult result, DiagnosticBag bag, _) = await CheckAsync("Restricted", "other/image");

        Assert.DoesNotContain(bag.Items, d => d.Code.StartsWith("SC413", StringComparison.Ordinal) || d.Code.StartsWith("SC414", StringComparison.Ordinal));
        Assert.Equal(0, _registry.CountRequests(r => r.Uri.AbsolutePath.Contains("/manifests/sha256-", StringComparison.Ordinal) || r.Uri.AbsolutePath.Contains("/referrers/", StringComparison.Ordinal)));
    }
}

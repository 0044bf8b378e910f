using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Operations;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Keyless;

namespace SecureContainers.Core.Tests.Signing.Keyless;

/// <summary>Keyless mode fails before the push when it could not sign afterwards, and never asks for a token to decide.</summary>
public sealed class KeylessPolicyTests
{
    private static readonly Func<string, string?> GitHubActions = n => n switch
    {
        "ACTIONS_ID_TOKEN_REQUEST_URL" => "https://token.test/idtoken?api-version=2.0",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN" => "secret",
        _ => null,
    };

    private static async Task<(PrePushResult Result, DiagnosticBag Bag)> PrePushAsync(Func<string, string?> env, ImageDestination destination, params (string Name, string Value)[] properties)
    {
        DiagnosticBag bag = new();
        SecureContainerSettings settings = SettingsReader.Read(new RawSettings { Properties = properties.ToDictionary(p => p.Name, p => (string?)p.Value, StringComparer.OrdinalIgnoreCase) }, bag);
        using FakeRegistry registry = new();
        using RegistryClient client = new(registry.Options());
        PrePushRequest request = new()
        {
            Settings = settings,
            RuntimeIdentifiers = ["linux-x64"],
            TargetImage = $"{registry.Host}/app",
            Tags = ["1.0"],
            Destination = destination,
            GetEnvironmentVariable = env,
        };
        PrePushResult result = await new PrePushCheck(client, bag).RunAsync(request, default);
        Assert.Equal(0, registry.CountRequests(_ => true));
        return (result, bag);
    }

    [Fact]
    public async Task KeylessWithNoTokenSourceFailsBeforeThePushWithSC6050NotTheMissingKeyError()
    {
        (PrePushResult result, DiagnosticBag bag) = await PrePushAsync(_ => null, ImageDestination.Registry, (SettingNames.SigningMode, "keyless"), (SettingNames.Profile, "Restricted"));

        Assert.False(result.Passed);
        Assert.Equal(["SC6050"], bag.Items.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Code));
    }

    [Fact]
    public async Task KeylessInGitHubActionsPassesTheRestrictedSigningRequirement()
    {
        (PrePushResult result, DiagnosticBag bag) = await PrePushAsync(GitHubActions, ImageDestination.Registry, (SettingNames.SigningMode, "keyless"), (SettingNames.Profile, "Restricted"));

        Assert.True(result.Passed, string.Join("; ", bag.Items));
        Assert.DoesNotContain(bag.Items, d => d.Code is "SC6030" or "SC6031");
    }

    [Fact]
    public async Task KeylessWithASigningKeyIsTheSC6060Conflict()
    {
        (PrePushResult result, DiagnosticBag bag) = await PrePushAsync(GitHubActions, ImageDestination.Registry, (SettingNames.SigningMode, "keyless"), (SettingNames.SigningKey, "keys/signing.pem"));

        Assert.False(result.Passed);
        Diagnostic conflict = Assert.Single(bag.Items, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("SC6060", conflict.Code);
        Assert.Contains("keys/signing.pem", conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeylessToAnArchiveWarnsSC6062AndNeedsNoToken()
    {
        (PrePushResult result, DiagnosticBag bag) = await PrePushAsync(_ => null, ImageDestination.Archive, (SettingNames.SigningMode, "keyless"));

        Assert.True(result.Passed, string.Join("; ", bag.Items));
        Assert.Equal("SC6062", Assert.Single(bag.Items, d => d.Code.StartsWith("SC60", StringComparison.Ordinal)).Code);
    }
}

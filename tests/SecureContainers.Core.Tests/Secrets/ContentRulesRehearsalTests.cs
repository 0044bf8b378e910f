using SecureContainers.Core.Secrets;

namespace SecureContainers.Core.Tests.Secrets;

public sealed class ContentRulesRehearsalTests
{
    /// <summary>The rules a file's content can trip: every rule but those about names (files, folders, variables).</summary>
    private static readonly SecretRule[] ContentRules =
    [
        SecretRules.PrivateKey, SecretRules.AwsAccessKey, SecretRules.GitHubToken, SecretRules.AzureStorageKey,
        SecretRules.JsonWebToken, SecretRules.AppSettingsSecret, SecretRules.ConnectionStringPassword,
    ];

    [Fact]
    public void TheRehearsalTripsEveryContentRule()
    {
        // A rule the sample misses stays uncompiled until the check's first file reaches it, on the path before the push.
        Assert.Equal(ContentRules.Select(r => r.Id).Order(StringComparer.Ordinal), ContentRulesRehearsal.Run().Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryRuleIsEitherAContentRuleOrANameRule()
    {
        // A new content rule must join the list above (and the sample); a new name rule, the list here.
        SecretRule[] nameRules = [SecretRules.KeyStoreFile, SecretRules.SshKeyFile, SecretRules.GitFolder, SecretRules.DotEnvFile, SecretRules.SecretEnvironmentVariable];
        Assert.Equal(SecretRules.All.Select(r => r.Id).Order(StringComparer.Ordinal), ContentRules.Concat(nameRules).Select(r => r.Id).Order(StringComparer.Ordinal));
    }
}

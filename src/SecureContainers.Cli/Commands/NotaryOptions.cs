using System.CommandLine;
using SecureContainers.Core.Signing.Notary;

namespace SecureContainers.Cli.Commands;

/// <summary>The trust policy and trust store options <c>check</c> and <c>verify --notary</c> share, in notation's formats.</summary>
internal static class NotaryOptions
{
    public const string PolicyName = "--notary-trust-policy";

    public const string StoreName = "--notary-trust-store";

    public static Option<string?> Policy() => new(PolicyName)
    {
        HelpName = "trustpolicy.json",
        Description = "A notation trust policy (version 1.0) for images a team signs with notation; Microsoft's policy for its signed images is built in and applies to the scopes this file does not list.",
    };

    public static Option<string?> Store() => new(StoreName)
    {
        HelpName = "dir",
        Description = "notation's trust store directory (holding x509/ca/<name>/ and x509/tsa/<name>/) the trust policy's stores are read from.",
    };

    /// <summary>The user's policies (checked now, in the CLI's words) joined with Microsoft's built-in one.</summary>
    public static IReadOnlyList<NotaryTrustPolicy> Load(string? policy, string? store) =>
        MicrosoftNotaryTrust.With(policy is null
            ? store is null ? [] : throw new Core.Diagnostics.SecureContainerException(NotaryDiagnostics.TrustStoreInvalid.Create(store, $"{StoreName} was given without {PolicyName}, so no policy says which of its roots to trust", StoreName))
            : NotaryTrustPolicyDocument.Load(policy, store, PolicyName, StoreName));
}

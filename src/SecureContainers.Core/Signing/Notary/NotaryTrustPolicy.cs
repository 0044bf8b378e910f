using System.Security.Cryptography.X509Certificates;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>
/// One notation trust policy: the repositories it covers, the roots signers must chain to, the roots timestamp
/// authorities must chain to, the signer subjects accepted, and how strictly failures are enforced.
/// </summary>
public sealed record NotaryTrustPolicy(
    string Name,
    IReadOnlyList<string> RegistryScopes,
    NotaryVerificationLevel Level,
    X509Certificate2Collection TrustedRoots,
    X509Certificate2Collection TimestampRoots,
    IReadOnlyList<string> TrustedIdentities)
{
    /// <summary>The scope that matches every repository; notation allows it alone in a policy.</summary>
    public const string AnyScope = "*";

    /// <summary>
    /// Roots for signatures made under the <c>notary.x509.signingAuthority</c> scheme (notation's <c>signingAuthority</c>
    /// stores); <see cref="TrustedRoots"/> (its <c>ca</c> stores) serve <c>notary.x509</c> signatures.
    /// </summary>
    public X509Certificate2Collection SigningAuthorityRoots { get; init; } = [];

    /// <summary>
    /// notation's <c>signatureVerification.override</c>: a different action for a validation than the level's. Integrity
    /// cannot be overridden (the document reader refuses it).
    /// </summary>
    public IReadOnlyDictionary<NotaryValidation, NotaryAction> Overrides { get; init; } = new Dictionary<NotaryValidation, NotaryAction>();

    /// <summary>What this policy does when <paramref name="validation"/> fails.</summary>
    public NotaryAction ActionFor(NotaryValidation validation) =>
        validation != NotaryValidation.Integrity && Overrides.TryGetValue(validation, out NotaryAction action) ? action : Level.DefaultAction(validation);

    /// <summary>Chains longer than this are refused before they are built (SC4136).</summary>
    public int MaxChainLength { get; init; } = 10;

    /// <summary>Envelopes larger than this are refused before they are decoded (SC4120).</summary>
    public int MaxEnvelopeBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// The policy for <paramref name="repository"/>: an exact scope wins over the wildcard, as in notation; null when no
    /// policy covers it.
    /// </summary>
    public static NotaryTrustPolicy? Select(IEnumerable<NotaryTrustPolicy> policies, string repository)
    {
        List<NotaryTrustPolicy> all = policies.ToList();
        return all.FirstOrDefault(p => p.RegistryScopes.Contains(repository, StringComparer.Ordinal))
            ?? all.FirstOrDefault(p => p.RegistryScopes.Contains(AnyScope));
    }
}

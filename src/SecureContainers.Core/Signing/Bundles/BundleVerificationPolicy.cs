using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Keys;
using SecureContainers.Core.Signing.Trust;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>
/// Who must have signed, for keyless bundles: the certificate identity (SAN URI or email) exactly or by a regular
/// expression, and the OIDC issuer exactly. The pattern must match the whole identity: cosign accepts a match anywhere,
/// which lets <c>github.com/org/</c> match <c>github.com/org/../evil-org/</c>; a pattern written for cosign with
/// <c>^…$</c> means the same here.
/// </summary>
public sealed record CertificateIdentityPolicy
{
    private CertificateIdentityPolicy(string? identity, Regex? pattern, string issuer)
    {
        Identity = identity;
        IdentityPattern = pattern;
        Issuer = issuer;
    }

    public string? Identity { get; }

    public Regex? IdentityPattern { get; }

    public string Issuer { get; }

    /// <summary>Exactly one of <paramref name="identity"/> or <paramref name="identityRegexp"/>, and the issuer; SC6076 for a pattern that does not compile.</summary>
    public static CertificateIdentityPolicy Create(string? identity, string? identityRegexp, string issuer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        if ((identity is null) == (identityRegexp is null))
        {
            throw new ArgumentException("Give exactly one of an identity or an identity pattern.");
        }

        Regex? pattern = null;
        if (identityRegexp is not null)
        {
            try
            {
                // Anchored and time-bounded: the pattern comes from the user, the identity from a hostile registry.
                pattern = new Regex($"^(?:{identityRegexp})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                throw new SecureContainerException(BundleVerificationDiagnostics.IdentityPatternInvalid.Create(Short(identityRegexp), ex.Message));
            }
        }

        return new CertificateIdentityPolicy(identity, pattern, issuer);
    }

    public bool MatchesIdentity(string san)
    {
        if (Identity is not null)
        {
            return string.Equals(san, Identity, StringComparison.Ordinal);
        }

        try
        {
            return IdentityPattern!.IsMatch(san);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public override string ToString() => $"{(Identity is not null ? $"identity {Identity}" : $"identity matching {IdentityPattern!.ToString()[4..^2]}")} from issuer {Issuer}";

    private static string Short(string value) => value.Length > 200 ? value[..200] + "…" : value;
}

/// <summary>
/// The trust a bundle is verified under: a public key (key-based: the key is the anchor, no log entry is needed; with a
/// trusted root, any log entry the bundle carries is checked too), or a certificate identity with the trusted root its
/// certificate must chain to and whose transparency log must have recorded the signature (keyless).
/// </summary>
public sealed record BundleVerificationPolicy
{
    public VerificationKey? Key { get; init; }

    public CertificateIdentityPolicy? Identity { get; init; }

    public TrustedRoot? TrustedRoot { get; init; }

    /// <summary>The verifier's clock, only to refuse log entries dated in the future.</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Names the expected signer in reports: the key's fingerprint or the identity and issuer.</summary>
    public string Signer => Key is not null ? $"key {Key.Fingerprint}" : Identity?.ToString() ?? "nobody";
}

namespace SecureContainers.Core.Signing;

/// <summary>
/// Where signatures and attestations go. cosign v3 writes and prefers Sigstore bundles pushed as OCI referrers, and its
/// <c>verify</c> ignores the legacy tags once any bundle exists; Kyverno, podman's policy.json and policy-controller's
/// default still read the legacy <c>sha256-&lt;hex&gt;.sig</c>/<c>.att</c> tags. <see cref="Both"/> serves both kinds.
/// </summary>
public enum SignatureFormat
{
    Both,
    Bundle,
    Legacy,
}

/// <summary>The words of <c>SecureContainerSignatureFormat</c> and <c>--signature-format</c>.</summary>
public static class SignatureFormats
{
    public static IReadOnlyList<string> Words { get; } = ["both", "bundle", "legacy"];

    /// <summary>The format for one of <see cref="Words"/> (exactly, lower case), else null.</summary>
    public static SignatureFormat? TryParse(string value) => value switch
    {
        "both" => SignatureFormat.Both,
        "bundle" => SignatureFormat.Bundle,
        "legacy" => SignatureFormat.Legacy,
        _ => null,
    };

    public static string ToWord(this SignatureFormat format) => format switch
    {
        SignatureFormat.Both => "both",
        SignatureFormat.Bundle => "bundle",
        SignatureFormat.Legacy => "legacy",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static bool WritesBundles(this SignatureFormat format) => format is SignatureFormat.Both or SignatureFormat.Bundle;

    public static bool WritesLegacy(this SignatureFormat format) => format is SignatureFormat.Both or SignatureFormat.Legacy;
}

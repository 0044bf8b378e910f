using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// One possible secret: which rule matched where. It deliberately has no field for the matched text, so no message,
/// log, JSON or SARIF built from it can leak the secret.
/// </summary>
public sealed record SecretFinding(SecretRule Rule, SecretLocation Location)
{
    /// <summary>The exclusion that covers this finding; null when it is reported.</summary>
    public SecretScanExclusion? Suppression { get; init; }

    public string Code => Rule.Code;

    public DiagnosticSeverity Severity => Rule.Severity;

    public bool IsSuppressed => Suppression is not null;

    /// <summary>The pattern to paste into an exclusion to cover exactly this location.</summary>
    public string SuggestedExclusion => Location.Key;

    public Diagnostic ToDiagnostic() => Rule.Descriptor.Create(Location.Describe(), SuggestedExclusion);

    public override string ToString() =>
        $"{Code} {Rule.Id} at {Location.Describe()}" + (Suppression is null ? string.Empty : " (suppressed)");
}

using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>One failed validation: what failed, its coded reason, and whether the policy's level enforces it.</summary>
public sealed record NotaryFailure(NotaryValidation Validation, Diagnostic Reason, bool Enforced);

/// <summary>
/// What verifying one Notary signature established. <see cref="IsVerified"/> is true when no enforced validation
/// failed; logged failures stay in <see cref="Failures"/> so a build can print them.
/// </summary>
public sealed record NotaryVerificationResult(
    string PolicyName,
    NotaryVerificationLevel Level,
    string? SignerSubject,
    string? SigningScheme,
    DateTimeOffset? SigningTime,
    DateTimeOffset? TimestampTime,
    string? TimestampAuthority,
    DateTimeOffset? Expiry,
    IReadOnlyList<NotaryFailure> Failures)
{
    public bool IsVerified => !Failures.Any(f => f.Enforced);

    /// <summary>Always false: verification is offline, so neither OCSP nor CRLs are consulted (SC4135).</summary>
    public bool RevocationChecked => false;

    /// <summary>The message saying revocation was not checked, to print beside a verified result.</summary>
    public Diagnostic RevocationNote => NotaryDiagnostics.RevocationNotChecked.Create();
}

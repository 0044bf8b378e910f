namespace SecureContainers.Core.Signing.Notary;

/// <summary>The checks notation makes on a signature, in the order it makes them.</summary>
public enum NotaryValidation
{
    /// <summary>The envelope is well formed, its signature verifies and its payload is the target.</summary>
    Integrity,

    /// <summary>The chain leads to a trusted root and the signer is a trusted identity.</summary>
    Authenticity,

    /// <summary>The certificates were valid when the signature was made (by a trusted timestamp, else now).</summary>
    AuthenticTimestamp,

    /// <summary>The signer's io.cncf.notary.expiry has not passed.</summary>
    Expiry,

    /// <summary>No certificate is revoked. Never checked here: verification is offline.</summary>
    Revocation,
}

/// <summary>
/// Notation's verification levels (trust-store-trust-policy.md): which validations fail verification and which are only
/// logged. Integrity is enforced at every level.
/// </summary>
public enum NotaryVerificationLevel
{
    /// <summary>Every validation is enforced.</summary>
    Strict,

    /// <summary>Integrity and authenticity are enforced; timestamp, expiry and revocation are logged.</summary>
    Permissive,

    /// <summary>Integrity is enforced; everything else is logged.</summary>
    Audit,

    /// <summary>No signature is read at all (notation's <c>skip</c>): the base check reports that nothing was verified.</summary>
    Skip,
}

/// <summary>What a trust policy does with one failed validation: notation's <c>enforce</c>, <c>log</c> and <c>skip</c>.</summary>
public enum NotaryAction
{
    Enforce,
    Log,
    Skip,
}

public static class NotaryVerificationLevelExtensions
{
    /// <summary>Whether a failure of <paramref name="validation"/> fails verification at this level.</summary>
    public static bool Enforces(this NotaryVerificationLevel level, NotaryValidation validation) => validation switch
    {
        NotaryValidation.Integrity => true,
        NotaryValidation.Authenticity => level is NotaryVerificationLevel.Strict or NotaryVerificationLevel.Permissive,
        _ => level is NotaryVerificationLevel.Strict,
    };

    /// <summary>The level's default action for <paramref name="validation"/>, before any override.</summary>
    public static NotaryAction DefaultAction(this NotaryVerificationLevel level, NotaryValidation validation) =>
        level.Enforces(validation) ? NotaryAction.Enforce : NotaryAction.Log;
}

using SecureContainers.Core.Signing.Dsse;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>
/// Supplies a bundle's verification material once its content is signed: for a key, the public-key hint; for keyless
/// signing, the Fulcio certificate of the ephemeral key and the Rekor entry that logs this signature. Kept apart from
/// <see cref="ISigner"/> so the bundle code never knows which of the two it is writing for.
/// </summary>
public interface IBundleWitness
{
    /// <param name="envelope">The signed DSSE envelope, or null for a message signature.</param>
    /// <param name="message">The message signature, or null for an envelope.</param>
    Task<VerificationMaterial> WitnessAsync(DsseEnvelope? envelope, MessageSignature? message, CancellationToken ct);
}

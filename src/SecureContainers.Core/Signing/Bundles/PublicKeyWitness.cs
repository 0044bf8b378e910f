using SecureContainers.Core.Signing.Dsse;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>
/// Verification material for key-based signing: the public-key hint cosign writes, base64(SHA-256(DER
/// SubjectPublicKeyInfo)) (cosign <c>internal/key/svkeypair.go</c>). The hint only names the key; the verifier brings
/// the key itself, so no transparency-log entry is needed (cosign verifies such bundles with <c>--key</c> and
/// <c>--insecure-ignore-tlog</c>).
/// </summary>
public sealed class PublicKeyWitness(VerificationKey key) : IBundleWitness
{
    public string Hint { get; } = HintFor(key);

    public Task<VerificationMaterial> WitnessAsync(DsseEnvelope? envelope, MessageSignature? message, CancellationToken ct) =>
        Task.FromResult(VerificationMaterial.ForKey(Hint));

    /// <summary>The key's fingerprint is <c>sha256:</c> + hex of the same hash; the hint is that hash in base64.</summary>
    public static string HintFor(VerificationKey key) =>
        Convert.ToBase64String(Convert.FromHexString(key.Fingerprint["sha256:".Length..]));
}

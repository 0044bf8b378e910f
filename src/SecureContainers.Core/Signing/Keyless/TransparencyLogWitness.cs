using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Dsse;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>
/// Key-based signing that also records each signature in Rekor (<c>SecureContainerTransparencyLog=true</c>): the bundle
/// keeps the public-key hint and gains the tlog entry, so cosign verifies it without <c>--insecure-ignore-tlog</c> and a
/// signature made with a stolen key is visible in the public log.
/// </summary>
public sealed class TransparencyLogWitness(RekorClient rekor, ISigner signer, string publicKeyHint) : IBundleWitness
{
    public async Task<VerificationMaterial> WitnessAsync(DsseEnvelope? envelope, MessageSignature? message, CancellationToken ct)
    {
        TransparencyLogEntry entry = await rekor.CreateEntryAsync(ProposedEntry(envelope, message, signer.PublicKey.ToPem()), ct).ConfigureAwait(false);
        return VerificationMaterial.ForKey(publicKeyHint, [entry]);
    }

    /// <summary>The entry for whichever content the bundle holds: intoto for an envelope, hashedrekord for a message signature.</summary>
    internal static byte[] ProposedEntry(DsseEnvelope? envelope, MessageSignature? message, string publicKeyPem) =>
        (envelope, message) switch
        {
            ({ } e, null) => RekorEntries.Intoto(e, publicKeyPem),
            (null, { } m) => RekorEntries.HashedRekord(m, publicKeyPem),
            _ => throw new ArgumentException("exactly one of an envelope or a message signature is witnessed"),
        };
}

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>The Merkle inclusion proof of a log entry against a signed checkpoint (sigstore_rekor.proto InclusionProof).</summary>
/// <param name="Hashes">Sibling hashes, leaf to root.</param>
/// <param name="Checkpoint">The signed note (<c>origin\nsize\nroot\n\n— name sig</c>) that commits to <paramref name="RootHash"/>.</param>
public sealed record InclusionProof(long LogIndex, byte[] RootHash, long TreeSize, IReadOnlyList<byte[]> Hashes, string Checkpoint);

/// <summary>
/// One transparency-log (Rekor v1) entry as a Sigstore bundle carries it (sigstore_rekor.proto TransparencyLogEntry):
/// where it sits, what it holds (the canonicalized body Rekor hashed as the leaf) and the log's promise or proof that it
/// is there. Verification re-derives the body from the signature it accompanies rather than trusting it.
/// </summary>
/// <param name="LogId">SHA-256 of the log's public key (DER SubjectPublicKeyInfo): names the key in the trusted root.</param>
/// <param name="Kind">The Rekor entry type, e.g. <c>hashedrekord</c>, <c>intoto</c>, <c>dsse</c>.</param>
/// <param name="IntegratedTime">When the log integrated the entry, Unix seconds.</param>
/// <param name="SignedEntryTimestamp">The log's signature over the entry metadata (the "inclusion promise"), or null.</param>
public sealed record TransparencyLogEntry(
    long LogIndex,
    byte[] LogId,
    string Kind,
    string KindVersion,
    long IntegratedTime,
    byte[]? SignedEntryTimestamp,
    InclusionProof? InclusionProof,
    byte[] CanonicalizedBody);

using SecureContainers.Core.Signing.Bundles;

namespace SecureContainers.Core.Signing.Trust;

/// <summary>
/// Proves that a Rekor v1 entry is in a trusted log: the signed entry timestamp (the log's signature over
/// <c>{"body","integratedTime","logID","logIndex"}</c> in canonical JSON, which also makes the integrated time
/// trustworthy) and the Merkle inclusion proof against a checkpoint the log signed. Each one present must verify;
/// at least one must be present, and the proof when the bundle format requires it (v0.2 and later).
/// </summary>
public static class LogEntryInclusion
{
    /// <summary>An integrated time further ahead of the verifier's clock than this is refused (no log signs the future).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The outcome: <see cref="Problem"/> null when proven; <see cref="SignedTime"/> set when the SET verified.</summary>
    public sealed record Result(string? Problem, DateTimeOffset? SignedTime);

    public static Result Verify(TransparencyLogEntry entry, TrustedRoot root, bool requireProof, DateTimeOffset now)
    {
        TransparencyLogInstance? log = root.FindTlog(entry.LogId);
        if (log is null)
        {
            return new($"the entry's log {Convert.ToHexStringLower(entry.LogId)} is not a transparency log of the trusted root", null);
        }

        if (!log.Key.IsSupported)
        {
            return new($"the log's key type {log.Key.KeyDetails} cannot be checked here (Rekor v2 logs sign with Ed25519)", null);
        }

        if (entry.SignedEntryTimestamp is null && entry.InclusionProof is null)
        {
            return new("the entry has neither a signed entry timestamp nor an inclusion proof", null);
        }

        if (requireProof && entry.InclusionProof is null)
        {
            return new("the entry has no inclusion proof, which bundles v0.2 and later must carry", null);
        }

        DateTimeOffset integrated = DateTimeOffset.FromUnixTimeSeconds(Math.Min(entry.IntegratedTime, 253402300799));
        if (integrated > now + ClockSkew)
        {
            return new($"the entry claims integration at {integrated:yyyy-MM-ddTHH:mm:ssZ}, in the future", null);
        }

        DateTimeOffset? signedTime = null;
        if (entry.SignedEntryTimestamp is byte[] set)
        {
            if (!log.Key.ValidFor.Contains(integrated))
            {
                return new($"the log key is trusted for {log.Key.ValidFor}, not at the entry's integrated time {integrated:yyyy-MM-ddTHH:mm:ssZ}", null);
            }

            if (!log.Key.Verify(SetPayload(entry), set))
            {
                return new("the signed entry timestamp does not verify with the log's key", null);
            }

            signedTime = integrated;
        }

        if (entry.InclusionProof is InclusionProof proof)
        {
            if (SignedCheckpoint.TryParse(proof.Checkpoint, out string problem) is not SignedCheckpoint checkpoint)
            {
                return new(problem, null);
            }

            if (!checkpoint.IsSignedBy(root))
            {
                return new("the checkpoint is not signed by a transparency log of the trusted root", null);
            }

            if (checkpoint.Size != proof.TreeSize || !checkpoint.RootHash.AsSpan().SequenceEqual(proof.RootHash))
            {
                return new("the inclusion proof's tree size or root hash differs from the signed checkpoint", null);
            }

            if (MerkleInclusion.Verify(entry.CanonicalizedBody, proof.LogIndex, proof.TreeSize, proof.Hashes, proof.RootHash) is string proofProblem)
            {
                return new($"inclusion proof: {proofProblem}", null);
            }
        }

        return new(null, signedTime);
    }

    /// <summary>What the signed entry timestamp signs: canonical JSON, keys sorted, the log ID in lowercase hex.</summary>
    public static byte[] SetPayload(TransparencyLogEntry entry) => SigningJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("body", Convert.ToBase64String(entry.CanonicalizedBody));
        w.WriteNumber("integratedTime", entry.IntegratedTime);
        w.WriteString("logID", Convert.ToHexStringLower(entry.LogId));
        w.WriteNumber("logIndex", entry.LogIndex);
        w.WriteEndObject();
    });
}

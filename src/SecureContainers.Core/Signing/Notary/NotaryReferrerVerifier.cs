using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>One signature referrer and what verifying it established.</summary>
public sealed record NotarySignatureCheck(Digest Artifact, NotaryVerificationResult Result);

/// <summary>The Notary signatures of one manifest, verified under one policy.</summary>
/// <param name="TooMany">The manifest had more than <see cref="NotaryReferrerVerifier.MaxSignatures"/> signature referrers: none was trusted (SC4137).</param>
public sealed record NotaryArtifactVerification(Descriptor Target, IReadOnlyList<NotarySignatureCheck> Signatures, int ReferrerCount, bool TooMany)
{
    /// <summary>The first signature that verified, as notation accepts an artifact when any one of its signatures does.</summary>
    public NotarySignatureCheck? Verified => TooMany ? null : Signatures.FirstOrDefault(s => s.Result.IsVerified);

    /// <summary>Why none verified, for a summary message: each signature with the codes of its enforced failures.</summary>
    public string Reasons => Signatures.Count == 0
        ? "no Notary signature refers to it"
        : string.Join("; ", Signatures.Select(s => $"signature {s.Artifact}: {string.Join(", ", s.Result.Failures.Where(f => f.Enforced).Select(f => f.Reason.Code).Distinct())}"));
}

/// <summary>
/// Finds the Notary Project signatures of a manifest (referrers of artifact type
/// <c>application/vnd.cncf.notary.signature</c>, through the referrers API or its tag fallback) and verifies each one.
/// Counts and envelope sizes are checked before anything is downloaded, so a hostile registry cannot make it read
/// without end.
/// </summary>
public static class NotaryReferrerVerifier
{
    public const string ArtifactType = "application/vnd.cncf.notary.signature";

    /// <summary>notation's own default cap on the signatures it evaluates for one artifact.</summary>
    public const int MaxSignatures = 100;

    public static async Task<NotaryArtifactVerification> VerifyAsync(RegistryClient client, string registry, string repository, Descriptor target,
        NotaryTrustPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        IReadOnlyList<Descriptor> referrers = await client.GetReferrersAsync(registry, repository, target.Digest, ArtifactType, ct).ConfigureAwait(false);
        if (referrers.Count > MaxSignatures)
        {
            return new NotaryArtifactVerification(target, [], referrers.Count, TooMany: true);
        }

        List<NotarySignatureCheck> checks = new();
        foreach (Descriptor referrer in referrers)
        {
            NotaryVerificationResult result = await CheckAsync(client, registry, repository, target, referrer, policy, now, ct).ConfigureAwait(false);
            checks.Add(new NotarySignatureCheck(referrer.Digest, result));
            if (result.IsVerified)
            {
                break;
            }
        }

        return new NotaryArtifactVerification(target, checks, referrers.Count, TooMany: false);
    }

    private static async Task<NotaryVerificationResult> CheckAsync(RegistryClient client, string registry, string repository, Descriptor target,
        Descriptor referrer, NotaryTrustPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        ImageManifest manifest;
        try
        {
            (_, string mediaType, byte[] bytes) = await client.GetManifestAsync(registry, repository, referrer.Digest.ToString(), ct).ConfigureAwait(false);
            manifest = ImageManifest.Parse(bytes, mediaType);
        }
        catch (SecureContainerException e) when (e.Diagnostic.Descriptor == RegistryDiagnostics.ManifestNotFound || e.Diagnostic.Code.StartsWith("SC30", StringComparison.Ordinal))
        {
            return Unreadable(policy, $"the signature manifest {referrer.Digest} could not be read ({e.Diagnostic.Code})");
        }

        // notation reads blobs[0]; an envelope of another type is refused by the verifier with its own code.
        if (manifest.Layers is not [Descriptor envelope, ..])
        {
            return Unreadable(policy, $"the signature manifest {referrer.Digest} has no envelope layer");
        }

        if (envelope.Size > policy.MaxEnvelopeBytes)
        {
            return Failed(policy, NotaryDiagnostics.EnvelopeTooLarge.Create(envelope.Size, policy.MaxEnvelopeBytes));
        }

        (byte[]? bytesRead, string problem) = await TaggedLayers.ReadBlobAsync(client, registry, repository, envelope, policy.MaxEnvelopeBytes, ct).ConfigureAwait(false);
        return bytesRead is null
            ? Unreadable(policy, $"the envelope {envelope.Digest} was not read: {problem}")
            : NotarySignatureVerifier.Verify(bytesRead, envelope.MediaType, target, policy, now);
    }

    private static NotaryVerificationResult Unreadable(NotaryTrustPolicy policy, string reason) =>
        Failed(policy, NotaryDiagnostics.EnvelopeMalformed.Create(reason));

    private static NotaryVerificationResult Failed(NotaryTrustPolicy policy, Diagnostic reason) =>
        new(policy.Name, policy.Level, null, null, null, null, null, null, [new NotaryFailure(NotaryValidation.Integrity, reason, Enforced: true)]);
}

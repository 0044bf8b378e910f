using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Notary;

namespace SecureContainers.Core.Policy;

/// <summary>
/// Verifies the Notary Project signatures of a base image before any of its layers is read: the platform manifest the
/// build uses and, when the reference named an index, the index too (Microsoft signs both and says to verify both).
/// The policy is the one whose scope covers the repository (exact over <c>*</c>); without one there is nothing to check.
/// Restricted refuses a base without a verified signature and leaves its content unread; Baseline warns and goes on.
/// </summary>
internal sealed class NotaryBaseImageCheck(RegistryClient registry, IReadOnlyList<NotaryTrustPolicy> policies, SecurityProfile profile, TimeProvider clock, IDiagnosticSink sink)
{
    private readonly Dictionary<Digest, (NotaryProof? Proof, bool Passed)> _indexes = new();
    private bool _revocationNoted;

    private bool Restricted => profile == SecurityProfile.Restricted;

    /// <summary>
    /// The proof for <paramref name="image"/>'s base, or null; <c>Passed</c> is false when the base must not be read
    /// (Restricted and not verified).
    /// </summary>
    public async Task<(NotaryBaseSignature? Signature, bool Passed)> VerifyAsync(ImageReference requested, ResolvedImage resolved, CancellationToken ct)
    {
        string repository = $"{requested.Registry}/{requested.Repository}";
        if (NotaryTrustPolicy.Select(policies, repository) is not { } policy)
        {
            return (null, true);
        }

        if (policy.Level == NotaryVerificationLevel.Skip)
        {
            sink.Report(NotaryDiagnostics.VerificationSkipped.Create(Restricted ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, repository, policy.Name,
                Restricted ? "The Restricted profile requires a verified signature for every base a trust policy covers." : "The Baseline profile lets it through."));
            return (null, !Restricted);
        }

        // The index and the platform manifest are verified at the same time (each is a few round trips to the registry);
        // their findings are reported in that order, whatever finishes first.
        DiagnosticBag indexFindings = new(), manifestFindings = new();
        Task<(NotaryProof? Proof, bool Passed)> indexCheck = resolved.IndexDigest is { } indexDigest
            ? VerifyIndexAsync(requested, policy, indexDigest, indexFindings, ct)
            : Task.FromResult<(NotaryProof?, bool)>((null, true));
        var target = new Descriptor(resolved.ManifestMediaType, resolved.ManifestDigest, resolved.ManifestBytes.Length);
        Task<(NotaryProof? Proof, bool Passed)> manifestCheck = VerifyOneAsync(requested, policy, target, $"{resolved.Platform} manifest", manifestFindings, ct);
        await Task.WhenAll(indexCheck, manifestCheck).ConfigureAwait(false);
        (NotaryProof? manifest, bool manifestPassed) = manifestCheck.Result;
        (NotaryProof? index, bool indexPassed) = indexCheck.Result;
        foreach (Diagnostic d in indexFindings.Items.Concat(manifestFindings.Items))
        {
            sink.Report(d);
        }

        if ((manifest ?? index) is not null && !_revocationNoted)
        {
            _revocationNoted = true;
            sink.Report(NotaryDiagnostics.RevocationNotChecked.Create());
        }

        bool passed = (indexPassed && manifestPassed) || !Restricted;
        return (manifest is null || (resolved.IndexDigest is not null && index is null) ? null : new NotaryBaseSignature(policy.Name, manifest, index), passed);
    }

    /// <summary>An index is verified once per build, whichever platforms of it the build uses.</summary>
    private async Task<(NotaryProof? Proof, bool Passed)> VerifyIndexAsync(ImageReference requested, NotaryTrustPolicy policy, Digest indexDigest, IDiagnosticSink findings, CancellationToken ct)
    {
        if (_indexes.TryGetValue(indexDigest, out var known))
        {
            return known;
        }

        (Digest digest, string mediaType, byte[] bytes) = await registry.GetManifestAsync(requested.Registry, requested.Repository, indexDigest.ToString(), ct).ConfigureAwait(false);
        known = await VerifyOneAsync(requested, policy, new Descriptor(mediaType, digest, bytes.Length), "index", findings, ct).ConfigureAwait(false);
        _indexes[indexDigest] = known;
        return known;
    }

    private async Task<(NotaryProof? Proof, bool Passed)> VerifyOneAsync(ImageReference requested, NotaryTrustPolicy policy, Descriptor target, string what,
        IDiagnosticSink sink, CancellationToken ct)
    {
        string image = $"{requested.Registry}/{requested.Repository}";
        DiagnosticSeverity severity = Restricted ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
        NotaryArtifactVerification verification = await NotaryReferrerVerifier.VerifyAsync(registry, requested.Registry, requested.Repository, target, policy, clock.GetUtcNow(), ct).ConfigureAwait(false);
        if (verification.TooMany)
        {
            sink.Report(NotaryDiagnostics.TooManySignatures.Create(severity, $"{image}@{target.Digest}", verification.ReferrerCount, NotaryReferrerVerifier.MaxSignatures));
            return (null, false);
        }

        if (verification.Verified is { } verified)
        {
            NotaryVerificationResult r = verified.Result;
            foreach (NotaryFailure logged in r.Failures)
            {
                sink.Report(logged.Reason with { Severity = DiagnosticSeverity.Warning });
            }

            NotaryProof proof = new(target.Digest, verified.Artifact, r.SignerSubject ?? "", r.SigningTime, r.TimestampTime, r.TimestampAuthority);
            sink.Report(NotaryDiagnostics.BaseVerified.Create(image, what, target.Digest, policy.Name, policy.Level.ToString().ToLowerInvariant(), proof.Signer, Describe(r)));
            return (proof, true);
        }

        foreach (NotaryFailure failure in verification.Signatures.SelectMany(s => s.Result.Failures))
        {
            sink.Report(failure.Reason with { Severity = failure.Enforced ? severity : DiagnosticSeverity.Warning });
        }

        sink.Report(NotaryDiagnostics.BaseNotVerified.Create(severity, image, what, target.Digest, policy.Name, verification.Reasons,
            Restricted ? "The Restricted profile refuses it, and its content was not read." : "The Baseline profile lets it through; Restricted would refuse it."));
        return (null, false);
    }

    private static string Describe(NotaryVerificationResult r) =>
        r.TimestampTime is { } ts
            ? $"timestamped {ts:yyyy-MM-ddTHH:mm:ssZ} by {r.TimestampAuthority}"
            : r.SigningTime is { } st ? $"signing time {st:yyyy-MM-ddTHH:mm:ssZ} (not timestamped)" : "no signing time";
}

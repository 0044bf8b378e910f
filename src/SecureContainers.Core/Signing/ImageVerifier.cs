using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Signing;

/// <summary>
/// What to verify: one image digest in one repository (the caller resolves a tag to this digest once, so every check
/// is about the same content), the public key, and which attestations must be present.
/// </summary>
public sealed record VerificationRequest(string Registry, string Repository, Digest Digest, VerificationKey Key)
{
    public bool RequireSbom { get; init; }

    public bool RequireProvenance { get; init; }

    /// <summary>Skip reading attestations when none is required and the caller does not report them (base image checks).</summary>
    public bool ReadAttestations { get; init; } = true;
}

/// <summary>
/// One verification for the CLI's <c>verify</c>: cosign signatures, then attestations. A digest naming an image index is
/// verified with every platform manifest it lists (<see cref="IndexVerifier"/>): the index's own signature, a valid
/// signature on each platform manifest, an SBOM attestation on each platform when required (an SBOM describes one
/// platform's contents), and provenance on the index or on each platform when required. Registry failures (unreachable,
/// denied) propagate as their SC31xx errors, distinct from a failed verification.
/// </summary>
public static class ImageVerifier
{
    /// <summary>
    /// The most platform manifests one index verification reads signatures and attestations for (SC6028 beyond): a
    /// hostile index cannot make verify issue thousands of requests. Real multi-RID images have a handful.
    /// </summary>
    public const int MaxPlatforms = 64;

    public static async Task<VerificationReport> VerifyAsync(RegistryClient client, VerificationRequest request, CancellationToken ct)
    {
        string image = $"{request.Registry}/{request.Repository}@{request.Digest}";

        // Fetched by digest and verified; the CLI resolved the tag through the same client, so this is served from its cache.
        (_, string mediaType, byte[] bytes) = await client.GetManifestAsync(request.Registry, request.Repository, request.Digest.ToString(), ct).ConfigureAwait(false);
        if (MediaTypes.IsIndex(mediaType))
        {
            ImageIndex index = ImageIndex.Parse(bytes, mediaType, new DocumentSource("index", image));
            return await IndexVerifier.VerifyAsync(client, request, image, index, ct).ConfigureAwait(false);
        }

        return await VerifyManifestAsync(client, request, request.Digest, image, request.RequireSbom, request.RequireProvenance, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The checks on one digest, index or image manifest alike: signatures, then attestations.
    /// <paramref name="subject"/> names it in messages (for a platform, with its platform).
    /// </summary>
    internal static async Task<VerificationReport> VerifyManifestAsync(RegistryClient client, VerificationRequest request, Digest digest, string subject,
        bool requireSbom, bool requireProvenance, CancellationToken ct)
    {
        string image = $"{request.Registry}/{request.Repository}@{digest}";
        List<Diagnostic> diagnostics = new();

        SignatureVerification signatures = await CosignVerifier.VerifyAsync(client, request.Registry, request.Repository, digest, request.Key, ct).ConfigureAwait(false);
        if (signatures.Truncated)
        {
            diagnostics.Add(SigningDiagnostics.TooManySignatures.Create(subject, CosignVerifier.MaxSignatures, signatures.Tag));
        }

        if (!signatures.TagExists)
        {
            diagnostics.Add(SigningDiagnostics.NoSignatures.Create(subject, signatures.Tag));
        }
        else if (!signatures.HasValidSignature)
        {
            string reasons = string.Join("; ", signatures.Signatures.Select(s => $"{Short(s.Layer)}: {s.Reason}").Take(10));
            diagnostics.Add(SigningDiagnostics.NoValidSignature.Create(subject, signatures.Signatures.Count, reasons.Length == 0 ? "the signature manifest has no layers" : reasons));
        }

        AttestationVerification? attestations = null;
        if (request.ReadAttestations || requireSbom || requireProvenance)
        {
            attestations = await AttestationVerifier.VerifyAsync(client, request.Registry, request.Repository, digest, request.Key, ct).ConfigureAwait(false);
            if (attestations.Truncated)
            {
                diagnostics.Add(SigningDiagnostics.TooManyAttestations.Create(subject, AttestationVerifier.MaxAttestations, attestations.Tag));
            }

            foreach (AttestationCheck invalid in attestations.Attestations.Where(a => !a.Valid))
            {
                diagnostics.Add(SigningDiagnostics.AttestationInvalid.Create(subject, invalid.Layer, invalid.Reason));
            }

            if (requireSbom && !attestations.ValidPredicateTypes.Contains(InTotoStatement.CycloneDxPredicateType))
            {
                diagnostics.Add(SigningDiagnostics.SbomAttestationMissing.Create(subject));
            }

            if (requireProvenance && !attestations.ValidPredicateTypes.Contains(InTotoStatement.SlsaProvenanceV1PredicateType))
            {
                diagnostics.Add(SigningDiagnostics.ProvenanceAttestationMissing.Create(subject));
            }
        }

        Diagnostic? failure = diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
        return new VerificationReport(image, digest, request.Key.Fingerprint, failure is null, failure?.Code, signatures, attestations, diagnostics);
    }

    private static string Short(Digest digest) => $"{digest.Algorithm}:{digest.Hex[..12]}";
}

using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Keys;
using SecureContainers.Core.Signing.Trust;

namespace SecureContainers.Core.Signing;

/// <summary>
/// What to verify: one image digest in one repository (the caller resolves a tag to this digest once, so every check
/// is about the same content), who must have signed – a public key, or (keyless) a certificate identity and issuer
/// with the trusted root – and which attestations must be present.
/// </summary>
public sealed record VerificationRequest(string Registry, string Repository, Digest Digest, VerificationKey? Key)
{
    /// <summary>Keyless: the certificate identity and issuer a bundle's certificate must name (with <see cref="Key"/> null).</summary>
    public CertificateIdentityPolicy? Identity { get; init; }

    /// <summary>The Fulcio CAs and Rekor logs keyless bundles are checked against; with a key, log entries in bundles are checked too.</summary>
    public TrustedRoot? TrustedRoot { get; init; }

    /// <summary>The trust every bundle is verified under.</summary>
    public BundleVerificationPolicy BundlePolicy => new() { Key = Key, Identity = Key is null ? Identity : null, TrustedRoot = TrustedRoot };

    /// <summary>Who must have signed, in words: the key fingerprint or the identity and issuer.</summary>
    public string Signer => BundlePolicy.Signer;

    public bool RequireSbom { get; init; }

    public bool RequireProvenance { get; init; }

    /// <summary>Skip reading attestations when none is required and the caller does not report them (base image checks).</summary>
    public bool ReadAttestations { get; init; } = true;
}

/// <summary>
/// One verification for the CLI's <c>verify</c>: Sigstore bundles (OCI referrers) when the image has any, else the legacy
/// cosign <c>.sig</c>/<c>.att</c> tags – cosign's "bundles win" rule: once a bundle exists for a digest, <c>cosign verify</c>
/// ignores <c>.sig</c>, so an attacker cannot fall back on an old legacy signature either. Keyless verification reads
/// bundles only. A digest naming an image index is
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
        if (request.Key is null && request.Identity is null)
        {
            throw new ArgumentException("A verification names a public key or a certificate identity.", nameof(request));
        }

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

        BundleVerification bundles = await BundleReferrerVerifier.VerifyAsync(client, request.Registry, request.Repository, digest, request.BundlePolicy, ct).ConfigureAwait(false);
        if (bundles.Bundles.Count > 0 || request.Key is null)
        {
            return VerifyBundles(request, digest, subject, image, bundles, requireSbom, requireProvenance, diagnostics);
        }

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

            RequirePredicates(subject, attestations.ValidPredicateTypes, requireSbom, requireProvenance, diagnostics);
        }

        Diagnostic? failure = diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
        return new VerificationReport(image, digest, request.Key.Fingerprint, failure is null, failure?.Code, signatures, attestations, diagnostics) { Signer = request.Signer };
    }

    /// <summary>The bundle path: one bundle must be a valid image signature; the valid attestation bundles meet the requirements.</summary>
    private static VerificationReport VerifyBundles(VerificationRequest request, Digest digest, string subject, string image, BundleVerification bundles,
        bool requireSbom, bool requireProvenance, List<Diagnostic> diagnostics)
    {
        string legacyTags = $"{CosignNames.SignatureTag(digest)}, {CosignNames.AttestationTag(digest)}";
        if (bundles.Truncated)
        {
            diagnostics.Add(BundleVerificationDiagnostics.TooManyBundles.Create(subject, BundleReferrerVerifier.MaxBundles));
        }

        if (bundles.Bundles.Count == 0)
        {
            diagnostics.Add(BundleVerificationDiagnostics.KeylessLegacyOnly.Create(subject, $" (legacy signatures under {CosignNames.SignatureTag(digest)}, if any, hold no verifiable certificate identity)"));
        }
        else
        {
            if (request.Key is not null)
            {
                diagnostics.Add(BundleVerificationDiagnostics.LegacySignaturesIgnored.Create(subject, legacyTags));
            }

            if (!bundles.HasValidSignature)
            {
                IEnumerable<BundleCheck> relevant = bundles.Bundles.Where(b => !b.Valid && (b.IsSignature || b.PredicateType is null));
                string reasons = string.Join("; ", (relevant.Any() ? relevant : bundles.Bundles).Take(10).Select(b => $"{Name(b)}: {(b.Valid ? $"a valid {b.PredicateType} attestation, not a signature" : b.Reason)}"));
                diagnostics.Add(BundleVerificationDiagnostics.NoValidBundle.Create(subject, bundles.Bundles.Count, request.Signer, reasons));
            }

            foreach (BundleCheck rejected in bundles.Bundles.Where(b => !b.Valid && !b.IsSignature && b.PredicateType is not null))
            {
                diagnostics.Add(BundleVerificationDiagnostics.BundleRejected.Create(subject, Name(rejected), rejected.Reason, request.Signer));
            }

            RequirePredicates(subject, bundles.ValidPredicateTypes, requireSbom, requireProvenance, diagnostics);
        }

        Diagnostic? failure = diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
        SignatureVerification noLegacy = new(CosignNames.SignatureTag(digest), false, [], false);
        return new VerificationReport(image, digest, request.Key?.Fingerprint ?? "", failure is null, failure?.Code, noLegacy, null, diagnostics)
        {
            Signer = request.Signer,
            Bundles = bundles,
        };
    }

    private static void RequirePredicates(string subject, IReadOnlyList<string> valid, bool requireSbom, bool requireProvenance, List<Diagnostic> diagnostics)
    {
        if (requireSbom && !valid.Contains(InTotoStatement.CycloneDxPredicateType))
        {
            diagnostics.Add(SigningDiagnostics.SbomAttestationMissing.Create(subject));
        }

        if (requireProvenance && !valid.Contains(InTotoStatement.SlsaProvenanceV1PredicateType))
        {
            diagnostics.Add(SigningDiagnostics.ProvenanceAttestationMissing.Create(subject));
        }
    }

    private static string Name(BundleCheck check) => check.Artifact is Digest d ? Short(d) : "bundle";

    private static string Short(Digest digest) => $"{digest.Algorithm}:{digest.Hex[..12]}";
}

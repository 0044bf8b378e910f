using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Cosign;

namespace SecureContainers.Core.Signing;

/// <summary>
/// Verifies an image index the way a multi-RID publish secures it (build/SecureContainers.Build.targets: each platform
/// manifest signed with its SBOM and provenance attested, the index signed with provenance). A runtime pulls a platform
/// manifest, never the index's content, so signing the index alone would vouch for nothing it runs: the index's
/// signature binds the list, and each platform manifest must carry its own. An SBOM describes one platform's contents,
/// so --require-sbom asks it of every platform; provenance describes the build, so the index's covers every platform.
/// </summary>
internal static class IndexVerifier
{
    public static async Task<VerificationReport> VerifyAsync(RegistryClient client, VerificationRequest request, string image, ImageIndex index, CancellationToken ct)
    {
        List<Descriptor> platforms = new();
        List<Descriptor> skipped = new();
        List<Diagnostic> unsupported = new();
        foreach (Descriptor entry in index.Manifests)
        {
            if (IsAttestationManifest(entry))
            {
                skipped.Add(entry);
            }
            else if (MediaTypes.IsImageManifest(entry.MediaType))
            {
                platforms.Add(entry);
            }
            else
            {
                unsupported.Add(SigningDiagnostics.IndexEntryUnsupported.Create(image, entry.Digest, entry.MediaType));
            }
        }

        if (platforms.Count > ImageVerifier.MaxPlatforms)
        {
            // Refused before any signature is read: the point of the cap is to bound the requests.
            Diagnostic tooMany = SigningDiagnostics.TooManyPlatforms.Create(image, platforms.Count, ImageVerifier.MaxPlatforms);
            return new VerificationReport(image, request.Digest, request.Key?.Fingerprint ?? "", false, tooMany.Code,
                new SignatureVerification(CosignNames.SignatureTag(request.Digest), false, [], false), null, [tooMany]) { Signer = request.Signer };
        }

        // With no platform to carry them, requirements fall back on the index itself, as before this rule existed.
        bool perPlatform = platforms.Count > 0;
        VerificationReport indexReport = await ImageVerifier.VerifyManifestAsync(client, request, request.Digest, image,
            requireSbom: request.RequireSbom && !perPlatform, requireProvenance: request.RequireProvenance && !perPlatform, ct).ConfigureAwait(false);
        bool indexHasProvenance = indexReport.PredicateTypes.Contains(InTotoStatement.SlsaProvenanceV1PredicateType);

        List<PlatformVerification> verified = new();
        foreach (Descriptor entry in platforms)
        {
            string subject = $"{request.Registry}/{request.Repository}@{entry.Digest} ({entry.Platform?.ToString() ?? "no platform declared"}, in index {request.Digest})";
            VerificationReport report = await ImageVerifier.VerifyManifestAsync(client, request, entry.Digest, subject,
                requireSbom: request.RequireSbom, requireProvenance: request.RequireProvenance && !indexHasProvenance, ct).ConfigureAwait(false);
            verified.Add(new PlatformVerification(entry.Platform, report));
        }

        List<Diagnostic> diagnostics = [.. indexReport.Diagnostics, .. unsupported, .. verified.SelectMany(p => p.Report.Diagnostics)];
        if (skipped.Count > 0)
        {
            // The index is size-capped, not its entry count: name a few, count the rest.
            string listed = string.Join(", ", skipped.Take(5).Select(s => s.Digest)) + (skipped.Count > 5 ? $" and {skipped.Count - 5} more" : "");
            diagnostics.Add(SigningDiagnostics.AttestationManifestsSkipped.Create(image, skipped.Count, listed));
        }

        Diagnostic? failure = diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
        return indexReport with
        {
            Verified = failure is null,
            FailureCode = failure?.Code,
            Diagnostics = diagnostics,
            Platforms = verified,
            Skipped = skipped,
        };
    }

    /// <summary>
    /// Build tools (buildx) list their attestation manifests in the index with platform unknown/unknown so that no
    /// runtime ever selects them; they are not images anyone runs.
    /// </summary>
    private static bool IsAttestationManifest(Descriptor entry) =>
        entry.Platform is { Os: "unknown", Architecture: "unknown" };
}

using System.Text.Json;
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
/// The outcome, for the CLI's <c>--output json</c>, its exit code and MSBuild. <see cref="Verified"/> is true when at
/// least one signature is valid and every required attestation is present and valid. <see cref="FailureCode"/> is the
/// code of the first failure (SC6020 no signatures, SC6021 none valid, SC6023 no SBOM, SC6024 no provenance);
/// <see cref="Diagnostics"/> holds every failure and warning.
/// </summary>
public sealed record VerificationReport(
    string Image,
    Digest Digest,
    string KeyFingerprint,
    bool Verified,
    string? FailureCode,
    SignatureVerification Signatures,
    AttestationVerification? Attestations,
    IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>Predicate types of the valid attestations.</summary>
    public IReadOnlyList<string> PredicateTypes => Attestations?.ValidPredicateTypes ?? [];

    /// <summary>
    /// A stable JSON document: <c>{"image","digest","verified","failureCode","keyFingerprint","signatures":[{"layer","valid","failure","reason"}],
    /// "attestations":[{"layer","predicateType","valid","failure","reason"}],"predicateTypes":[…],"diagnostics":[{"code","severity","message"}]}</c>.
    /// Failure names are camelCase enum names (e.g. <c>digestMismatch</c>).
    /// </summary>
    public byte[] ToJson() => SigningJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("image", Image);
        w.WriteString("digest", Digest.ToString());
        w.WriteBoolean("verified", Verified);
        if (FailureCode is null)
        {
            w.WriteNull("failureCode");
        }
        else
        {
            w.WriteString("failureCode", FailureCode);
        }

        w.WriteString("keyFingerprint", KeyFingerprint);
        w.WriteStartArray("signatures");
        foreach (SignatureCheck s in Signatures.Signatures)
        {
            w.WriteStartObject();
            w.WriteString("layer", s.Layer.ToString());
            w.WriteBoolean("valid", s.Valid);
            WriteFailure(w, s.Failure?.ToString(), s.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("attestations");
        foreach (AttestationCheck a in Attestations?.Attestations ?? [])
        {
            w.WriteStartObject();
            w.WriteString("layer", a.Layer.ToString());
            if (a.PredicateType is null)
            {
                w.WriteNull("predicateType");
            }
            else
            {
                w.WriteString("predicateType", a.PredicateType);
            }

            w.WriteBoolean("valid", a.Valid);
            WriteFailure(w, a.Failure?.ToString(), a.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("predicateTypes");
        foreach (string type in PredicateTypes)
        {
            w.WriteStringValue(type);
        }

        w.WriteEndArray();
        w.WriteStartArray("diagnostics");
        foreach (Diagnostic d in Diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("code", d.Code);
            w.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
            w.WriteString("message", d.CliMessage);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteFailure(Utf8JsonWriter w, string? failure, string reason)
    {
        if (failure is null)
        {
            w.WriteNull("failure");
            w.WriteNull("reason");
        }
        else
        {
            w.WriteString("failure", JsonNamingPolicy.CamelCase.ConvertName(failure));
            w.WriteString("reason", reason);
        }
    }
}

/// <summary>
/// One verification for the CLI's <c>verify</c> and MSBuild's base image check: cosign signatures, then attestations.
/// Registry failures (unreachable, denied) propagate as their SC31xx errors, distinct from a failed verification.
/// </summary>
public static class ImageVerifier
{
    public static async Task<VerificationReport> VerifyAsync(RegistryClient client, VerificationRequest request, CancellationToken ct)
    {
        string image = $"{request.Registry}/{request.Repository}@{request.Digest}";
        List<Diagnostic> diagnostics = new();

        SignatureVerification signatures = await CosignVerifier.VerifyAsync(client, request.Registry, request.Repository, request.Digest, request.Key, ct).ConfigureAwait(false);
        if (signatures.Truncated)
        {
            diagnostics.Add(SigningDiagnostics.TooManySignatures.Create(image, CosignVerifier.MaxSignatures, signatures.Tag));
        }

        if (!signatures.TagExists)
        {
            diagnostics.Add(SigningDiagnostics.NoSignatures.Create(image, signatures.Tag));
        }
        else if (!signatures.HasValidSignature)
        {
            string reasons = string.Join("; ", signatures.Signatures.Select(s => $"{Short(s.Layer)}: {s.Reason}").Take(10));
            diagnostics.Add(SigningDiagnostics.NoValidSignature.Create(image, signatures.Signatures.Count, reasons.Length == 0 ? "the signature manifest has no layers" : reasons));
        }

        AttestationVerification? attestations = null;
        if (request.ReadAttestations || request.RequireSbom || request.RequireProvenance)
        {
            attestations = await AttestationVerifier.VerifyAsync(client, request.Registry, request.Repository, request.Digest, request.Key, ct).ConfigureAwait(false);
            if (attestations.Truncated)
            {
                diagnostics.Add(SigningDiagnostics.TooManyAttestations.Create(image, AttestationVerifier.MaxAttestations, attestations.Tag));
            }

            foreach (AttestationCheck invalid in attestations.Attestations.Where(a => !a.Valid))
            {
                diagnostics.Add(SigningDiagnostics.AttestationInvalid.Create(image, invalid.Layer, invalid.Reason));
            }

            if (request.RequireSbom && !attestations.ValidPredicateTypes.Contains(InTotoStatement.CycloneDxPredicateType))
            {
                diagnostics.Add(SigningDiagnostics.SbomAttestationMissing.Create(image));
            }

            if (request.RequireProvenance && !attestations.ValidPredicateTypes.Contains(InTotoStatement.SlsaProvenanceV1PredicateType))
            {
                diagnostics.Add(SigningDiagnostics.ProvenanceAttestationMissing.Create(image));
            }
        }

        Diagnostic? failure = diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
        return new VerificationReport(image, request.Digest, request.Key.Fingerprint, failure is null, failure?.Code, signatures, attestations, diagnostics);
    }

    private static string Short(Digest digest) => $"{digest.Algorithm}:{digest.Hex[..12]}";
}

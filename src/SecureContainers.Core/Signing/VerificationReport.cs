using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Cosign;

namespace SecureContainers.Core.Signing;

/// <summary>
/// The outcome, for the CLI's <c>--output json</c>, its exit code and MSBuild. <see cref="Verified"/> is true when at
/// least one signature is valid and every required attestation is present and valid; for an image index, when that
/// holds for the index and for every platform manifest it lists (see <see cref="ImageVerifier"/> for the rule).
/// <see cref="FailureCode"/> is the code of the first failure (SC6020 no signatures, SC6021 none valid, SC6023 no SBOM,
/// SC6024 no provenance, SC6028/SC6029 an index verify cannot cover); <see cref="Diagnostics"/> holds every failure,
/// warning and note, the platforms' included.
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
    /// <summary>Predicate types of the valid attestations (from the bundles when the image has any).</summary>
    public IReadOnlyList<string> PredicateTypes => Bundles?.ValidPredicateTypes ?? Attestations?.ValidPredicateTypes ?? [];

    /// <summary>Who had to sign: <c>key sha256:…</c>, or the certificate identity and issuer for keyless verification.</summary>
    public string Signer { get; init; } = "";

    /// <summary>The Sigstore bundles read, when the image has any (or keyless verification looked for them); null when the legacy layout was verified.</summary>
    public BundleVerification? Bundles { get; init; }

    /// <summary><c>bundle</c> when Sigstore bundles were verified (and legacy signatures ignored), <c>legacy</c> for cosign's <c>.sig</c>/<c>.att</c> tags.</summary>
    public string Format => Bundles is null ? "legacy" : "bundle";

    /// <summary>For an image index: each platform manifest it lists, in index order. Empty for one image manifest.</summary>
    public IReadOnlyList<PlatformVerification> Platforms { get; init; } = [];

    /// <summary>For an image index: the attestation manifests (platform unknown/unknown) that were not verified.</summary>
    public IReadOnlyList<Descriptor> Skipped { get; init; } = [];

    /// <summary>
    /// A stable JSON document: <c>{"image","digest","verified","failureCode","keyFingerprint","signer","format",
    /// "bundles":[{"artifact","content","predicateType","valid","failure","reason","signer","signedAt"}],"signatures":[{"layer","valid","failure","reason"}],
    /// "attestations":[{"layer","predicateType","valid","failure","reason"}],"predicateTypes":[…],"diagnostics":[{"code","severity","message"}],
    /// "platforms":[{"platform","digest","verified","failureCode","signatures","attestations","predicateTypes","diagnostics"}],
    /// "skipped":[{"digest","platform"}]}</c>. For an index the top-level fields describe the index itself, except
    /// <c>verified</c>, <c>failureCode</c> and <c>diagnostics</c>, which cover the platforms too (so a reader of the
    /// original schema still sees every failure). Failure names are camelCase enum names (e.g. <c>digestMismatch</c>).
    /// </summary>
    public byte[] ToJson() => SigningJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("image", Image);
        w.WriteString("digest", Digest.ToString());
        w.WriteBoolean("verified", Verified);
        WriteNullable(w, "failureCode", FailureCode);
        WriteNullable(w, "keyFingerprint", KeyFingerprint.Length == 0 ? null : KeyFingerprint);
        w.WriteString("signer", Signer);
        WriteChecks(w, this);
        w.WriteStartArray("platforms");
        foreach (PlatformVerification p in Platforms)
        {
            w.WriteStartObject();
            WriteNullable(w, "platform", p.Platform?.ToString());
            w.WriteString("digest", p.Report.Digest.ToString());
            w.WriteBoolean("verified", p.Report.Verified);
            WriteNullable(w, "failureCode", p.Report.FailureCode);
            WriteChecks(w, p.Report);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("skipped");
        foreach (Descriptor s in Skipped)
        {
            w.WriteStartObject();
            w.WriteString("digest", s.Digest.ToString());
            WriteNullable(w, "platform", s.Platform?.ToString());
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>signatures, attestations, predicateTypes, diagnostics: the same shape for an image and for each platform.</summary>
    private static void WriteChecks(Utf8JsonWriter w, VerificationReport report)
    {
        w.WriteString("format", report.Format);
        w.WriteStartArray("bundles");
        foreach (BundleCheck b in report.Bundles?.Bundles ?? [])
        {
            w.WriteStartObject();
            WriteNullable(w, "artifact", b.Artifact?.ToString());
            w.WriteString("content", b.Content);
            WriteNullable(w, "predicateType", b.PredicateType);
            w.WriteBoolean("valid", b.Valid);
            WriteFailure(w, b.Failure?.ToString(), b.Reason);
            WriteNullable(w, "signer", b.Signer);
            WriteNullable(w, "signedAt", b.SignedAt?.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("signatures");
        foreach (SignatureCheck s in report.Signatures.Signatures)
        {
            w.WriteStartObject();
            w.WriteString("layer", s.Layer.ToString());
            w.WriteBoolean("valid", s.Valid);
            WriteFailure(w, s.Failure?.ToString(), s.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("attestations");
        foreach (AttestationCheck a in report.Attestations?.Attestations ?? [])
        {
            w.WriteStartObject();
            w.WriteString("layer", a.Layer.ToString());
            WriteNullable(w, "predicateType", a.PredicateType);
            w.WriteBoolean("valid", a.Valid);
            WriteFailure(w, a.Failure?.ToString(), a.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("predicateTypes");
        foreach (string type in report.PredicateTypes)
        {
            w.WriteStringValue(type);
        }

        w.WriteEndArray();
        w.WriteStartArray("diagnostics");
        foreach (Diagnostic d in report.Diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("code", d.Code);
            w.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
            w.WriteString("message", d.CliMessage);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

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

/// <summary>One platform manifest of a verified index: its platform as the index declares it (null when it declares none) and its own report.</summary>
public sealed record PlatformVerification(Platform? Platform, VerificationReport Report);

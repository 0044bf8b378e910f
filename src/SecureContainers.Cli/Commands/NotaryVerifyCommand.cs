using System.Text.Json;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Notary;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers verify &lt;image&gt; --notary [--notary-trust-policy FILE --notary-trust-store DIR] [--platform]</c>:
/// the release gate for Notary-signed images (Microsoft's .NET images, a team's notation-signed ones). All checks live in
/// <see cref="NotaryImageVerifier"/>; this prints its report.
/// </summary>
internal static class NotaryVerifyCommand
{
    public static async Task<ExitCode> RunAsync(CliContext context, string imageText, bool notary, string? policyPath, string? storePath,
        IReadOnlyList<string?> cosignOptions, string? platformText, bool json, CancellationToken ct)
    {
        // Everything the user typed is checked before any network access.
        ImageReference image = ImageReference.Parse(imageText);
        Platform? platform = platformText is null ? null : PlatformText.Parse(platformText);
        string[] conflicting = cosignOptions.OfType<string>().ToArray();
        if (!notary || conflicting.Length > 0)
        {
            throw new SecureContainerException(CommandLineDiagnostics.NotaryOptionsInvalid.Create(
                !notary ? $"{NotaryOptions.PolicyName}/{NotaryOptions.StoreName} without --notary" : string.Join(", ", conflicting)));
        }

        IReadOnlyList<NotaryTrustPolicy> policies = NotaryOptions.Load(policyPath, storePath);
        using RegistryClient client = context.CreateRegistryClient();
        NotaryImageReport report = await NotaryImageVerifier.VerifyAsync(client, image, platform, policies, DateTimeOffset.UtcNow, ct).ConfigureAwait(false);

        List<Diagnostic> diagnostics = Diagnose(report, policyPath);
        foreach (Diagnostic d in diagnostics)
        {
            context.Report(d);
        }

        ExitCode exitCode = report.Verified ? ExitCode.Success : ExitCode.Failure;
        if (json)
        {
            string? failureCode = report.Verified ? null : diagnostics.LastOrDefault(d => d.Severity == DiagnosticSeverity.Error)?.Code;
            ResultDocument.Write(context, "verify", exitCode, diagnostics, w => WriteFields(w, report, failureCode));
        }
        else
        {
            WriteText(context.Output, report);
        }

        return exitCode;
    }

    private static List<Diagnostic> Diagnose(NotaryImageReport report, string? policyPath)
    {
        List<Diagnostic> diagnostics = [];
        if (report.Policy is not { } policy)
        {
            diagnostics.Add(NotaryDiagnostics.NoPolicyCoversImage.Create(report.Image, NotaryOptions.PolicyName));
            return diagnostics;
        }

        foreach (NotaryManifestReport manifest in report.Manifests.Where(m => m.Verification is not null))
        {
            NotaryArtifactVerification v = manifest.Verification!;
            string what = $"{report.Image}@{manifest.Target.Digest}";
            if (v.TooMany)
            {
                diagnostics.Add(NotaryDiagnostics.TooManySignatures.Create(what, v.ReferrerCount, NotaryReferrerVerifier.MaxSignatures));
                continue;
            }

            IEnumerable<NotaryFailure> failures = v.Verified is { } ok ? ok.Result.Failures : v.Signatures.SelectMany(s => s.Result.Failures);
            diagnostics.AddRange(failures.Select(f => f.Enforced ? f.Reason : f.Reason with { Severity = DiagnosticSeverity.Warning }));
            if (v.Verified is null)
            {
                diagnostics.Add(NotaryDiagnostics.ImageNotVerified.Create(what, Kind(manifest.Target), policy.Name, v.Reasons));
            }
        }

        return diagnostics;
    }

    private static string Kind(Descriptor target) => MediaTypes.IsIndex(target.MediaType) ? "index" : $"{target.Platform?.ToString() ?? "image"} manifest";

    private static void WriteText(TextWriter output, NotaryImageReport report)
    {
        output.WriteLine($"{(report.Verified ? "Verified" : "NOT verified")} (Notary): {report.Image}@{report.Digest}"
            + (report.Policy is { } p ? $" under trust policy '{p.Name}' ({p.Level.ToString().ToLowerInvariant()})" : " (no trust policy covers it)"));
        foreach (NotaryManifestReport manifest in report.Manifests)
        {
            string verdict = manifest.Verification is not { } v ? "skipped (level skip)"
                : v.Verified is { } ok ? $"verified, signature {ok.Artifact} by {ok.Result.SignerSubject}" + (ok.Result.TimestampTime is { } ts ? $", timestamped {ts:yyyy-MM-ddTHH:mm:ssZ} by {ok.Result.TimestampAuthority}" : "")
                : v.TooMany ? $"NOT verified ({v.ReferrerCount} signature referrers, over the cap)"
                : $"NOT verified ({(v.Signatures.Count == 0 ? "no signature" : string.Join(", ", v.Signatures.SelectMany(s => s.Result.Failures).Where(f => f.Enforced).Select(f => f.Reason.Code).Distinct()))})";
            output.WriteLine($"  {Kind(manifest.Target)} {manifest.Target.Digest}: {verdict}");
        }

        if (report.Manifests.Any(m => m.Verification?.Verified is not null))
        {
            output.WriteLine("  revocation: not checked (offline verification, SC4135)");
        }
    }

    private static void WriteFields(Utf8JsonWriter w, NotaryImageReport report, string? failureCode)
    {
        w.WriteString("image", report.Image);
        w.WriteString("digest", report.Digest.ToString());
        w.WriteBoolean("verified", report.Verified);
        w.WriteString("failureCode", failureCode);
        w.WriteString("policy", report.Policy?.Name);
        w.WriteString("level", report.Policy?.Level.ToString().ToLowerInvariant());
        w.WriteBoolean("revocationChecked", false);
        w.WriteStartArray("manifests");
        foreach (NotaryManifestReport manifest in report.Manifests)
        {
            NotarySignatureCheck? ok = manifest.Verification?.Verified;
            w.WriteStartObject();
            w.WriteString("digest", manifest.Target.Digest.ToString());
            w.WriteString("mediaType", manifest.Target.MediaType);
            w.WriteString("platform", manifest.Target.Platform?.ToString());
            w.WriteBoolean("verified", manifest.Verified);
            w.WriteBoolean("skipped", manifest.Verification is null);
            w.WriteNumber("signatures", manifest.Verification?.ReferrerCount ?? 0);
            w.WriteString("signature", ok?.Artifact.ToString());
            w.WriteString("signer", ok?.Result.SignerSubject);
            w.WriteString("signingTime", ok?.Result.SigningTime?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("timestamp", ok?.Result.TimestampTime?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("timestampAuthority", ok?.Result.TimestampAuthority);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}

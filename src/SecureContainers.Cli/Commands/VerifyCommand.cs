using System.CommandLine;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers verify &lt;image&gt; --key pub.pem [--require-sbom] [--require-provenance] [--output json]</c>:
/// the release gate. Resolves a tag to a digest once, then requires a valid cosign signature binding that digest and
/// repository, and checks every attestation. For an image index, the index and every platform manifest it lists are
/// verified (each platform reported on its own); --platform verifies one platform manifest only. All checks live in
/// <see cref="ImageVerifier"/>.
/// </summary>
internal sealed class VerifyCommand : ICliCommand
{
    public Command Create(CliContext context)
    {
        Argument<string> image = new("image")
        {
            Description = "The image: registry/repository:tag or registry/repository@sha256:<digest>. A tag is resolved to a digest once; the digest is what is verified (for a multi-platform image, the index and every platform manifest it lists, unless --platform picks one platform's manifest).",
        };
        Option<string> key = new("--key")
        {
            HelpName = "pub.pem",
            Description = "The PEM public key (ECDSA P-256 or P-384) that must have signed the image.",
            Required = true,
        };
        Option<bool> requireSbom = new("--require-sbom") { Description = "Fail unless a valid CycloneDX SBOM attestation (https://cyclonedx.org/bom) is attached (for a multi-platform image: to every platform manifest)." };
        Option<bool> requireProvenance = new("--require-provenance") { Description = "Fail unless a valid SLSA provenance attestation (https://slsa.dev/provenance/v1) is attached (for a multi-platform image: to the index, or else to every platform manifest)." };
        Option<string?> platform = new("--platform")
        {
            HelpName = "os/arch[/variant]",
            Description = "For a multi-platform image, verify only this platform's manifest instead of the index and all its platforms.",
        };
        Option<string> output = new("--output")
        {
            HelpName = "text|json",
            Description = "The report format on standard output.",
            DefaultValueFactory = _ => "text",
        };
        output.AcceptOnlyFromAmong("text", "json");

        Command command = new("verify", "Verify an image's cosign signature and attestations with a public key before deploying it.");
        command.Arguments.Add(image);
        command.Options.Add(key);
        command.Options.Add(requireSbom);
        command.Options.Add(requireProvenance);
        command.Options.Add(platform);
        command.Options.Add(output);
        command.SetAction((parse, ct) => CommandAction.RunAsync(context, new CommandRun("verify", parse.GetValue(output) == "json"), () => RunAsync(
            context, parse.GetRequiredValue(image), parse.GetRequiredValue(key), parse.GetValue(requireSbom), parse.GetValue(requireProvenance),
            parse.GetValue(platform), parse.GetValue(output) == "json", ct)));
        return command;
    }

    private static async Task<ExitCode> RunAsync(CliContext context, string imageText, string keyPath, bool requireSbom, bool requireProvenance, string? platformText, bool json, CancellationToken ct)
    {
        // Everything the user typed is checked before any network access.
        ImageReference image = ImageReference.Parse(imageText);
        Platform? platform = platformText is null ? null : PlatformText.Parse(platformText);
        using VerificationKey publicKey = VerificationKey.Load(keyPath);

        using RegistryClient client = context.CreateRegistryClient();
        Digest digest = image.Digest ?? (await client.GetManifestAsync(image.Registry, image.Repository, image.ReferenceForApi, ct).ConfigureAwait(false)).Digest;
        if (platform is not null)
        {
            digest = (await client.ResolveAsync(image with { Digest = digest }, platform, ct).ConfigureAwait(false)).ManifestDigest;
        }

        VerificationReport report = await ImageVerifier.VerifyAsync(
            client,
            new VerificationRequest(image.Registry, image.Repository, digest, publicKey) { RequireSbom = requireSbom, RequireProvenance = requireProvenance },
            ct).ConfigureAwait(false);

        foreach (Core.Diagnostics.Diagnostic d in report.Diagnostics)
        {
            context.Report(d);
        }

        if (json)
        {
            await context.StandardOutput.WriteAsync(report.ToJson(), ct).ConfigureAwait(false);
            await context.StandardOutput.FlushAsync(ct).ConfigureAwait(false);
        }
        else
        {
            WriteText(context.Output, report);
        }

        return report.Verified ? ExitCode.Success : ExitCode.Failure;
    }

    private static void WriteText(TextWriter output, VerificationReport report)
    {
        string image = report.Image.Contains('@', StringComparison.Ordinal) ? report.Image : $"{report.Image}@{report.Digest}";
        output.WriteLine($"{(report.Verified ? "Verified" : "NOT verified")}: {image} with key {report.KeyFingerprint}");
        WriteChecks(output, report, "  ");
        foreach (PlatformVerification platform in report.Platforms)
        {
            string failure = platform.Report.FailureCode is null ? "" : $" ({platform.Report.FailureCode})";
            output.WriteLine($"  platform {platform.Platform?.ToString() ?? "(none declared)"} {platform.Report.Digest}: {(platform.Report.Verified ? "verified" : "NOT verified")}{failure}");
            WriteChecks(output, platform.Report, "    ");
        }

        foreach (Descriptor skipped in report.Skipped)
        {
            output.WriteLine($"  skipped {skipped.Digest} ({skipped.Platform?.ToString() ?? "no platform"}): attestation manifest, not a platform image");
        }
    }

    private static void WriteChecks(TextWriter output, VerificationReport report, string indent)
    {
        foreach (var signature in report.Signatures.Signatures)
        {
            output.WriteLine($"{indent}signature {signature.Layer}: {Verdict(signature.Valid, signature.Reason)}");
        }

        foreach (var attestation in report.Attestations?.Attestations ?? [])
        {
            output.WriteLine($"{indent}attestation {attestation.Layer} {attestation.PredicateType ?? "(unknown predicate)"}: {Verdict(attestation.Valid, attestation.Reason)}");
        }

        output.WriteLine($"{indent}predicate types: {(report.PredicateTypes.Count == 0 ? "none" : string.Join(", ", report.PredicateTypes))}");
    }

    // A valid check has no reason: print "valid", not "valid ()".
    private static string Verdict(bool valid, string reason) =>
        (valid ? "valid" : "invalid") + (string.IsNullOrEmpty(reason) ? "" : $" ({reason})");
}

using System.CommandLine;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Keys;
using SecureContainers.Core.Signing.Trust;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers verify &lt;image&gt; (--key pub.pem | --certificate-identity[-regexp] X --certificate-oidc-issuer Y
/// --trusted-root FILE) [--require-sbom] [--require-provenance] [--output json]</c>: the release gate. Resolves a tag to a
/// digest once, then requires a valid signature binding that digest – from the image's Sigstore bundles when it has any
/// (cosign's "bundles win" rule), else from its legacy cosign tags – and checks every attestation. For an image index, the index and every platform manifest it lists are
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
            Description = "The PEM public key (ECDSA P-256 or P-384) that must have signed the image. Give this, or a keyless certificate identity.",
        };
        Option<string?> identity = new("--certificate-identity")
        {
            HelpName = "identity",
            Description = "Keyless: the identity (SAN URI or email) the Fulcio signing certificate must name exactly, e.g. https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main.",
        };
        Option<string?> identityRegexp = new("--certificate-identity-regexp")
        {
            HelpName = "regexp",
            Description = "Keyless: a .NET regular expression the whole certificate identity must match (instead of --certificate-identity).",
        };
        Option<string?> issuer = new("--certificate-oidc-issuer")
        {
            HelpName = "url",
            Description = "Keyless: the OIDC issuer the certificate must name, e.g. https://token.actions.githubusercontent.com.",
        };
        Option<string?> trustedRoot = new("--trusted-root")
        {
            HelpName = "trusted_root.json",
            Description = "The sigstore trusted root (Fulcio CAs, Rekor logs) keyless certificates and log entries are checked against. Required for keyless; with --key, log entries in bundles are checked too.",
        };
        Option<bool> requireSbom = new("--require-sbom") { Description = "Fail unless a valid CycloneDX SBOM attestation (https://cyclonedx.org/bom) is attached (for a multi-platform image: to every platform manifest)." };
        Option<bool> requireProvenance = new("--require-provenance") { Description = "Fail unless a valid SLSA provenance attestation (https://slsa.dev/provenance/v1) is attached (for a multi-platform image: to the index, or else to every platform manifest)." };
        Option<string?> platform = new("--platform")
        {
            HelpName = "os/arch[/variant]",
            Description = "For a multi-platform image, verify only this platform's manifest instead of the index and all its platforms.",
        };
        Option<bool> notary = new("--notary")
        {
            Description = "Verify the image's Notary Project signatures (notation's COSE/JWS envelopes) instead of cosign's: the index and every platform manifest, each needing a signature that satisfies the trust policy covering the repository. Microsoft's policy for mcr.microsoft.com/dotnet/* is built in.",
        };
        Option<string?> notaryPolicy = NotaryOptions.Policy();
        Option<string?> notaryStore = NotaryOptions.Store();
        Option<string> output = new("--output")
        {
            HelpName = "text|json",
            Description = "The report format on standard output.",
            DefaultValueFactory = _ => "text",
        };
        output.AcceptOnlyFromAmong("text", "json");

        Command command = new("verify", "Verify an image's signature and attestations (Sigstore bundles or legacy cosign), key-based or keyless, before deploying it.");
        command.Arguments.Add(image);
        command.Options.Add(key);
        command.Options.Add(identity);
        command.Options.Add(identityRegexp);
        command.Options.Add(issuer);
        command.Options.Add(trustedRoot);
        command.Options.Add(requireSbom);
        command.Options.Add(requireProvenance);
        command.Options.Add(platform);
        command.Options.Add(notary);
        command.Options.Add(notaryPolicy);
        command.Options.Add(notaryStore);
        command.Options.Add(output);
        command.SetAction((parse, ct) => CommandAction.RunAsync(context, new CommandRun("verify", parse.GetValue(output) == "json"), () => parse.GetValue(notary) || parse.GetValue(notaryPolicy) is not null || parse.GetValue(notaryStore) is not null
            ? NotaryVerifyCommand.RunAsync(context, parse.GetRequiredValue(image), parse.GetValue(notary), parse.GetValue(notaryPolicy), parse.GetValue(notaryStore),
                [parse.GetValue(key) is null ? null : "--key", parse.GetValue(identity) is null ? null : "--certificate-identity", parse.GetValue(identityRegexp) is null ? null : "--certificate-identity-regexp",
                 parse.GetValue(issuer) is null ? null : "--certificate-oidc-issuer", parse.GetValue(trustedRoot) is null ? null : "--trusted-root",
                 parse.GetValue(requireSbom) ? "--require-sbom" : null, parse.GetValue(requireProvenance) ? "--require-provenance" : null],
                parse.GetValue(platform), parse.GetValue(output) == "json", ct)
            : RunAsync(
            context, parse.GetRequiredValue(image),
            new TrustOptions(parse.GetValue(key), parse.GetValue(identity), parse.GetValue(identityRegexp), parse.GetValue(issuer), parse.GetValue(trustedRoot)),
            parse.GetValue(requireSbom), parse.GetValue(requireProvenance), parse.GetValue(platform), parse.GetValue(output) == "json", ct)));
        return command;
    }

    /// <summary>Who must have signed, as typed: a key, or a keyless identity, issuer and trusted root.</summary>
    private sealed record TrustOptions(string? Key, string? Identity, string? IdentityRegexp, string? Issuer, string? TrustedRoot)
    {
        /// <summary>SC1115 for a combination that does not name one signer unambiguously.</summary>
        public void Check()
        {
            bool keyless = Identity is not null || IdentityRegexp is not null || Issuer is not null;
            string? problem = (Key, keyless) switch
            {
                (not null, true) => "--key and a keyless certificate option were both given",
                (null, false) => "neither --key nor --certificate-identity/--certificate-identity-regexp was given",
                (null, true) when Identity is not null && IdentityRegexp is not null => "--certificate-identity and --certificate-identity-regexp were both given",
                (null, true) when Identity is null && IdentityRegexp is null => "--certificate-oidc-issuer was given without --certificate-identity or --certificate-identity-regexp",
                (null, true) when Issuer is null => "--certificate-oidc-issuer is missing: an identity alone can be claimed through any OIDC provider",
                (null, true) when TrustedRoot is null => "--trusted-root is missing: keyless certificates are checked against a trusted root",
                _ => null,
            };
            if (problem is not null)
            {
                throw new SecureContainerException(CommandLineDiagnostics.VerifyTrustOptionsInvalid.Create(problem));
            }
        }
    }

    private static async Task<ExitCode> RunAsync(CliContext context, string imageText, TrustOptions trust, bool requireSbom, bool requireProvenance, string? platformText, bool json, CancellationToken ct)
    {
        // Everything the user typed is checked before any network access.
        ImageReference image = ImageReference.Parse(imageText);
        Platform? platform = platformText is null ? null : PlatformText.Parse(platformText);
        trust.Check();
        CertificateIdentityPolicy? identity = trust.Key is null ? CertificateIdentityPolicy.Create(trust.Identity, trust.IdentityRegexp, trust.Issuer!) : null;
        TrustedRoot? root = trust.TrustedRoot is null ? null : TrustedRoot.Load(trust.TrustedRoot);
        using VerificationKey? publicKey = trust.Key is null ? null : VerificationKey.Load(trust.Key);

        using RegistryClient client = context.CreateRegistryClient();
        Digest digest = image.Digest ?? (await client.GetManifestAsync(image.Registry, image.Repository, image.ReferenceForApi, ct).ConfigureAwait(false)).Digest;
        if (platform is not null)
        {
            digest = (await client.ResolveAsync(image with { Digest = digest }, platform, ct).ConfigureAwait(false)).ManifestDigest;
        }

        VerificationReport report = await ImageVerifier.VerifyAsync(
            client,
            new VerificationRequest(image.Registry, image.Repository, digest, publicKey)
            {
                Identity = identity,
                TrustedRoot = root,
                RequireSbom = requireSbom,
                RequireProvenance = requireProvenance,
            },
            ct).ConfigureAwait(false);

        foreach (Diagnostic d in report.Diagnostics)
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
        output.WriteLine($"{(report.Verified ? "Verified" : "NOT verified")}: {image} with {report.Signer}");
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
        if (report.Bundles is { } bundles)
        {
            output.WriteLine($"{indent}format: Sigstore bundles (legacy .sig/.att not read)");
            foreach (BundleCheck b in bundles.Bundles)
            {
                string what = b.IsSignature ? $"{b.Content} (signature)" : b.PredicateType ?? b.Content;
                output.WriteLine($"{indent}bundle {b.Artifact?.ToString() ?? "?"} {what}: {Verdict(b.Valid, b.Valid ? $"by {b.Signer}" : b.Reason)}");
            }
        }

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

using System.CommandLine;
using System.Text.RegularExpressions;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Signing.Provenance;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers attest &lt;image&gt; --key KEY [--sbom FILE] [--provenance [--source-repository URL] [--source-commit SHA] …]</c>:
/// DSSE-signed in-toto attestations of the image digest, as <c>cosign attest --key</c> writes them: legacy <c>.att</c>
/// layers (<see cref="CosignAttestor"/>), cosign v3 Sigstore bundles as OCI referrers (<see cref="BundleReferrers"/>), or
/// both (<c>--signature-format</c>); of the CycloneDX SBOM, SLSA v1 provenance, or both. An attestation this key already
/// made of the same statement is not added again.
/// </summary>
internal sealed partial class AttestCommand : ICliCommand
{
    public Command Create(CliContext context)
    {
        Argument<string> image = new("image")
        {
            Description = "The image: registry/repository:tag or registry/repository@sha256:<digest>. A tag is resolved to a digest once; every attestation names that digest.",
        };
        SigningKeyOptions key = new();
        Option<string?> sbom = new("--sbom")
        {
            HelpName = "file",
            Description = "Attest this CycloneDX JSON SBOM (predicate type https://cyclonedx.org/bom); checked before anything is written.",
        };
        Option<bool> provenance = new("--provenance")
        {
            Description = "Attest SLSA v1 provenance (https://slsa.dev/provenance/v1): the builder from the CI environment (GitHub Actions, Azure Pipelines, GitLab CI), the source options below, the time from SOURCE_DATE_EPOCH, else the image config's created time (so attesting again adds nothing), else the clock.",
        };
        Option<string?> project = new("--project") { HelpName = "name", Description = "With --provenance: the project built. Default: the last segment of the image repository." };
        Option<string?> sourceRepository = new("--source-repository") { HelpName = "url", Description = "With --provenance: the source repository URL (https, ssh or git; credentials in it are dropped)." };
        Option<string?> sourceCommit = new("--source-commit") { HelpName = "sha", Description = "With --provenance: the full commit hash built (40 or 64 hex characters)." };
        Option<string?> sourceRef = new("--source-ref") { HelpName = "ref", Description = "With --provenance: the ref built, for example refs/heads/main." };
        Option<string?> platform = new("--platform")
        {
            HelpName = "os/arch[/variant]",
            Description = "For a multi-platform image, attest this platform's manifest instead of the index.",
        };
        Option<string> format = SignatureFormatOption.Create();
        Option<string> output = OutputFormatOption.Create();

        Command command = new("attest", "Attest an image digest's SBOM and/or SLSA provenance with a private key, as `cosign attest --key` does (Sigstore bundles as OCI referrers and/or the legacy tag sha256-<hex>.att).");
        command.Arguments.Add(image);
        key.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(sbom);
        command.Options.Add(provenance);
        command.Options.Add(project);
        command.Options.Add(sourceRepository);
        command.Options.Add(sourceCommit);
        command.Options.Add(sourceRef);
        command.Options.Add(platform);
        command.Options.Add(output);
        command.SetAction((parse, ct) => CommandAction.RunAsync(context, new CommandRun("attest", parse.GetValue(output) == "json"), () =>
        {
            ImageTarget target = ImageTarget.Parse(parse.GetRequiredValue(image), parse.GetValue(platform));
            ProvenanceOptions? provenanceOptions = ProvenanceOptions.Read(parse.GetValue(provenance), [
                (project.Name, parse.GetValue(project)), (sourceRepository.Name, parse.GetValue(sourceRepository)),
                (sourceCommit.Name, parse.GetValue(sourceCommit)), (sourceRef.Name, parse.GetValue(sourceRef))]);
            return RunAsync(context, parse, target, key, key.Read(parse, "attest"), SignatureFormatOption.Read(parse, format), parse.GetValue(sbom), provenanceOptions, parse.GetValue(output) == "json", ct);
        }));
        return command;
    }

    private static async Task<ExitCode> RunAsync(CliContext context, ParseResult parse, ImageTarget target, SigningKeyOptions key, SignerChoice choice, SignatureFormat format,
        string? sbomPath, ProvenanceOptions? provenance, bool json, CancellationToken ct)
    {
        // Keyless attestations are bundles only, as keyless signatures are.
        format = choice.Keyless ? SignatureFormat.Bundle : format;
        // Everything local is checked before the key is unlocked and before any network access.
        if (sbomPath is null && provenance is null)
        {
            throw new SecureContainerException(CommandLineDiagnostics.NothingToAttest.Create());
        }

        SbomFile? sbom = sbomPath is null ? null : SbomFile.Read(sbomPath);
        string? epoch = context.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        DateTimeOffset time = SbomTimestamp.Resolve(epoch, context.Now());
        SigningIdentity? identity = choice.Keyless ? null : await key.OpenAsync(context, parse, choice, ct).ConfigureAwait(false);
        try
        {
            using RegistryClient client = context.CreateRegistryClient();
            Digest digest = await target.ResolveAsync(client, ct).ConfigureAwait(false);

            // Without SOURCE_DATE_EPOCH the provenance is dated by the image itself (its config's build time), so that
            // attesting the same image again signs the same statement and adds nothing.
            if (provenance is not null && string.IsNullOrWhiteSpace(epoch) && await ImageCreatedAsync(client, target, digest, ct).ConfigureAwait(false) is DateTimeOffset built)
            {
                time = built;
            }

            identity ??= await key.OpenAsync(context, parse, choice, ct).ConfigureAwait(false);
            SigningResult result = await ImageSigning.SignAsync(client, new ImageSigningRequest(target.Image.Registry, target.Image.Repository, digest, identity.Signer)
            {
                Format = format,
                Sign = false,
                Sbom = sbom?.Content,
                Provenance = provenance?.ToInputs(target, time, context.GetEnvironmentVariable),
                Created = time,
                Witness = identity.Witness,
            }, ct).ConfigureAwait(false);
            Report(context, target, digest, identity, format, sbom is not null, provenance is not null, result, json);
            return ExitCode.Success;
        }
        finally
        {
            identity?.Dispose();
        }
    }

    private static void Report(CliContext context, ImageTarget target, Digest digest, SigningIdentity identity, SignatureFormat format, bool sbom, bool provenance,
        SigningResult result, bool json)
    {

        // ImageSigning attests the SBOM first, then provenance, in both formats.
        string[] types = [.. new[] { sbom ? InTotoStatement.CycloneDxPredicateType : null, provenance ? ProvenancePredicate.PredicateType : null }.OfType<string>()];
        List<(string PredicateType, ImageAttestation Attestation)> attestations = result.Attestations.Select((a, i) => (types[i], a)).ToList();

        if (json)
        {
            ResultDocument.Write(context, "attest", ExitCode.Success, [], w =>
            {
                w.WriteString("image", target.Pinned(digest));
                w.WriteString("digest", digest.ToString());
                SignerJson.Write(w, identity);
                w.WriteString("signatureFormat", format.ToWord());
                w.WriteStartArray("attestations");
                foreach ((string type, ImageAttestation a) in attestations)
                {
                    w.WriteStartObject();
                    w.WriteString("predicateType", type);
                    w.WriteString("reference", a.AttestationReference);
                    w.WriteString("manifest", a.AttestationManifest.ToString());
                    w.WriteBoolean("added", a.Added);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                BundleJson.Write(w, result.Bundles);
            });
            return;
        }

        foreach ((string type, ImageAttestation a) in attestations)
        {
            context.Output.WriteLine($"Attested {type} of {target.Pinned(digest)} with {identity.Description}: {a.AttestationReference} "
                + (a.Added ? $"(manifest {a.AttestationManifest})" : "(already there, nothing added)"));
        }

        foreach (ImageBundle bundle in result.Bundles)
        {
            context.Output.WriteLine($"Attested {bundle.PredicateType} of {target.Pinned(digest)} with {identity.Description}: {BundleJson.Text(bundle)}");
        }
    }

    /// <summary>The image's build time from its config (for an index, its first platform's), or null when it has none.</summary>
    private static async Task<DateTimeOffset?> ImageCreatedAsync(RegistryClient client, ImageTarget target, Digest digest, CancellationToken ct)
    {
        (string registry, string repository) = (target.Image.Registry, target.Image.Repository);
        (_, string mediaType, byte[] bytes) = await client.GetManifestAsync(registry, repository, digest.ToString(), ct).ConfigureAwait(false);
        if (MediaTypes.IsIndex(mediaType))
        {
            if (ImageIndex.Parse(bytes, mediaType).Manifests.FirstOrDefault() is not { } first)
            {
                return null;
            }

            (_, mediaType, bytes) = await client.GetManifestAsync(registry, repository, first.Digest.ToString(), ct).ConfigureAwait(false);
        }

        Descriptor config = ImageManifest.Parse(bytes, mediaType).Config;
        if (config.Size > RegistryClientOptions.DefaultMaxDocumentBytes)
        {
            return null;
        }

        await using DigestVerifyingStream stream = await client.OpenBlobAsync(registry, repository, config, ct).ConfigureAwait(false);
        using MemoryStream copy = new();
        await stream.CopyToAsync(copy, ct).ConfigureAwait(false);
        return ImageConfig.Parse(copy.ToArray()).Created;
    }

    /// <summary>The provenance options, validated: a provenance that names the wrong source is worse than none.</summary>
    private sealed record ProvenanceOptions(string? Project, string? SourceRepository, string? SourceCommit, string? SourceRef)
    {
        public static ProvenanceOptions? Read(bool provenance, IReadOnlyList<(string Name, string? Value)> options)
        {
            if (!provenance)
            {
                foreach ((string name, string? value) in options)
                {
                    if (value is not null)
                    {
                        throw new SecureContainerException(CommandLineDiagnostics.ProvenanceOptionWithoutProvenance.Create(name));
                    }
                }

                return null;
            }

            string? repository = options[1].Value;
            string? cleaned = repository is null ? null : SourceControl.Clean(repository)
                ?? throw new SecureContainerException(CommandLineDiagnostics.InvalidProvenanceOption.Create(options[1].Name, repository, "it is not an https, ssh or git URL"));
            string? commit = options[2].Value;
            if (commit is not null && !CommitPattern().IsMatch(commit))
            {
                throw new SecureContainerException(CommandLineDiagnostics.InvalidProvenanceOption.Create(options[2].Name, commit, "it is not a full commit hash"));
            }

            return new ProvenanceOptions(options[0].Value, cleaned, commit?.ToLowerInvariant(), options[3].Value);
        }

        public ProvenanceInputs ToInputs(ImageTarget target, DateTimeOffset time, Func<string, string?> getEnvironmentVariable) => new()
        {
            Project = Project ?? target.Image.Repository[(target.Image.Repository.LastIndexOf('/') + 1)..],
            Repository = $"{target.Image.Registry}/{target.Image.Repository}",
            Tags = target.Image.Digest is null && target.Image.Tag is string tag ? [tag] : [],
            SourceRepository = SourceRepository,
            SourceCommit = SourceCommit,
            SourceRef = SourceRef,
            Builder = BuilderIdentity.Detect(getEnvironmentVariable),
            // One instant for both: the CLI does not see the build, and SOURCE_DATE_EPOCH must pin the statement's bytes.
            StartedOn = time,
            FinishedOn = time,
        };
    }

    [GeneratedRegex("^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitPattern();
}

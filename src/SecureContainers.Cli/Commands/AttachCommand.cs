using System.CommandLine;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Signing.Provenance;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers attach &lt;image&gt; --sbom FILE [--platform os/arch] [--output json]</c>: attaches a CycloneDX SBOM to an
/// image pushed by any tool (a <c>ContainerArchiveOutputPath</c> tarball pushed with skopeo, say) as an OCI referrer, the
/// way the build does (<see cref="SbomAttachment"/>), so <c>securecontainers sbom</c> and scanners find it.
/// </summary>
internal sealed class AttachCommand : ICliCommand
{
    public Command Create(CliContext context)
    {
        Argument<string> image = new("image")
        {
            Description = "The image: registry/repository:tag or registry/repository@sha256:<digest>. A tag is resolved to a digest once; the SBOM is attached to that digest.",
        };
        Option<string> sbom = new("--sbom")
        {
            HelpName = "file",
            Description = "The CycloneDX JSON SBOM to attach (bomFormat \"CycloneDX\"); checked before anything is written.",
            Required = true,
        };
        Option<string?> platform = new("--platform")
        {
            HelpName = "os/arch[/variant]",
            Description = "For a multi-platform image, attach to this platform's manifest instead of the index (an SBOM describes one platform's content).",
        };
        Option<string> output = OutputFormatOption.Create();

        Command command = new("attach", "Attach a CycloneDX SBOM file to an image in its registry as an OCI referrer artifact.");
        command.Arguments.Add(image);
        command.Options.Add(sbom);
        command.Options.Add(platform);
        command.Options.Add(output);
        command.SetAction((parse, ct) => CommandAction.RunAsync(context, new CommandRun("attach", parse.GetValue(output) == "json"), () => RunAsync(
            context, ImageTarget.Parse(parse.GetRequiredValue(image), parse.GetValue(platform)), parse.GetRequiredValue(sbom), parse.GetValue(output) == "json", ct)));
        return command;
    }

    private static async Task<ExitCode> RunAsync(CliContext context, ImageTarget target, string sbomPath, bool json, CancellationToken ct)
    {
        SbomFile sbom = SbomFile.Read(sbomPath);

        // The created annotation is part of the artifact manifest, so it decides the referrer's digest: SOURCE_DATE_EPOCH
        // as in the build, else the SBOM's own time stamp. Either way the same file gives the same referrer, and running
        // attach again adds no second entry. Only an SBOM without a time stamp falls back to the clock.
        DateTimeOffset created = SbomTimestamp.Resolve(context.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), sbom.Timestamp ?? context.Now());

        using RegistryClient client = context.CreateRegistryClient();
        Digest digest = await target.ResolveAsync(client, ct).ConfigureAwait(false);
        Descriptor referrer = await SbomAttachment.AttachAsync(client, target.Image.Registry, target.Image.Repository, digest, sbom.Content,
            Path.GetFileName(sbom.Path), created, ct).ConfigureAwait(false);

        if (json)
        {
            ResultDocument.Write(context, "attach", ExitCode.Success, [], w =>
            {
                w.WriteString("image", target.Pinned(digest));
                w.WriteString("digest", digest.ToString());
                w.WriteStartObject("referrer");
                w.WriteString("digest", referrer.Digest.ToString());
                w.WriteString("mediaType", referrer.MediaType);
                w.WriteString("artifactType", referrer.ArtifactType);
                w.WriteNumber("size", referrer.Size);
                w.WriteEndObject();
            });
        }
        else
        {
            context.Output.WriteLine($"Attached {sbom.Path} to {target.Pinned(digest)} as referrer {referrer.Digest} ({referrer.ArtifactType})");
        }

        return ExitCode.Success;
    }
}

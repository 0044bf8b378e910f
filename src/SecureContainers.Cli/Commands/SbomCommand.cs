using System.CommandLine;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers sbom &lt;image&gt; [--platform os/arch] [-o file]</c>: the verified CycloneDX SBOM attached to an
/// image, to a file or standard output. All checks live in <see cref="SbomFetcher"/>.
/// </summary>
internal sealed class SbomCommand : ICliCommand
{
    public Command Create(CliContext context)
    {
        Argument<string> image = new("image")
        {
            Description = "The image: registry/repository:tag or registry/repository@sha256:<digest>. A tag is resolved once; for a multi-platform image, see --platform.",
        };
        Option<string?> platform = new("--platform")
        {
            HelpName = "os/arch[/variant]",
            Description = "For a multi-platform image, the platform whose SBOM to read (os/architecture[/variant]). Default: the only platform, else linux/amd64.",
        };
        Option<string?> output = new("--output", "-o")
        {
            HelpName = "file",
            Description = "Write the SBOM to this file (replaced atomically) instead of standard output.",
        };

        Command command = new("sbom", "Download the CycloneDX SBOM attached to an image, verified against the image digest.");
        command.Arguments.Add(image);
        command.Options.Add(platform);
        command.Options.Add(output);

        // `sbom generate IMAGE` is a subcommand; System.CommandLine matches a subcommand's name before the parent's
        // argument, so `sbom IMAGE` keeps working for every image reference but the bare word "generate".
        command.Subcommands.Add(SbomGenerateCommand.Create(context));
        command.SetAction((parse, ct) => CommandAction.RunAsync(context, () => RunAsync(
            context, parse.GetRequiredValue(image), parse.GetValue(platform), parse.GetValue(output), ct)));
        return command;
    }

    private static async Task<ExitCode> RunAsync(CliContext context, string imageText, string? platformText, string? output, CancellationToken ct)
    {
        // Both are checked before any network access, so a typo is a usage error even when the registry is down.
        ImageReference image = ImageReference.Parse(imageText);
        Platform? platform = platformText is null ? null : PlatformText.Parse(platformText);

        using RegistryClient client = context.CreateRegistryClient();
        FetchedSbom sbom = await new SbomFetcher(client).FetchAsync(image, platform, ct).ConfigureAwait(false);

        if (output is null)
        {
            await context.StandardOutput.WriteAsync(sbom.Content, ct).ConfigureAwait(false);
            await context.StandardOutput.FlushAsync(ct).ConfigureAwait(false);
        }
        else
        {
            SbomFetcher.WriteFile(sbom.Content, output);
            context.Output.WriteLine($"SBOM of {image.Registry}/{image.Repository}@{sbom.ImageDigest}{(sbom.Platform is null ? "" : $" ({sbom.Platform})")} (artifact {sbom.Artifact.Digest}) written to {output}");
        }

        return ExitCode.Success;
    }
}

using System.CommandLine;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers sign &lt;image&gt; --key KEY [--key-password-variable NAME] [--platform os/arch] [--output json]</c>: a
/// cosign-style signature of the image digest (<see cref="CosignSigner"/>), for images pushed by any tool. Signing the same
/// digest with the same key again leaves the signature manifest as it was.
/// </summary>
internal sealed class SignCommand : ICliCommand
{
    public Command Create(CliContext context)
    {
        Argument<string> image = new("image")
        {
            Description = "The image: registry/repository:tag or registry/repository@sha256:<digest>. A tag is resolved to a digest once; the digest is what is signed.",
        };
        SigningKeyOptions key = new();
        Option<string?> platform = new("--platform")
        {
            HelpName = "os/arch[/variant]",
            Description = "For a multi-platform image, sign this platform's manifest instead of the index.",
        };
        Option<string> output = OutputFormatOption.Create();

        Command command = new("sign", "Sign an image digest with a private key, as `cosign sign --key` does (signature in tag sha256-<hex>.sig).");
        command.Arguments.Add(image);
        key.AddTo(command);
        command.Options.Add(platform);
        command.Options.Add(output);
        command.SetAction((parse, ct) => CommandAction.RunAsync(context, new CommandRun("sign", parse.GetValue(output) == "json"), () => RunAsync(
            context, parse, ImageTarget.Parse(parse.GetRequiredValue(image), parse.GetValue(platform)), key, parse.GetValue(output) == "json", ct)));
        return command;
    }

    private static async Task<ExitCode> RunAsync(CliContext context, ParseResult parse, ImageTarget target, SigningKeyOptions key, bool json, CancellationToken ct)
    {
        using EcdsaFileSigner signer = key.Load(context, parse);
        using RegistryClient client = context.CreateRegistryClient();
        Digest digest = await target.ResolveAsync(client, ct).ConfigureAwait(false);
        CosignSignature signature = await CosignSigner.SignImageAsync(client, target.Image.Registry, target.Image.Repository, digest, signer, ct).ConfigureAwait(false);

        if (json)
        {
            ResultDocument.Write(context, "sign", ExitCode.Success, [], w =>
            {
                w.WriteString("image", target.Pinned(digest));
                w.WriteString("digest", digest.ToString());
                w.WriteString("keyFingerprint", signer.PublicKey.Fingerprint);
                w.WriteStartObject("signature");
                w.WriteString("reference", signature.SignatureReference);
                w.WriteString("manifest", signature.SignatureManifest.ToString());
                w.WriteEndObject();
            });
        }
        else
        {
            context.Output.WriteLine($"Signed {target.Pinned(digest)} with key {signer.PublicKey.Fingerprint}: {signature.SignatureReference} (manifest {signature.SignatureManifest})");
        }

        return ExitCode.Success;
    }
}

using System.CommandLine;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers sign &lt;image&gt; --key KEY [--key-password-variable NAME] [--signature-format F] [--platform os/arch] [--output json]</c>:
/// a cosign-style signature of the image digest, for images pushed by any tool: the legacy <c>.sig</c> layer
/// (<see cref="CosignSigner"/>), a cosign v3 Sigstore bundle as an OCI referrer (<see cref="BundleReferrers"/>), or both.
/// Signing the same digest with the same key again adds nothing.
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
        Option<string> format = SignatureFormatOption.Create();
        Option<string> output = OutputFormatOption.Create();

        Command command = new("sign", "Sign an image digest with a private key or keyless (Fulcio and Rekor), as `cosign sign` does (a Sigstore bundle as an OCI referrer and/or the legacy tag sha256-<hex>.sig).");
        command.Arguments.Add(image);
        key.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(platform);
        command.Options.Add(output);
        command.SetAction((parse, ct) => CommandAction.RunAsync(context, new CommandRun("sign", parse.GetValue(output) == "json"), () => RunAsync(
            context, parse, ImageTarget.Parse(parse.GetRequiredValue(image), parse.GetValue(platform)), key, key.Read(parse, "sign"), SignatureFormatOption.Read(parse, format), parse.GetValue(output) == "json", ct)));
        return command;
    }

    private static async Task<ExitCode> RunAsync(CliContext context, ParseResult parse, ImageTarget target, SigningKeyOptions key, SignerChoice choice, SignatureFormat format, bool json, CancellationToken ct)
    {
        DateTimeOffset created = SbomTimestamp.Resolve(context.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), context.Now());

        // Keyless signatures are written as bundles only: the legacy layout would need the certificate in annotations.
        format = choice.Keyless ? SignatureFormat.Bundle : format;

        // A key is unlocked before the registry is asked anything; a keyless certificate lasts minutes, so it waits for the digest.
        SigningIdentity? identity = choice.Keyless ? null : await key.OpenAsync(context, parse, choice, ct).ConfigureAwait(false);
        try
        {
            using RegistryClient client = context.CreateRegistryClient();
            Digest digest = await target.ResolveAsync(client, ct).ConfigureAwait(false);
            identity ??= await key.OpenAsync(context, parse, choice, ct).ConfigureAwait(false);
            SigningResult result = await ImageSigning.SignAsync(client, new ImageSigningRequest(target.Image.Registry, target.Image.Repository, digest, identity.Signer)
            {
                Format = format,
                Created = created,
                Witness = identity.Witness,
            }, ct).ConfigureAwait(false);
            Report(context, target, digest, identity, format, result, json);
            return ExitCode.Success;
        }
        finally
        {
            identity?.Dispose();
        }
    }

    private static void Report(CliContext context, ImageTarget target, Digest digest, SigningIdentity identity, SignatureFormat format, SigningResult result, bool json)
    {
        CosignSignature? signature = result.Signature;
        if (json)
        {
            ResultDocument.Write(context, "sign", ExitCode.Success, [], w =>
            {
                w.WriteString("image", target.Pinned(digest));
                w.WriteString("digest", digest.ToString());
                SignerJson.Write(w, identity);
                w.WriteString("signatureFormat", format.ToWord());
                if (signature is not null)
                {
                    w.WriteStartObject("signature");
                    w.WriteString("reference", signature.SignatureReference);
                    w.WriteString("manifest", signature.SignatureManifest.ToString());
                    w.WriteEndObject();
                }

                BundleJson.Write(w, result.Bundles);
            });
            return;
        }

        if (signature is not null)
        {
            context.Output.WriteLine($"Signed {target.Pinned(digest)} with {identity.Description}: {signature.SignatureReference} (manifest {signature.SignatureManifest})");
        }

        foreach (ImageBundle bundle in result.Bundles)
        {
            context.Output.WriteLine($"Signed {target.Pinned(digest)} with {identity.Description}: {BundleJson.Text(bundle)}");
        }
    }
}

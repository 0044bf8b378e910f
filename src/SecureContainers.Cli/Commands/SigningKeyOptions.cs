using System.CommandLine;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Signing.Keyless;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// Who signs, shared by sign and attest: <c>--key</c> (with <c>--key-password-variable</c> and, to record the signatures
/// in Rekor, <c>--tlog-upload</c>), or <c>--keyless</c> (the CI's identity token, a Fulcio certificate, Rekor entries;
/// <c>--fulcio-url</c>/<c>--rekor-url</c> for a private sigstore). Exactly one of the two (SC1109).
/// The key's password comes only from an environment
/// variable or, when that is empty and a person is at a terminal, a prompt without echo: never from the command line,
/// where shell history and process listings would keep it.
/// </summary>
internal sealed class SigningKeyOptions
{
    public Option<string> Key { get; } = new("--key")
    {
        HelpName = "key.pem",
        Description = "The PEM private key to sign with (ECDSA P-256 or P-384; `securecontainers keygen` makes one). An encrypted key's password is read from --key-password-variable, or asked for at a terminal.",
    };

    public Option<bool> Keyless { get; } = new("--keyless")
    {
        Description = "Sign keyless instead of with a key: the CI's OIDC identity token (GitHub Actions ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN, or SIGSTORE_ID_TOKEN), an ephemeral key, a Fulcio certificate, every signature recorded in Rekor. Writes Sigstore bundles.",
    };

    public Option<string?> FulcioUrl { get; } = new("--fulcio-url") { HelpName = "url", Description = "With --keyless: the Fulcio to ask for the certificate. Default: https://fulcio.sigstore.dev." };

    public Option<string?> RekorUrl { get; } = new("--rekor-url") { HelpName = "url", Description = "With --keyless or --tlog-upload: the Rekor to record signatures in. Default: https://rekor.sigstore.dev." };

    public Option<bool> TlogUpload { get; } = new("--tlog-upload") { Description = "With --key: also record each bundle's signature in Rekor, so that `cosign verify` needs no --insecure-ignore-tlog." };

    public Option<string?> PasswordVariable { get; } = new("--key-password-variable")
    {
        HelpName = "name",
        Description = $"The environment variable holding the key password. Default: {KeyPasswordSource.DefaultVariable}. When it is empty and a terminal is attached, the password is asked for.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Key);
        command.Options.Add(PasswordVariable);
        command.Options.Add(Keyless);
        command.Options.Add(FulcioUrl);
        command.Options.Add(RekorUrl);
        command.Options.Add(TlogUpload);
    }

    /// <summary>Checks the combination before anything else runs: one signer, and service URLs that are safe to send to.</summary>
    public SignerChoice Read(ParseResult parse, string verb)
    {
        string? key = parse.GetValue(Key);
        bool keyless = parse.GetValue(Keyless);
        SecureContainerException Invalid(string why) => new(CommandLineDiagnostics.SignerOptionsInvalid.Create(verb, why));
        if (key is null == !keyless)
        {
            throw Invalid(keyless ? "both --key and --keyless were given" : "neither --key nor --keyless was given");
        }

        if (keyless && parse.GetValue(TlogUpload))
        {
            throw Invalid("--tlog-upload is for --key (keyless signing always records in Rekor)");
        }

        if (!keyless && parse.GetValue(FulcioUrl) is not null)
        {
            throw Invalid("--fulcio-url is for --keyless");
        }

        Uri Url(Option<string?> option, Uri fallback) => parse.GetValue(option) is not string text ? fallback
            : SigstoreUrl.TryParse(text.Trim(), out Uri url) ? url
            : throw Invalid($"{option.Name} '{(text.Length > 100 ? text[..100] + "…" : text)}' is not an absolute https URL");

        KeylessOptions sigstore = new() { FulcioUrl = Url(FulcioUrl, KeylessOptions.PublicGoodFulcio), RekorUrl = Url(RekorUrl, KeylessOptions.PublicGoodRekor) };
        return new SignerChoice(keyless, parse.GetValue(TlogUpload), sigstore);
    }

    /// <summary>Unlocks the key or starts the keyless session: the key before any network access, so a wrong password fails first.</summary>
    public async Task<SigningIdentity> OpenAsync(CliContext context, ParseResult parse, SignerChoice choice, CancellationToken ct) =>
        choice.Keyless
            ? await SigningIdentity.KeylessAsync(choice.Sigstore, context.GetEnvironmentVariable, ct, context.SigstoreHandler).ConfigureAwait(false)
            : SigningIdentity.ForKey(Load(context, parse), choice.TransparencyLog, choice.Sigstore, context.SigstoreHandler);

    /// <summary>Loads the signer before any network access, so a wrong key or password fails with the registry untouched.</summary>
    public EcdsaFileSigner Load(CliContext context, ParseResult parse)
    {
        string path = parse.GetValue(Key)!;
        using KeyPassword fromEnvironment = KeyPasswordSource.FromEnvironment(parse.GetValue(PasswordVariable), context.GetEnvironmentVariable);
        try
        {
            return EcdsaFileSigner.Load(path, fromEnvironment);
        }
        catch (SecureContainerException ex) when (ex.Diagnostic.Descriptor == SigningDiagnostics.KeyPasswordMissing)
        {
            string? typed = context.ReadSecret($"Password for {path} ({fromEnvironment.VariableName} is not set): ");
            if (typed is null)
            {
                throw;
            }

            using KeyPassword prompted = KeyPassword.FromChars(typed, fromEnvironment.VariableName);
            return EcdsaFileSigner.Load(path, prompted);
        }
    }
}

/// <summary>The signer fields of sign's and attest's JSON: the key's fingerprint (null for keyless) and who signed.</summary>
internal static class SignerJson
{
    public static void Write(System.Text.Json.Utf8JsonWriter w, SigningIdentity identity)
    {
        if (identity.IsKeyless)
        {
            w.WriteNull("keyFingerprint");
        }
        else
        {
            w.WriteString("keyFingerprint", identity.Signer.PublicKey.Fingerprint);
        }

        w.WriteString("signer", identity.Description);
    }
}

/// <summary>What the signer options chose, validated.</summary>
internal sealed record SignerChoice(bool Keyless, bool TransparencyLog, KeylessOptions Sigstore);

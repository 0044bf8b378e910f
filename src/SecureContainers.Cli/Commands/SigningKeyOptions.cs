using System.CommandLine;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>--key</c> and <c>--key-password-variable</c>, shared by sign and attest. The password comes only from an environment
/// variable or, when that is empty and a person is at a terminal, a prompt without echo: never from the command line,
/// where shell history and process listings would keep it.
/// </summary>
internal sealed class SigningKeyOptions
{
    public Option<string> Key { get; } = new("--key")
    {
        HelpName = "key.pem",
        Description = "The PEM private key to sign with (ECDSA P-256 or P-384; `securecontainers keygen` makes one). An encrypted key's password is read from --key-password-variable, or asked for at a terminal.",
        Required = true,
    };

    public Option<string?> PasswordVariable { get; } = new("--key-password-variable")
    {
        HelpName = "name",
        Description = $"The environment variable holding the key password. Default: {KeyPasswordSource.DefaultVariable}. When it is empty and a terminal is attached, the password is asked for.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Key);
        command.Options.Add(PasswordVariable);
    }

    /// <summary>Loads the signer before any network access, so a wrong key or password fails with the registry untouched.</summary>
    public EcdsaFileSigner Load(CliContext context, ParseResult parse)
    {
        string path = parse.GetRequiredValue(Key);
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

using System.CommandLine;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers keygen [--output DIR] [--password-variable NAME]</c>: an ECDSA P-256 key pair for signing, the
/// private key encrypted with a password from the environment variable (or asked for at a terminal).
/// </summary>
internal sealed class KeygenCommand : ICliCommand
{
    public Command Create(CliContext context)
    {
        Option<string?> output = new("--output", "-o")
        {
            HelpName = "directory",
            Description = "Where to write securecontainers.key (mode 0600) and securecontainers.pub. Default: the current directory. Existing files are never overwritten.",
        };
        Option<string?> passwordVariable = new("--password-variable")
        {
            HelpName = "name",
            Description = $"The environment variable holding the key password. Default: {KeyPasswordSource.DefaultVariable}. When it is empty and a terminal is attached, the password is asked for.",
        };

        Command command = new("keygen", "Create an ECDSA P-256 signing key pair (encrypted PKCS#8 PEM private key and PEM public key).");
        command.Options.Add(output);
        command.Options.Add(passwordVariable);
        command.SetAction((parse, _) => CommandAction.RunAsync(context, () => Task.FromResult(Run(
            context, parse.GetValue(output) ?? Directory.GetCurrentDirectory(), parse.GetValue(passwordVariable) ?? KeyPasswordSource.DefaultVariable))));
        return command;
    }

    private static ExitCode Run(CliContext context, string directory, string variable)
    {
        // Validates the variable name (SC6010) before anything is asked for or written.
        using KeyPassword fromEnvironment = KeyPasswordSource.FromEnvironment(variable, context.GetEnvironmentVariable);
        string? prompted = null;
        if (fromEnvironment.IsEmpty)
        {
            prompted = context.ReadSecret($"Password for the new private key ({variable} is not set): ");
            string? again = prompted is null ? null : context.ReadSecret("Repeat the password: ");
            if (prompted is not null && !string.Equals(prompted, again, StringComparison.Ordinal))
            {
                throw new SecureContainerException(SigningDiagnostics.KeyGenerationPasswordMismatch.Create());
            }
        }

        GeneratedKeyPair pair = prompted is null
            ? KeyGenerator.Generate(directory, fromEnvironment)
            : KeyGenerator.Generate(directory, prompted, variable);
        context.Output.WriteLine($"Private key: {pair.PrivateKeyPath} (encrypted; keep it secret)");
        context.Output.WriteLine($"Public key:  {pair.PublicKeyPath}");
        context.Output.WriteLine($"Fingerprint: {pair.Fingerprint}");
        return ExitCode.Success;
    }
}

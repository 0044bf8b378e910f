using System.CommandLine;

namespace SecureContainers.Cli.Commands;

/// <summary>One verb of the tool. It maps its arguments to one core call and its outcome to an <see cref="ExitCode"/>.</summary>
public interface ICliCommand
{
    Command Create(CliContext context);
}

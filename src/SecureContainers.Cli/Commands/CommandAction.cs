using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// Runs a command's body and turns a coded failure into its diagnostic line and exit code. Only
/// <see cref="SecureContainerException"/> is caught: it is the core's way of saying "the user can act on this";
/// anything else is a bug and must not be dressed up as one.
/// </summary>
internal static class CommandAction
{
    public static async Task<int> RunAsync(CliContext context, Func<Task<ExitCode>> body)
    {
        try
        {
            return (int)await body().ConfigureAwait(false);
        }
        catch (SecureContainerException ex)
        {
            context.Report(ex.Diagnostic);
            return (int)ExitCodes.For(ex.Diagnostic);
        }
    }
}

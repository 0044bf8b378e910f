using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Cli.Commands;

/// <summary>Which verb is running and whether it reports as JSON: what the runner needs to answer on every outcome.</summary>
internal sealed record CommandRun(string Command, bool Json);

/// <summary>
/// Runs a command's body and turns a coded failure into its diagnostic line and exit code, plus, with
/// <c>--output json</c>, the error document on standard output (a pipeline that redirects it must never get an empty
/// file). Only <see cref="SecureContainerException"/> is caught: it is the core's way of saying "the user can act on
/// this"; anything else is a bug and must not be dressed up as one.
/// </summary>
internal static class CommandAction
{
    /// <summary>For verbs without a report format (sbom, keygen): their standard output is the SBOM or the key paths.</summary>
    public static Task<int> RunAsync(CliContext context, Func<Task<ExitCode>> body) =>
        RunAsync(context, new CommandRun("", Json: false), body);

    public static async Task<int> RunAsync(CliContext context, CommandRun run, Func<Task<ExitCode>> body)
    {
        try
        {
            return (int)await body().ConfigureAwait(false);
        }
        catch (SecureContainerException ex)
        {
            ExitCode code = ExitCodes.For(ex.Diagnostic);
            context.Report(ex.Diagnostic);
            if (run.Json)
            {
                ResultDocument.Write(context, run.Command, code, [ex.Diagnostic]);
            }

            return (int)code;
        }
    }
}

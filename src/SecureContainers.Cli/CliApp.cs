using SecureContainers.Core.Configuration;
using System.CommandLine;
using System.CommandLine.Invocation;
using SecureContainers.Cli.Commands;

namespace SecureContainers.Cli;

/// <summary>The tool's entry point, callable in-process: <c>Program</c> passes the console, tests pass a fake.</summary>
public static class CliApp
{
    public const string ToolName = "securecontainers";

    public static RootCommand CreateRootCommand(CliContext context)
    {
        RootCommand root = new("Secure container images for .NET: sign, attest and attach evidence to an image, and read it back. Exit codes: 0 success, 1 failure, 2 usage error, 3 registry unreachable.");
        foreach (ICliCommand command in CommandList.All)
        {
            root.Subcommands.Add(command.Create(context));
        }

        return root;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken ct = default)
    {
        RootCommand root = CreateRootCommand(context);
        ParseResult parse = root.Parse(args);

        // System.CommandLine would print its errors plus the help text and return 1; a usage error is 2 here, coded.
        if (parse.Action is ParseErrorAction)
        {
            string commandPath = string.Join(' ', parse.CommandResult.Command is RootCommand
                ? [ToolName]
                : new[] { ToolName }.Concat(CommandPath(parse.CommandResult.Command, root)));
            List<Core.Diagnostics.Diagnostic> diagnostics = parse.Errors.Select(e => CommandLineDiagnostics.InvalidCommandLine.Create(e.Message, commandPath)).ToList();
            diagnostics.ForEach(context.Report);

            // A pipeline that asked for json gets a document even when the rest of the line did not parse.
            if (OutputFormatOption.WantsJson(parse))
            {
                ResultDocument.Write(context, parse.CommandResult.Command.Name, ExitCode.UsageError, diagnostics);
            }

            return (int)ExitCode.UsageError;
        }

        InvocationConfiguration invocation = new()
        {
            Output = context.Output,
            Error = context.Error,
            // Coded failures are handled by each command; anything else is a bug and should surface as one.
            EnableDefaultExceptionHandler = false,
        };
        return await parse.InvokeAsync(invocation, ct).ConfigureAwait(false);
    }

    private static IEnumerable<string> CommandPath(Command command, RootCommand root)
    {
        Stack<string> names = new();
        for (Command? c = command; c is not null && c != root; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Push(c.Name);
        }

        return names;
    }
}

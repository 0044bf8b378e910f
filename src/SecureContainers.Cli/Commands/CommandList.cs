namespace SecureContainers.Cli.Commands;

/// <summary>The verbs the tool has. Adding one is a new file under Commands/ and one line here.</summary>
internal static class CommandList
{
    public static IReadOnlyList<ICliCommand> All { get; } =
    [
        new SbomCommand(),
        new KeygenCommand(),
        new VerifyCommand(),
        new AttachCommand(),
        new SignCommand(),
        new AttestCommand(),
        new CheckCommand(),
        new ScanCommand(),
        new DiffCommand(),
    ];
}

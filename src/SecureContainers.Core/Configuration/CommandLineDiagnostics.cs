using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Configuration;

/// <summary>
/// Command-line problems of the <c>securecontainers</c> tool (SC11xx), kept in the core with every other code so the
/// catalog and docs/diagnostics.md cover them. All are usage errors (exit code 2).
/// </summary>
public static class CommandLineDiagnostics
{
    public static readonly DiagnosticDescriptor InvalidCommandLine = new("SC1101", DiagnosticSeverity.Error,
        "{0} Run '{1} --help' for the arguments and options it takes.");

    public static readonly DiagnosticDescriptor InvalidPlatform = new("SC1102", DiagnosticSeverity.Error,
        "'{0}' is not a platform. Write os/architecture[/variant] as in OCI image indexes, for example --platform linux/amd64 or --platform linux/arm64/v8.");
}

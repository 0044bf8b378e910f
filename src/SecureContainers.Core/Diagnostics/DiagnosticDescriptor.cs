using System.Globalization;

namespace SecureContainers.Core.Diagnostics;

/// <summary>
/// A stable diagnostic: its code never changes meaning once shipped. The message format says what was found,
/// why it matters and the exact fix; it never takes a secret as an argument.
/// </summary>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity DefaultSeverity, string MessageFormat)
{
    /// <summary>
    /// The same finding worded for the <c>securecontainers</c> tool, formatted from the same arguments: where
    /// <see cref="MessageFormat"/> tells a build author to set an MSBuild property, this names the option or environment
    /// variable a CLI user has. Null when <see cref="MessageFormat"/> already reads right on a command line.
    /// </summary>
    public string? CliMessageFormat { get; init; }

    public Diagnostic Create(params object?[] args) => Create(DefaultSeverity, args);

    public Diagnostic Create(DiagnosticSeverity severity, params object?[] args) =>
        new(this, severity, Format(MessageFormat, args)) { CliMessage = CliMessageFormat is null ? null : Format(CliMessageFormat, args) };

    private static string Format(string format, object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}

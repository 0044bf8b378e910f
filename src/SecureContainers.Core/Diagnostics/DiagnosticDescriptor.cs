using System.Globalization;

namespace SecureContainers.Core.Diagnostics;

/// <summary>
/// A stable diagnostic: its code never changes meaning once shipped. The message format says what was found,
/// why it matters and the exact fix; it never takes a secret as an argument.
/// </summary>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity DefaultSeverity, string MessageFormat)
{
    public Diagnostic Create(params object?[] args) => new(this, DefaultSeverity, Format(args));

    public Diagnostic Create(DiagnosticSeverity severity, params object?[] args) => new(this, severity, Format(args));

    private string Format(object?[] args) => string.Format(CultureInfo.InvariantCulture, MessageFormat, args);
}

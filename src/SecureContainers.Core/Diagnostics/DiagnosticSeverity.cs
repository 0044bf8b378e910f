namespace SecureContainers.Core.Diagnostics;

/// <summary>How a finding affects the build. Policy may raise a <see cref="Warning"/> to an <see cref="Error"/>.</summary>
public enum DiagnosticSeverity
{
    Message,
    Warning,
    Error,
}

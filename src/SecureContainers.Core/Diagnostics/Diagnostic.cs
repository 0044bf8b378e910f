namespace SecureContainers.Core.Diagnostics;

/// <summary>One reported finding. <see cref="Message"/> does not repeat the code; front ends print both.</summary>
public sealed record Diagnostic(DiagnosticDescriptor Descriptor, DiagnosticSeverity Severity, string Message)
{
    public string Code => Descriptor.Code;

    public override string ToString() => $"{Code}: {Message}";
}

using System.Diagnostics.CodeAnalysis;

namespace SecureContainers.Core.Diagnostics;

/// <summary>One reported finding. <see cref="Message"/> does not repeat the code; front ends print both.</summary>
public sealed record Diagnostic(DiagnosticDescriptor Descriptor, DiagnosticSeverity Severity, string Message)
{
    private readonly string? _cliMessage;

    public string Code => Descriptor.Code;

    /// <summary>
    /// The message as the <c>securecontainers</c> tool prints it (<see cref="DiagnosticDescriptor.CliMessageFormat"/>),
    /// or <see cref="Message"/> when the descriptor has no CLI wording.
    /// </summary>
    [AllowNull]
    public string CliMessage
    {
        get => _cliMessage ?? Message;
        init => _cliMessage = value;
    }

    public override string ToString() => $"{Code}: {Message}";
}

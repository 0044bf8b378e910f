using Microsoft.Build.Utilities;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Build.Logging;

/// <summary>Bridges core diagnostics to MSBuild's log with their code, so NoWarn/WarningsAsErrors work per code.</summary>
internal sealed class MSBuildDiagnosticSink(TaskLoggingHelper log, string? projectFile) : IDiagnosticSink
{
    public void Report(Diagnostic diagnostic)
    {
        switch (diagnostic.Severity)
        {
            case DiagnosticSeverity.Error:
                log.LogError(null, diagnostic.Code, diagnostic.Code, projectFile, 0, 0, 0, 0, diagnostic.Message);
                break;
            case DiagnosticSeverity.Warning:
                log.LogWarning(null, diagnostic.Code, diagnostic.Code, projectFile, 0, 0, 0, 0, diagnostic.Message);
                break;
            default:
                log.LogMessage(null, diagnostic.Code, diagnostic.Code, projectFile, 0, 0, 0, 0, Microsoft.Build.Framework.MessageImportance.High, diagnostic.Message);
                break;
        }
    }
}

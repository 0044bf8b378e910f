using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Sarif;

/// <summary>SC719x: the SARIF report shared by the secret scan and the vulnerability gate.</summary>
public static class SarifDiagnostics
{
    public static readonly DiagnosticDescriptor WriteFailed = new(
        "SC7190",
        DiagnosticSeverity.Error,
        "The SARIF report '{0}' could not be written: {1}. It is written to a temporary file and renamed, so no partial report is left and a previous one is kept. " +
        "Fix: make sure the folder exists and is writable (or change the report path property).");
}

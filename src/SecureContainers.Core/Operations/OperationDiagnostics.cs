using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Operations;

/// <summary>SC00xx: what a run did (messages), and SC6035: evidence left incomplete after a push.</summary>
public static class OperationDiagnostics
{
    public static readonly DiagnosticDescriptor BaseImageRead = new("SC0001", DiagnosticSeverity.Message,
        "SecureContainers: base image {0} for {1}: {2}");

    public static readonly DiagnosticDescriptor SbomWritten = new("SC0002", DiagnosticSeverity.Message,
        "SecureContainers: SBOM of {0}@{1} ({2} NuGet packages, {3} OS packages) written to {4}");

    public static readonly DiagnosticDescriptor SbomAttached = new("SC0003", DiagnosticSeverity.Message,
        "SecureContainers: SBOM attached to {0}@{1} as {2}");

    public static readonly DiagnosticDescriptor Signed = new("SC0004", DiagnosticSeverity.Message,
        "SecureContainers: signed {0}@{1} with {2}, {3}");

    public static readonly DiagnosticDescriptor EvidenceIncomplete = new("SC6035", DiagnosticSeverity.Error,
        "The image {0} was pushed, but its evidence is incomplete: SBOM {1}; signature and attestations (signature format {2}) missing (see the error above). " +
        "Release pipelines that run `securecontainers verify` will refuse it until it is signed. " +
        "Fix the cause above, then complete it without rebuilding (re-running adds no duplicate): {3}");

    public static readonly DiagnosticDescriptor EvidenceCancelled = new("SC6036", DiagnosticSeverity.Error,
        "The build was cancelled after the image {0} was pushed: SBOM {1}; signature and attestations {2}. " +
        "Release pipelines that run `securecontainers verify` will refuse it until its evidence is complete. " +
        "Complete it without rebuilding (re-running adds no duplicate): {3}");
}

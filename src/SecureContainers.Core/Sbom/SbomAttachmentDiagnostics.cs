using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Sbom;

/// <summary>SC51xx: publishing evidence (the SBOM) next to the image in the registry.</summary>
public static class SbomAttachmentDiagnostics
{
    public static readonly DiagnosticDescriptor SbomNotAttached = new(
        "SC5101",
        DiagnosticSeverity.Warning,
        "The SBOM of {0}@{1} was written to {2} but could not be attached to the image in the registry: {3} " +
        "Release pipelines that fetch SBOMs from the registry (`securecontainers sbom {0}@{1}`) will not find it. " +
        "The image is pushed and its SBOM is on disk; once the registry problem above is fixed, attach it without rebuilding: " +
        "`securecontainers attach {0}@{1} --sbom {2}` (attaching again adds no duplicate). Under the Restricted profile this is an error, under Baseline a warning.");

    public static readonly DiagnosticDescriptor ImageNotInRegistry = new(
        "SC5102",
        DiagnosticSeverity.Error,
        "The image {0}@{1} that the SDK reported pushing is not in the registry, so nothing can be attached to it. " +
        "Check that ContainerRegistry points at the registry the image was pushed to and that no other process deleted it.")
    {
        CliMessageFormat = "The image {0}@{1} is not in the registry, so nothing can be attached to it. Check the registry, repository and digest in the image argument, and that no other process deleted the image.",
    };
}

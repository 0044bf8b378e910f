using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>SC604x: writing Sigstore bundles as OCI referrers of an image.</summary>
public static class BundleDiagnostics
{
    public static readonly DiagnosticDescriptor SubjectNotInRegistry = new("SC6040", DiagnosticSeverity.Error,
        "The image {0}@{1} is not in the registry, so no Sigstore bundle can refer to it (a referrer names its subject's exact media type and size, read from the registry). " +
        "Check that ContainerRegistry and ContainerRepository name where the SDK pushed the image and that no other process deleted it.")
    {
        CliMessageFormat = "The image {0}@{1} is not in the registry, so no Sigstore bundle can refer to it. Check the registry, repository and digest in the image argument, and that no other process deleted the image.",
    };
}

namespace SecureContainers.Core.Sbom;

/// <summary>
/// Names of the CycloneDX properties SecureContainers writes. They are part of the output contract (policies and
/// scanners query them), so they never change once shipped.
/// </summary>
public static class SbomPropertyNames
{
    /// <summary>One per tag the image was pushed with, in push order.</summary>
    public const string ImageTag = "securecontainers:image:tag";

    /// <summary><c>true</c> when the project references the package or project itself, <c>false</c> when it is transitive.</summary>
    public const string NuGetDirect = "securecontainers:nuget:direct";

    /// <summary>
    /// <c>false</c> when the package's own files are not in the image: it is listed because the app's dependency graph
    /// runs through it (a meta-package, or a PrivateAssets="all" package another package needs).
    /// </summary>
    public const string NuGetRuntimeAssets = "securecontainers:nuget:runtimeAssets";

    public const string TargetFramework = "securecontainers:dotnet:targetFramework";

    public const string RuntimeIdentifier = "securecontainers:dotnet:runtimeIdentifier";
}

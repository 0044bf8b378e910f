using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.NuGet;

/// <summary>
/// SC5001–SC5005, SC5008, SC5009: reading the restore results (project.assets.json) and the packages' nuspecs;
/// SC5011, SC5012: reading the <c>*.deps.json</c> files found in an image.
/// </summary>
public static class NuGetAssetsDiagnostics
{
    public static readonly DiagnosticDescriptor AssetsFileMissing = new("SC5001", DiagnosticSeverity.Error,
        "The NuGet assets file '{0}' could not be read ({1}). The SBOM lists the app's NuGet packages from it; run 'dotnet restore' (or build the project) before publishing the container.");

    public static readonly DiagnosticDescriptor AssetsFileInvalid = new("SC5002", DiagnosticSeverity.Error,
        "'{0}' is not a valid NuGet assets file: {1}. The app's packages cannot be listed from it; delete the project's obj folder and run 'dotnet restore'.");

    public static readonly DiagnosticDescriptor TargetFrameworkNotRestored = new("SC5003", DiagnosticSeverity.Error,
        "'{0}' has no restore results for TargetFramework '{1}' (it has: {2}). Run 'dotnet restore' for this project and TargetFramework before publishing the container.");

    public static readonly DiagnosticDescriptor RuntimeIdentifierNotRestored = new("SC5004", DiagnosticSeverity.Error,
        "'{0}' has no restore results for TargetFramework '{1}' with RuntimeIdentifier '{2}' (it has: {3}). RID-specific packages decide what ships in the image, so restore must know every RID published. For one RID, set <RuntimeIdentifier>{2}</RuntimeIdentifier> in the project (or publish with -r {2}); for a multi-RID publish, list {2} in <RuntimeIdentifiers> (restore reads it, not <ContainerRuntimeIdentifiers>, so every RID there must be in <RuntimeIdentifiers> too). Then run 'dotnet restore'.");

    public static readonly DiagnosticDescriptor PrivatePackageNeededAtRuntime = new("SC5005", DiagnosticSeverity.Warning,
        "Package '{0}' is referenced with PrivateAssets=\"all\", so 'dotnet publish' does not copy its files into the app, but '{1}' needs it at run time: the container may fail to load it. Remove PrivateAssets=\"all\" from that PackageReference.");

    public static readonly DiagnosticDescriptor NuspecInvalid = new("SC5008", DiagnosticSeverity.Warning,
        "'{0}' (the .nuspec of package {1} {2}) could not be read: {3}. The SBOM lists the package without its license, description and authors; clear it from the packages folder ('dotnet nuget locals global-packages --clear') and run 'dotnet restore'.");

    public static readonly DiagnosticDescriptor PackageNotInPackagesFolder = new("SC5009", DiagnosticSeverity.Warning,
        "Package {0} {1} is not in the NuGet packages folder (looked for '{2}'). The SBOM lists it without its license, description and authors; run 'dotnet restore' on this machine (with the same NUGET_PACKAGES) before publishing the container.");

    public static readonly DiagnosticDescriptor DepsJsonInvalid = new("SC5011", DiagnosticSeverity.Error,
        "'{0}' is not a valid .NET dependency manifest (.deps.json): {1}. The app's NuGet packages cannot be listed from it, so neither the SBOM nor the advisory check would be complete. Rebuild the image from a clean 'dotnet publish', or remove the file if it is not the app's.")
    {
        CliMessageFormat =
            "'{0}' in the image is not a valid .NET dependency manifest (.deps.json): {1}. The app's NuGet packages cannot be listed from it, so neither the SBOM nor the advisory check would be complete. " +
            "Fix: rebuild the image from a clean 'dotnet publish' and push it again, or, if the file is not the app's, rebuild without it.",
    };

    public static readonly DiagnosticDescriptor DepsJsonTooLarge = new("SC5012", DiagnosticSeverity.Error,
        "{0} holds {1} bytes of .deps.json content, more than the {2} bytes allowed (a real .deps.json is a few hundred KB at most). It was not read, so the app's NuGet packages cannot be listed. Check where the file comes from; no 'dotnet publish' writes one that large.")
    {
        CliMessageFormat =
            "{0} holds {1} bytes of .deps.json content, more than the {2} bytes allowed (a real .deps.json is a few hundred KB at most). It was not read, so the app's NuGet packages cannot be listed. " +
            "Fix: find where the file comes from and rebuild the image without it; no 'dotnet publish' writes one that large.",
    };
}

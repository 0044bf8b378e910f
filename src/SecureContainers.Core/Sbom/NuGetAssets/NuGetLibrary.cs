namespace SecureContainers.Core.Sbom.NuGetAssets;

/// <summary>Whether a library in the restore graph came from a NuGet package or from a project reference.</summary>
public enum NuGetLibraryKind
{
    Package,
    Project,
}

/// <summary>
/// One library that ships with the app: a NuGet package or a referenced project, as NuGet resolved it for one
/// TargetFramework and RuntimeIdentifier.
/// </summary>
/// <param name="Id">The package id or project name, cased as in the assets file.</param>
/// <param name="Version">The single resolved version (normalized by NuGet, may carry <c>-prerelease</c> and <c>+metadata</c>).</param>
/// <param name="Kind">Package or project reference.</param>
/// <param name="Sha512Hex">The package's SHA-512 (lowercase hex of the .nupkg hash NuGet recorded); <c>null</c> for projects.</param>
/// <param name="IsDirect">True when the project references it itself (PackageReference or ProjectReference).</param>
/// <param name="HasRuntimeAssets">True when publish copies runtime, native or resource files of it into the app; false for a
/// library listed only because it links the app to one that does (a meta-package, or a PrivateAssets="all" package).</param>
/// <param name="Dependencies">Ids of the libraries it depends on that also ship, in ordinal order.</param>
public sealed record NuGetLibrary(
    string Id,
    string Version,
    NuGetLibraryKind Kind,
    string? Sha512Hex,
    bool IsDirect,
    bool HasRuntimeAssets,
    IReadOnlyList<string> Dependencies);

/// <summary>The libraries an app ships for one restore target (<c>tfm</c> or <c>tfm/rid</c>), sorted by id.</summary>
public sealed record NuGetRuntimeClosure(string AssetsFilePath, string TargetKey, IReadOnlyList<NuGetLibrary> Libraries)
{
    public IEnumerable<NuGetLibrary> Packages => Libraries.Where(l => l.Kind == NuGetLibraryKind.Package);

    public IEnumerable<NuGetLibrary> Projects => Libraries.Where(l => l.Kind == NuGetLibraryKind.Project);
}

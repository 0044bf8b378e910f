namespace SecureContainers.Core.NuGet;

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
/// <param name="Dependencies">Ids of the libraries it depends on that are in the same list, in ordinal order.</param>
/// <param name="PackagePath">The package's folder relative to a packages folder as restore recorded it (<c>libraries[].path</c>,
/// e.g. <c>newtonsoft.json/13.0.3</c>); <c>null</c> for projects or when the assets file has none.</param>
public sealed record NuGetLibrary(
    string Id,
    string Version,
    NuGetLibraryKind Kind,
    string? Sha512Hex,
    bool IsDirect,
    bool HasRuntimeAssets,
    IReadOnlyList<string> Dependencies,
    string? PackagePath = null);

/// <summary>The libraries an app ships for one restore target (<c>tfm</c> or <c>tfm/rid</c>), sorted by id.</summary>
public sealed record NuGetRuntimeClosure(string AssetsFilePath, string TargetKey, IReadOnlyList<NuGetLibrary> Libraries)
{
    /// <summary>
    /// Packages of the runtime graph (reached from the project's public references) that publish does not ship because
    /// restore gave them no files, each with why (typically: superseded by a shared framework); sorted by id. Not part
    /// of <see cref="Libraries"/> nor of <see cref="BuildOnlyLibraries"/>.
    /// </summary>
    public IReadOnlyList<NotShippedLibrary> NotShippedLibraries { get; init; } = [];

    /// <summary>
    /// Libraries restore resolved for the same target that publish does not ship (PrivateAssets="all" tooling,
    /// analyzers, compile-only references), sorted by id; their <see cref="NuGetLibrary.Dependencies"/> may name
    /// libraries of either list.
    /// </summary>
    public IReadOnlyList<NuGetLibrary> BuildOnlyLibraries { get; init; } = [];

    /// <summary>The packages folders restore used (<c>packageFolders</c>): the global folder first, then fallbacks.</summary>
    public IReadOnlyList<string> PackageFolders { get; init; } = [];

    /// <summary>The shared frameworks the project references for this TargetFramework (ordinal order).</summary>
    public IReadOnlyList<string> FrameworkReferences { get; init; } = [];

    public IEnumerable<NuGetLibrary> Packages => Libraries.Where(l => l.Kind == NuGetLibraryKind.Package);

    public IEnumerable<NuGetLibrary> Projects => Libraries.Where(l => l.Kind == NuGetLibraryKind.Project);
}

/// <summary>A package restore resolved for the runtime graph that the image does not contain, and why.</summary>
public sealed record NotShippedLibrary(NuGetLibrary Library, string Reason);

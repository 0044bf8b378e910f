using SecureContainers.Core.Packages;
namespace SecureContainers.Core.NuGet;

/// <summary>What a package's <c>.nuspec</c> says about it, as far as an SBOM records it.</summary>
/// <param name="Licenses">Empty when the nuspec declares none.</param>
/// <param name="Authors">The comma-separated <c>authors</c>, split and trimmed.</param>
/// <param name="ProjectUrl">The <c>projectUrl</c> (written as a <c>website</c> reference).</param>
/// <param name="RepositoryUrl">The <c>repository url</c> (written as a <c>vcs</c> reference).</param>
public sealed record NuGetPackageMetadata(
    IReadOnlyList<PackageLicense> Licenses,
    string? Description,
    IReadOnlyList<string> Authors,
    string? ProjectUrl,
    string? RepositoryUrl);

using Microsoft.Build.Framework;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// Finds the source repository URL (credentials removed) and commit for the image's
/// <c>org.opencontainers.image.source</c>/<c>.revision</c> labels and its provenance.
/// </summary>
public sealed partial class ComputeSourceLabels
{
    /// <summary>Where to ask git when MSBuild does not know (the project folder).</summary>
    [Required]
    public string Directory { get; set; } = string.Empty;

    /// <summary>SourceLink's <c>PrivateRepositoryUrl</c>, else <c>RepositoryUrl</c>.</summary>
    public string? RepositoryUrl { get; set; }

    /// <summary>SourceLink's <c>SourceRevisionId</c>.</summary>
    public string? Commit { get; set; }

    [Output]
    public string? SourceRepositoryUrl { get; private set; }

    [Output]
    public string? SourceCommit { get; private set; }
}

using Microsoft.Build.Framework;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// The pre-push check: runs before the SDK creates the image (and pushes it or writes the archive), evaluates every rule
/// and reports every finding in one run. An error here leaves the destination untouched. Parameters are in
/// <see cref="ContainerImageTask"/>.
/// </summary>
public sealed partial class CheckSecureContainer
{
    /// <summary>
    /// The app item the evidence step gets (see <see cref="WriteContainerEvidence.App"/>): when given, a passing check
    /// rehearses the SBOM on the idle core while the SDK pushes.
    /// </summary>
    public ITaskItem? App { get; set; }

    /// <summary>The SDK's <c>ResolvedRuntimePack</c> items, as the evidence step gets them.</summary>
    public ITaskItem[] RuntimePacks { get; set; } = [];

    /// <summary>Names the check's result, kept in memory for the evidence step after the push.</summary>
    [Output]
    public string? CheckHandle { get; set; }

    /// <summary>The source repository URL (no credentials) for the <c>org.opencontainers.image.source</c> label.</summary>
    [Output]
    public string? SourceRepositoryUrl { get; set; }

    /// <summary>The commit for the <c>org.opencontainers.image.revision</c> label.</summary>
    [Output]
    public string? SourceCommit { get; set; }

    /// <summary>The SARIF report of secret and advisory findings, when one was written.</summary>
    [Output]
    public ITaskItem? Sarif { get; set; }
}

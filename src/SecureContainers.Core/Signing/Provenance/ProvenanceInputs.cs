using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Signing.Provenance;

/// <summary>
/// What the SLSA provenance of one published image records. Times come from the caller (the core never reads the clock
/// where output must be reproducible).
/// </summary>
public sealed record ProvenanceInputs
{
    /// <summary>The project, as a name or a repository-relative path (never an absolute path: it would leak the machine's layout).</summary>
    public required string Project { get; init; }

    public string? Configuration { get; init; }

    public IReadOnlyList<string> RuntimeIdentifiers { get; init; } = [];

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The image repository, <c>registry/repository</c>.</summary>
    public required string Repository { get; init; }

    public string? SdkVersion { get; init; }

    /// <summary>The source repository URL (git remote); user info in it is dropped.</summary>
    public string? SourceRepository { get; init; }

    /// <summary>The commit built (full hex SHA-1 or SHA-256).</summary>
    public string? SourceCommit { get; init; }

    /// <summary>The ref built, e.g. <c>refs/heads/main</c>.</summary>
    public string? SourceRef { get; init; }

    /// <summary>The base image name, <c>registry/repository</c>.</summary>
    public string? BaseImage { get; init; }

    public Digest? BaseImageDigest { get; init; }

    public string? BaseImageTag { get; init; }

    /// <summary>The base's verified Notary signature, recorded as annotations of its resolved dependency.</summary>
    public Notary.NotaryBaseSignature? BaseImageSignature { get; init; }

    public required BuilderIdentity Builder { get; init; }

    public required DateTimeOffset StartedOn { get; init; }

    public required DateTimeOffset FinishedOn { get; init; }
}

using Microsoft.Build.Framework;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// Signs a pushed image digest the way cosign does, and attests its SBOM and SLSA provenance (DSSE envelopes), in the
/// image's repository. Runs after the SDK pushed the image; the key was already checked before the push.
/// </summary>
public sealed partial class SignContainerImage
{
    [Required]
    public string Registry { get; set; } = string.Empty;

    [Required]
    public string Repository { get; set; } = string.Empty;

    /// <summary>The digest to sign. Empty: resolve <see cref="Tag"/> in the registry once (the multi-RID image index).</summary>
    public string? Digest { get; set; }

    /// <summary>The tag to resolve when <see cref="Digest"/> is empty.</summary>
    public string? Tag { get; set; }

    [Required]
    public string SigningKey { get; set; } = string.Empty;

    /// <summary>The name of the environment variable holding the key password.</summary>
    public string? SigningKeyPasswordVariable { get; set; }

    /// <summary>The SBOM to attest (predicate type https://cyclonedx.org/bom); empty for none.</summary>
    public string? SbomFile { get; set; }

    /// <summary>Attest SLSA provenance v1.</summary>
    public bool AttestProvenance { get; set; }

    /// <summary>The project, for provenance (its file name, never an absolute path).</summary>
    public string? Project { get; set; }

    public string? Configuration { get; set; }

    public string[] RuntimeIdentifiers { get; set; } = [];

    public string[] Tags { get; set; } = [];

    public string? SdkVersion { get; set; }

    public string? SourceRepositoryUrl { get; set; }

    public string? SourceCommit { get; set; }

    /// <summary>The base image pinned by digest, for provenance's resolved dependencies.</summary>
    public string? PinnedBaseImage { get; set; }

    /// <summary>When the build started (round-trip format), for provenance.</summary>
    public string? StartedOn { get; set; }

    /// <summary><c>SOURCE_DATE_EPOCH</c>: when set, provenance records it as start and finish time, so statements are reproducible.</summary>
    public string? SourceDateEpoch { get; set; }

    [Output]
    public string? SignedDigest { get; private set; }
}

using SecureContainers.Core.Configuration;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Core.Operations;

/// <summary>Whose evidence: one image manifest, or the index a multi-RID publish points its tags at.</summary>
public enum EvidenceScope
{
    Image,

    /// <summary>The image index: signed with provenance; each platform manifest carries its own SBOM.</summary>
    Index,
}

/// <summary>The app as the SBOM names it.</summary>
public sealed record SbomApp
{
    public required string Name { get; init; }

    public string Version { get; init; } = "0.0.0";

    public required string TargetFramework { get; init; }

    public string? RepositoryUrl { get; init; }

    public bool SelfContained { get; init; }

    public IReadOnlyList<SbomRuntimePack> RuntimePacks { get; init; } = [];
}

/// <summary>What the provenance statement says about the build, beyond what the check found.</summary>
public sealed record ProvenanceRequest
{
    public required string Project { get; init; }

    public string? Configuration { get; init; }

    public string? SdkVersion { get; init; }

    public IReadOnlyList<string> RuntimeIdentifiers { get; init; } = [];

    public DateTimeOffset? StartedOn { get; init; }
}

/// <summary>Everything the evidence step needs after the SDK built (and maybe pushed) the image.</summary>
public sealed record ImageEvidenceRequest
{
    public required SecureContainerSettings Settings { get; init; }

    public EvidenceScope Scope { get; init; } = EvidenceScope.Image;

    public ImageDestination Destination { get; init; } = ImageDestination.Registry;

    /// <summary>The registry the image went to; null for an archive or the daemon.</summary>
    public string? Registry { get; init; }

    public required string Repository { get; init; }

    /// <summary>The manifest digest the SDK reported; null for an index (resolved from the first tag).</summary>
    public Digest? Digest { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The image configuration and manifest the SDK generated (image scope).</summary>
    public byte[]? Configuration { get; init; }

    public byte[]? Manifest { get; init; }

    /// <summary>The container RID of this image (image scope).</summary>
    public string? RuntimeIdentifier { get; init; }

    /// <summary>What the pre-push check found; the evidence is about the same base, packages and advisories.</summary>
    public required PrePushResult Checked { get; init; }

    public SbomApp? App { get; init; }

    /// <summary>Where the SBOM file goes (image scope).</summary>
    public string? SbomFile { get; init; }

    public ProvenanceRequest? Provenance { get; init; }

    public string ToolVersion { get; init; } = "0.0.0";

    /// <summary>Replaces the network to Fulcio, Rekor and the CI's token endpoint (tests); null for the real one.</summary>
    public HttpMessageHandler? SigstoreHandler { get; init; }

    public Func<string, string?> GetEnvironmentVariable { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary><c>registry/repository</c>, or the repository alone for an archive or the daemon.</summary>
    public string ImageName => Registry is null ? Repository : $"{Registry}/{Repository}";
}

/// <summary>What the evidence step wrote, and where.</summary>
public sealed record ImageEvidenceResult
{
    public Digest? Digest { get; init; }

    public string? SbomFile { get; init; }

    public Descriptor? AttachedSbom { get; init; }

    public Signing.SigningResult? Signed { get; init; }
}

using Microsoft.Build.Framework;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// The pre-build gate. Runs after the SDK computed the container configuration and before it creates (and pushes
/// or writes) the image; an error here leaves the destination untouched.
/// </summary>
public sealed partial class CheckContainerPolicy
{
    /// <summary>The base image's registry, from the SDK's <c>ContainerBaseRegistry</c>.</summary>
    [Required]
    public string BaseRegistry { get; set; } = string.Empty;

    /// <summary>The base image's repository, from <c>ContainerBaseName</c>.</summary>
    [Required]
    public string BaseImageName { get; set; } = string.Empty;

    /// <summary>The base image's tag, from <c>ContainerBaseTag</c>.</summary>
    public string? BaseImageTag { get; set; }

    /// <summary>The base image's digest when the reference pins one, from <c>ContainerBaseDigest</c>.</summary>
    public string? BaseImageDigest { get; set; }

    /// <summary>The RID (single-image publish) or RIDs (multi-RID publish) whose images are about to be built.</summary>
    [Required]
    public string[] RuntimeIdentifiers { get; set; } = [];

    /// <summary>
    /// The destination registry (<c>ContainerRegistry</c>). The SDK applies the generic
    /// <c>DOTNET_CONTAINER_REGISTRY_UNAME/PWORD</c> credentials to the base registry only when it is also the output
    /// registry; the gate must authenticate exactly as the SDK will.
    /// </summary>
    public string? OutputRegistry { get; set; }

    /// <summary>The image being built, for messages.</summary>
    public string? TargetImage { get; set; }

    /// <summary>The project's <c>ContainerUser</c>.</summary>
    public string? ContainerUser { get; set; }

    /// <summary>Environment variables the SDK adds to the image (item spec = name, <c>Value</c> metadata).</summary>
    public ITaskItem[] ContainerEnvironmentVariables { get; set; } = [];

    /// <summary>True when the SDK inferred Microsoft's base image (the user set no <c>ContainerBaseImage</c>).</summary>
    public bool UsesMicrosoftDefaultImage { get; set; }

    /// <summary><c>SecureContainerProfile</c>: <c>Baseline</c> (default) or <c>Restricted</c>.</summary>
    public string? Profile { get; set; }

    /// <summary><c>SecureContainerAllowRoot</c>, unparsed so that a typo is a coded error.</summary>
    public string? AllowRoot { get; set; }

    /// <summary><c>SecureContainerRequireBaseImageDigest</c>; empty for the profile's default.</summary>
    public string? RequireBaseImageDigest { get; set; }

    /// <summary><c>SecureContainerRequireMinimalBaseImage</c>; empty for the profile's default.</summary>
    public string? RequireMinimalBaseImage { get; set; }

    /// <summary><c>SecureContainerRequireTrustedBaseImage</c> (default true).</summary>
    public string? RequireTrustedBaseImage { get; set; }

    /// <summary><c>SecureContainerTrustMicrosoftBaseImages</c> (default true): trust Microsoft's .NET image repositories.</summary>
    public string? TrustMicrosoftBaseImages { get; set; }

    /// <summary>The <c>SecureContainerTrustedBaseImage</c> items: repository patterns.</summary>
    public ITaskItem[] TrustedBaseImages { get; set; } = [];

    /// <summary><c>SecureContainerMaxLayerBytes</c>: cap on one base layer's uncompressed size.</summary>
    public string? MaxLayerBytes { get; set; }

    /// <summary><c>SecureContainerMaxLayerEntries</c>: cap on one base layer's entry count.</summary>
    public string? MaxLayerEntries { get; set; }

    /// <summary><c>SecureContainerEnabled</c>, validated here (the targets already skip the gate when it is false).</summary>
    public string? Enabled { get; set; }

    /// <summary>Where layer scan results are cached (<c>SecureContainerCacheDirectory</c>); empty for the default.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary><c>SecureContainerSigningKey</c>: the private key; loaded (and its password checked) before anything is pushed.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// <c>SecureContainerSigningKeyPasswordVariable</c>: the NAME of the environment variable holding the key password.
    /// The password itself is never an MSBuild property, so it cannot reach logs or binlogs.
    /// </summary>
    public string? SigningKeyPasswordVariable { get; set; }

    /// <summary><c>SecureContainerRequireSigning</c>; empty for the profile's default (Restricted: true).</summary>
    public string? RequireSigning { get; set; }

    /// <summary>True where the "unsigned" warning belongs (single-RID builds and the outer multi-RID build), so it is said once.</summary>
    public bool WarnUnsigned { get; set; }

    /// <summary>The tags being published, for the latest-only rule (empty in inner builds, whose tags carry the RID).</summary>
    public string[] ImageTags { get; set; } = [];

    /// <summary><c>SecureContainerForbidLatestTag</c>; empty for the profile's default (Restricted: true).</summary>
    public string? ForbidLatestTag { get; set; }

    /// <summary><c>SecureContainerVerifyBaseImageKey</c>: a public key the base image's cosign signature must verify with.</summary>
    public string? VerifyBaseImageKey { get; set; }

    /// <summary>One item per RID: <c>RuntimeIdentifier</c>, <c>BaseImageDigest</c> (the exact manifest used), <c>BaseImage</c>, <c>BaseImageName</c>, <c>User</c>.</summary>
    [Output]
    public ITaskItem[] GateResults { get; private set; } = [];
}

using Microsoft.Build.Framework;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// Defence in depth after the SDK created the image: reads the config it generated and fails if the image runs as
/// root after all. The image already exists at this point; the error tells the pipeline not to ship it.
/// </summary>
public sealed partial class CheckBuiltContainer
{
    /// <summary>The SDK's <c>GeneratedContainerConfiguration</c> (the image config JSON).</summary>
    [Required]
    public string GeneratedConfiguration { get; set; } = string.Empty;

    /// <summary>The SDK's <c>GeneratedContainerDigest</c>.</summary>
    public string? GeneratedDigest { get; set; }

    /// <summary>The image that was built, for messages.</summary>
    public string? TargetImage { get; set; }

    /// <summary>The user the pre-build gate approved for this RID.</summary>
    public string? ApprovedUser { get; set; }

    /// <summary>The base manifest digest the gate checked for this RID.</summary>
    public string? ApprovedBaseImageDigest { get; set; }

    /// <summary>The pinned base reference to suggest if the base changed during the build.</summary>
    public string? PinnedBaseImage { get; set; }

    /// <summary><c>SecureContainerAllowRoot</c>.</summary>
    public string? AllowRoot { get; set; }
}

using SecureContainers.Core.Signing.Notary;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Policy;

/// <summary>
/// What the gate learned for one platform: the exact base manifest used, the user the image will get, and (for Linux
/// bases that passed the trust check) what the base contains.
/// </summary>
public sealed record PlatformGateResult(string RuntimeIdentifier, Platform Platform, ResolvedImage BaseImage, EffectiveUser User, ImageContentsReport? Contents)
{
    /// <summary>False when the image runs as root or administrator (refused, or let through by SecureContainerAllowRoot).</summary>
    public bool RunsAsNonRoot { get; init; } = true;

    /// <summary>The verified Notary signature of the base (platform manifest and index), when a trust policy covered it.</summary>
    public NotaryBaseSignature? NotarySignature { get; init; }
}

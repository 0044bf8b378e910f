using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Policy;

/// <summary>What the gate learned for one platform: the exact base manifest used and the user the image will get.</summary>
public sealed record PlatformGateResult(string RuntimeIdentifier, Platform Platform, ResolvedImage BaseImage, EffectiveUser User);

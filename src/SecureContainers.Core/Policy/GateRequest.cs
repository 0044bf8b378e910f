using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Policy;

/// <summary>Everything the pre-build gate needs; one object so the MSBuild task and the CLI fill the same thing.</summary>
public sealed record GateRequest
{
    /// <summary>The base image as the SDK parsed it (<c>ContainerBaseRegistry/Name/Tag/Digest</c>).</summary>
    public required ImageReference BaseImage { get; init; }

    /// <summary>What <see cref="BaseImage"/>'s tag named a moment ago (see <see cref="Operations.PrePushRequest.BaseTagDigest"/>); null asks the registry.</summary>
    public Digest? BaseTagDigest { get; init; }

    /// <summary>One RID for a single-image publish; every RID of a multi-RID publish.</summary>
    public required IReadOnlyList<string> RuntimeIdentifiers { get; init; }

    /// <summary>The image being built, for messages (<c>registry/repository</c>).</summary>
    public required string TargetImage { get; init; }

    public string? ContainerUser { get; init; }

    /// <summary>
    /// True when <see cref="ContainerUser"/> is the User of an image already built (the tool's <c>check</c>): it is final,
    /// so no SDK fallback (<c>APP_UID</c>, the base's User) applies, an empty one runs as root, and messages call it the
    /// image's User rather than a ContainerUser setting.
    /// </summary>
    public bool UserIsFinal { get; init; }

    /// <summary>The project's <c>ContainerEnvironmentVariable</c> items, which the SDK applies before reading APP_UID.</summary>
    public IReadOnlyDictionary<string, string> ProjectEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// True when the SDK inferred Microsoft's base image. For those the SDK sets <c>ContainerUser=ContainerUser</c> on
    /// Windows RIDs in each inner build; the outer multi-RID gate must predict that.
    /// </summary>
    public bool UsesMicrosoftDefaultImage { get; init; }

    public PolicyOptions Options { get; init; } = new();

    /// <summary>When set, the base image must carry a valid cosign signature for this key ("trusted content").</summary>
    public Signing.Keys.VerificationKey? BaseImageKey { get; init; }

    /// <summary>Keyless: the base image must carry a valid Sigstore bundle signed by this certificate identity.</summary>
    public Signing.Bundles.CertificateIdentityPolicy? BaseImageIdentity { get; init; }

    /// <summary>
    /// The Notary trust policies the base's signatures are verified under (the user's and the built-in Microsoft one);
    /// a base no policy covers is not checked.
    /// </summary>
    public IReadOnlyList<Signing.Notary.NotaryTrustPolicy> NotaryPolicies { get; init; } = [];

    /// <summary>The verification time of Notary signatures (expiry, certificates without a timestamp).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The trusted root keyless bundles (and the log entries of key-signed bundles) are checked against.</summary>
    public Signing.Trust.TrustedRoot? BaseImageTrustedRoot { get; init; }
}

namespace SecureContainers.Core.Configuration;

/// <summary>
/// Named after the Kubernetes Pod Security Standards. <see cref="Baseline"/> blocks what is known to be dangerous
/// (root, untrusted bases) and warns on hygiene; <see cref="Restricted"/> also requires a digest-pinned, minimal base
/// and makes every hygiene finding an error.
/// </summary>
public enum SecurityProfile
{
    Baseline,
    Restricted,
}

namespace SecureContainers.Core.Policy;

/// <summary>The user an image will run as, and why.</summary>
public sealed record EffectiveUser(string Value, UserSource Source)
{
    public string Describe() => Source switch
    {
        UserSource.ContainerUser => $"'{Value}' (from ContainerUser)",
        UserSource.AppUidEnvironment => $"'{Value}' (from the APP_UID environment variable)",
        UserSource.BaseImageUser => $"'{Value}' (from the base image's User)",
        UserSource.ImageUser => $"'{Value}' (the image's User)",
        _ => "no user (the container runtime defaults to root)",
    };

    /// <summary>The user of an image already built: its config's User is final (a runtime reads no APP_UID); empty runs as root.</summary>
    public static EffectiveUser OfBuiltImage(string? user) =>
        string.IsNullOrEmpty(user) ? new(string.Empty, UserSource.None) : new(user, UserSource.ImageUser);

    /// <summary>
    /// Mirrors the SDK's <c>CreateNewImage</c>: an explicit <c>ContainerUser</c> wins; otherwise <c>APP_UID</c> from the
    /// image environment (base image variables overlaid with the project's <c>ContainerEnvironmentVariable</c> items,
    /// which the SDK applies before it looks); otherwise the base config's <c>User</c>.
    /// </summary>
    public static EffectiveUser Resolve(
        string? containerUser,
        IReadOnlyDictionary<string, string> baseEnvironment,
        IReadOnlyDictionary<string, string> projectEnvironment,
        string? baseUser)
    {
        if (!string.IsNullOrEmpty(containerUser))
        {
            return new(containerUser, UserSource.ContainerUser);
        }

        if (projectEnvironment.TryGetValue("APP_UID", out string? projectUid) || baseEnvironment.TryGetValue("APP_UID", out projectUid))
        {
            return new(projectUid, UserSource.AppUidEnvironment);
        }

        if (!string.IsNullOrEmpty(baseUser))
        {
            return new(baseUser, UserSource.BaseImageUser);
        }

        return new(string.Empty, UserSource.None);
    }
}

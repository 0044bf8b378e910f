namespace SecureContainers.Core.Policy;

/// <summary>Where the image's user comes from, in the SDK's order of precedence.</summary>
public enum UserSource
{
    /// <summary>The project's <c>ContainerUser</c> property.</summary>
    ContainerUser,

    /// <summary>The <c>APP_UID</c> environment variable of the base image (or set by <c>ContainerEnvironmentVariable</c>).</summary>
    AppUidEnvironment,

    /// <summary>The base image config's <c>User</c>.</summary>
    BaseImageUser,

    /// <summary>The User of an image already built (the tool's <c>check</c>): final, no fallback applies.</summary>
    ImageUser,

    /// <summary>Nothing sets a user: the runtime starts the process as root (or ContainerAdministrator on Windows).</summary>
    None,
}

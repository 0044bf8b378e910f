using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Policy;

/// <summary>SC2xxx: the user the image runs as.</summary>
public static class UserDiagnostics
{
    private const string NonRootFix =
        "Fix: use a base image that runs as a non-root user (for example mcr.microsoft.com/dotnet/aspnet:10.0, which sets APP_UID=1654), " +
        "or set <ContainerUser>1654</ContainerUser> (a non-zero numeric UID); only if root is truly required, set <SecureContainerAllowRoot>true</SecureContainerAllowRoot>.";

    // For an image already built: the user is fixed in its config, so the fix is a rebuild (or the pod's securityContext).
    private const string CliNonRootFix =
        "Fix: rebuild the image to run as a non-root user (on a base image that does, such as mcr.microsoft.com/dotnet/aspnet:10.0 with APP_UID=1654, " +
        "or with a non-zero numeric user set at build time) and push it again.";

    public static readonly DiagnosticDescriptor RunsAsRoot = new(
        "SC2001",
        DiagnosticSeverity.Error,
        "The image {0} would run as root: its user is {1}. A process running as root turns an app compromise or a container escape into root on the node. " + NonRootFix)
    {
        CliMessageFormat =
            "The image {0} runs as root: its user is {1}. A process running as root turns an app compromise or a container escape into root on the node. " + CliNonRootFix,
    };

    public static readonly DiagnosticDescriptor NameMapsToRoot = new(
        "SC2002",
        DiagnosticSeverity.Error,
        "The image {0} would run as {1}, which the base image's /etc/passwd maps to UID 0 (root). A process running as root turns an app compromise or a container escape into root on the node. " + NonRootFix)
    {
        CliMessageFormat =
            "The image {0} runs as {1}, which the base's /etc/passwd maps to UID 0 (root). A process running as root turns an app compromise or a container escape into root on the node. " + CliNonRootFix,
    };

    public static readonly DiagnosticDescriptor MalformedUser = new(
        "SC2003",
        DiagnosticSeverity.Error,
        "The user {1} of image {0} is not a valid OCI user: expected 'name', 'uid', 'name:group' or 'uid:gid', with IDs from 0 to 4294967294. " +
        "Container runtimes reject or misread such a value, so the user the process gets cannot be known. Fix: set <ContainerUser>1654</ContainerUser> (a non-zero numeric UID).")
    {
        CliMessageFormat =
            "The user {1} of image {0} is not a valid OCI user: expected 'name', 'uid', 'name:group' or 'uid:gid', with IDs from 0 to 4294967294. " +
            "Container runtimes reject or misread such a value, so the user the process gets cannot be known. Fix: rebuild the image with a non-zero numeric user (for example 1654) and push it again.",
    };

    public static readonly DiagnosticDescriptor NamedUser = new(
        "SC2004",
        DiagnosticSeverity.Warning,
        "The image {0} runs as user name {1}, UID {2} in the base image's /etc/passwd. Kubernetes 'runAsNonRoot' cannot verify a user name and refuses to start the pod. " +
        "Fix: set <ContainerUser>{2}</ContainerUser> to use the numeric UID.")
    {
        CliMessageFormat =
            "The image {0} runs as user name {1}, UID {2} in the base's /etc/passwd. Kubernetes 'runAsNonRoot' cannot verify a user name and refuses to start the pod. " +
            "Fix: rebuild the image with the numeric user {2}, or set runAsUser: {2} in the pod's securityContext.",
    };

    public static readonly DiagnosticDescriptor UnknownUserName = new(
        "SC2005",
        DiagnosticSeverity.Error,
        "The image {0} would run as {1}, but {2}. The container would fail to start, and that it does not run as root cannot be proven. " +
        "Fix: set <ContainerUser> to a non-zero numeric UID (for example 1654), or use a base image that defines the user.")
    {
        CliMessageFormat =
            "The image {0} runs as {1}, but {2}. The container would fail to start, and that it does not run as root cannot be proven. " +
            "Fix: rebuild the image with a non-zero numeric user (for example 1654), or on a base image that defines the user, and push it again.",
    };

    public static readonly DiagnosticDescriptor RootAllowed = new(
        "SC2006",
        DiagnosticSeverity.Warning,
        "SecureContainerAllowRoot is true, so the image {0} is built although it runs as root ({1}). Anyone who compromises the app gets root in the container. " +
        "Fix: make the image run as a non-root user (set <ContainerUser>1654</ContainerUser> or use a non-root base image) and remove SecureContainerAllowRoot.")
    {
        CliMessageFormat =
            "Root was allowed, so the image {0} passed although it runs as root ({1}). Anyone who compromises the app gets root in the container. " + CliNonRootFix,
    };

    public static readonly DiagnosticDescriptor BuiltImageRunsAsRoot = new(
        "SC2007",
        DiagnosticSeverity.Error,
        "The image the SDK built for {0} (digest {1}) runs as {2}, although the non-root gate passed before the build: something changed the user in between. " +
        "The image was already written: do not deploy it. Fix: find what sets the user (ContainerUser, ContainerEnvironmentVariable APP_UID, a custom target) and set <ContainerUser>1654</ContainerUser>.")
    {
        CliMessageFormat =
            "The image built for {0} (digest {1}) runs as {2}, although the non-root check passed before it was built: something changed the user in between. " +
            "Do not deploy it. " + CliNonRootFix,
    };

    public static readonly DiagnosticDescriptor WindowsAdministrator = new(
        "SC2008",
        DiagnosticSeverity.Error,
        "The Windows image {0} would run as {1}, the container's administrator. A process running as administrator can change everything in the container. " +
        "Fix: set <ContainerUser>ContainerUser</ContainerUser>, or use a base image that runs as ContainerUser (Nano Server); only if administrator is truly required, set <SecureContainerAllowRoot>true</SecureContainerAllowRoot>.")
    {
        CliMessageFormat =
            "The Windows image {0} runs as {1}, the container's administrator. A process running as administrator can change everything in the container. " +
            "Fix: rebuild the image to run as the built-in non-administrator account (the default of Nano Server images) and push it again.",
    };
}

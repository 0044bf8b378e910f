using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Policy;

/// <summary>SC41xx: whether the base image is trusted, pinned and minimal.</summary>
public static class BaseImageDiagnostics
{
    private const string MinimalFix =
        "Fix: use a minimal base without it (for example a chiseled or distroless image such as mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled); " +
        "under the Baseline profile this is a warning, silence it with <NoWarn>$(NoWarn);{1}</NoWarn> only if you accept it.";

    // For an image already built: its base is part of it, so the fix is a rebuild on another base.
    private const string CliMinimalFix =
        "Fix: rebuild the image on a minimal base without it (a chiseled or distroless image such as mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled) and push it again; " +
        "under --profile Baseline this is a warning, under Restricted an error. When no base is named, the whole image is checked: pass --base to limit this to the base's layers.";

    public static readonly DiagnosticDescriptor Untrusted = new(
        "SC4101",
        DiagnosticSeverity.Error,
        "The base image {0} is not in the trusted base image list ({1}). Most of an image is its base: an untrusted base can carry anything into production. " +
        "Fix: use a trusted base, or trust this one by adding <SecureContainerTrustedBaseImage Include=\"{2}\" /> to an <ItemGroup> in Directory.Build.props.")
    {
        CliMessageFormat =
            "The base image {0} is not in the trusted base image list ({1}). Most of an image is its base: an untrusted base can carry anything into production. " +
            "Fix: rebuild the image on a trusted base (Microsoft's .NET images by default) and push it again; if --base named the wrong image, pass the base the image was really built on.",
    };

    public static readonly DiagnosticDescriptor TagOnly = new(
        "SC4102",
        DiagnosticSeverity.Error,
        "The base image {0} is referenced by tag only; the {1} profile requires a digest, because a tag can be moved to other content at any time and the build would silently change. " +
        "It resolves to {2} now. Fix: <ContainerBaseImage>{3}</ContainerBaseImage>.")
    {
        CliMessageFormat =
            "The base image {0} is referenced by tag only; the {1} profile requires a digest, because a tag can be moved to other content at any time. It resolves to {2} now. " +
            "Fix: rebuild the image on the pinned base {3} so that it names its base by digest, or, if it was built on exactly that content, check it with --base {3}.",
    };

    public static readonly DiagnosticDescriptor Resolved = new(
        "SC4103",
        DiagnosticSeverity.Message,
        "The base image {0} resolved to {1} ({2}). To pin it so that later builds use exactly this content: <ContainerBaseImage>{3}</ContainerBaseImage>.")
    {
        CliMessageFormat =
            "The base image {0} resolved to {1} ({2}). To check against exactly this content later: --base {3}.",
    };

    public static readonly DiagnosticDescriptor BaseChangedDuringBuild = new(
        "SC4104",
        DiagnosticSeverity.Error,
        "The SDK built {0} on base image digest {1}, but the checks before the build ran on {2}: the tag moved while the build ran, so the checked base is not the one in the image. " +
        "The image was already written: do not deploy it. Fix: pin the base with <ContainerBaseImage>{3}</ContainerBaseImage> and build again.");

    public static readonly DiagnosticDescriptor Shell = new(
        "SC4110",
        DiagnosticSeverity.Warning,
        "The base image {0} contains a shell ({2}). A shell lets anyone who gets code execution in the app run arbitrary commands, and is the first thing exploit payloads reach for. " + MinimalFix)
    {
        CliMessageFormat =
            "The base image {0} contains a shell ({2}). A shell lets anyone who gets code execution in the app run arbitrary commands, and is the first thing exploit payloads reach for. " + CliMinimalFix,
    };

    public static readonly DiagnosticDescriptor PackageManager = new(
        "SC4111",
        DiagnosticSeverity.Warning,
        "The base image {0} contains a package manager ({2}). It lets an attacker install tools inside the container, and is dead weight at run time. " + MinimalFix)
    {
        CliMessageFormat =
            "The base image {0} contains a package manager ({2}). It lets an attacker install tools inside the container, and is dead weight at run time. " + CliMinimalFix,
    };

    public static readonly DiagnosticDescriptor SetUidFiles = new(
        "SC4112",
        DiagnosticSeverity.Warning,
        "The base image {0} contains {3} setuid/setgid file(s) ({2}). They run with their owner's privileges and are a classic path from a non-root user back to root. " + MinimalFix)
    {
        CliMessageFormat =
            "The base image {0} contains {3} setuid/setgid file(s) ({2}). They run with their owner's privileges and are a classic path from a non-root user back to root. " + CliMinimalFix,
    };

    public static readonly DiagnosticDescriptor RemoteAccessServer = new(
        "SC4113",
        DiagnosticSeverity.Warning,
        "The base image {0} contains an SSH server ({2}). Containers are replaced, not logged into; an SSH daemon is an extra door with its own credentials to steal. " + MinimalFix)
    {
        CliMessageFormat =
            "The base image {0} contains an SSH server ({2}). Containers are replaced, not logged into; an SSH daemon is an extra door with its own credentials to steal. " + CliMinimalFix,
    };

    public static readonly DiagnosticDescriptor PrivilegeEscalationTool = new(
        "SC4114",
        DiagnosticSeverity.Warning,
        "The base image {0} contains a privilege escalation tool ({2}). It exists to turn a user into root. " + MinimalFix)
    {
        CliMessageFormat =
            "The base image {0} contains a privilege escalation tool ({2}). It exists to turn a user into root. " + CliMinimalFix,
    };

    public static readonly DiagnosticDescriptor WorldWritable = new(
        "SC4115",
        DiagnosticSeverity.Warning,
        "The base image {0} has {3} world-writable path(s) outside /tmp and /var/tmp ({2}). Any process, whatever its user, can change them, for example to plant code the app loads. " + MinimalFix)
    {
        CliMessageFormat =
            "The base image {0} has {3} world-writable path(s) outside /tmp and /var/tmp ({2}). Any process, whatever its user, can change them, for example to plant code the app loads. " + CliMinimalFix,
    };
}

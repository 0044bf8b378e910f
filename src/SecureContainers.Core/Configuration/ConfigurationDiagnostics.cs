using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Configuration;

/// <summary>SC1xxx: malformed MSBuild properties and items.</summary>
public static class ConfigurationDiagnostics
{
    public static readonly DiagnosticDescriptor InvalidBoolean = new(
        "SC1001",
        DiagnosticSeverity.Error,
        "The property {0} has the value '{1}', which is not a boolean, so SecureContainers cannot tell what you meant and will not guess on a security setting. " +
        "Fix: set <{0}>true</{0}> or <{0}>false</{0}>, or remove it to use the default ({2}).");

    public static readonly DiagnosticDescriptor InvalidProfile = new(
        "SC1002",
        DiagnosticSeverity.Error,
        "SecureContainerProfile is '{0}', which is not a profile, so the rules to enforce are unknown. " +
        "Fix: set <SecureContainerProfile>Baseline</SecureContainerProfile> or <SecureContainerProfile>Restricted</SecureContainerProfile>, or remove it for Baseline.");

    public static readonly DiagnosticDescriptor InvalidTrustedBaseImage = new(
        "SC1003",
        DiagnosticSeverity.Error,
        "The SecureContainerTrustedBaseImage item '{0}' is not an image pattern, so it cannot be matched and trusts nothing. " +
        "Fix: write a repository such as <SecureContainerTrustedBaseImage Include=\"mcr.microsoft.com/dotnet/aspnet\" />, optionally with :tag or @sha256:<digest>, or a prefix ending in / such as \"registry.example.com/base/\" (everything below it; MSBuild would expand a '*' in Include as a file wildcard).");

    public static readonly DiagnosticDescriptor InvalidLimit = new(
        "SC1004",
        DiagnosticSeverity.Error,
        "The property {0} has the value '{1}', which is not a positive whole number, so the safety limit it sets is unknown. " +
        "Fix: set <{0}> to a positive whole number (default {2}), or remove it.");

    public static readonly DiagnosticDescriptor InvalidPath = new(
        "SC1005",
        DiagnosticSeverity.Error,
        "The property {0} has the value '{1}', which contains characters no file system accepts in a path, so the file or folder it names cannot exist. " +
        "Fix: set <{0}> to a valid path, relative to the project or absolute, or remove it.");

    public static readonly DiagnosticDescriptor InvalidSignatureFormat = new(
        "SC1006",
        DiagnosticSeverity.Error,
        "SecureContainerSignatureFormat is '{0}', which is not a signature format, so where signatures should go is unknown and nothing is signed with a guess. " +
        "Fix: set <SecureContainerSignatureFormat> to both (cosign v3 bundles as OCI referrers and the legacy sha256-<hex>.sig/.att tags; the default), bundle (what cosign 3 writes and reads) or legacy (what Kyverno ClusterPolicy, podman policy.json and older verifiers read), or remove it for both.");

    /// <summary>Raised by the targets (an MSBuild Error task), before any task of ours loads; listed here for the catalog.</summary>
    public static readonly DiagnosticDescriptor HostCannotRunTasks = new(
        "SC1010",
        DiagnosticSeverity.Error,
        "SecureContainers runs its checks as .NET tasks, which MSBuild {0} on .NET Framework cannot host, so the image cannot be checked and nothing was built. " +
        "Fix: use Visual Studio 2026 (MSBuild 18.0) or later, or publish with the dotnet CLI (dotnet publish -t:PublishContainer); or set <SecureContainerEnabled>false</SecureContainerEnabled> to publish without any check.");
}

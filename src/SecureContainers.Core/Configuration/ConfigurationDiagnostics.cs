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
}

using SecureContainers.Core.Configuration;
using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Cli;

/// <summary>Reads <c>--platform os/architecture[/variant]</c>, the form docker, podman and cosign accept.</summary>
internal static partial class PlatformText
{
    public static Platform Parse(string text)
    {
        Match m = Pattern().Match(text);
        if (!m.Success)
        {
            throw new SecureContainerException(CommandLineDiagnostics.InvalidPlatform.Create(text));
        }

        return new Platform(m.Groups["os"].Value, m.Groups["arch"].Value, m.Groups["variant"].Success ? m.Groups["variant"].Value : null);
    }

    [GeneratedRegex(@"^(?<os>[a-z0-9_.-]+)/(?<arch>[a-z0-9_.-]+)(?:/(?<variant>[a-z0-9_.-]+))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

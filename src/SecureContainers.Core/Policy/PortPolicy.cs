using System.Globalization;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Policy;

/// <summary>SC715x: the ports the image declares.</summary>
public static class PortDiagnostics
{
    public static readonly DiagnosticDescriptor SshPortExposed = new(
        "SC7150",
        DiagnosticSeverity.Error,
        "The image {0} exposes port 22/tcp ({1}), the SSH port. An SSH server in a container is an extra way in with its own keys and passwords to leak, and it is never needed to debug one " +
        "(use 'docker exec' or 'kubectl exec'). Fix: {2}")
    {
        CliMessageFormat =
            "The image {0} exposes port 22/tcp, the SSH port. An SSH server in a container is an extra way in with its own keys and passwords to leak, and it is never needed to debug one " +
            "(use 'docker exec' or 'kubectl exec'). Fix: rebuild the image without exposing port 22 (and without an SSH server) and push it again.",
    };

    public static readonly DiagnosticDescriptor PrivilegedPortWithNonRootUser = new(
        "SC7151",
        DiagnosticSeverity.Warning,
        "The image {0} exposes port {1} ({2}) and runs as a non-root user. Binding a port below 1024 needs CAP_NET_BIND_SERVICE, which the SDK cannot grant, so the app fails to start " +
        "wherever the kernel default net.ipv4.ip_unprivileged_port_start=1024 is kept (CRI-O, containerd 1.x, host networking; Docker, Podman and containerd 2 lower it). " +
        "Fix: listen on 8080: set <ContainerEnvironmentVariable Include=\"ASPNETCORE_HTTP_PORTS\" Value=\"8080\" /> and <ContainerPort Include=\"8080\" Type=\"tcp\" />, {3}")
    {
        CliMessageFormat =
            "The image {0} exposes port {1} and runs as a non-root user. Binding a port below 1024 needs CAP_NET_BIND_SERVICE, so the app fails to start " +
            "wherever the kernel default net.ipv4.ip_unprivileged_port_start=1024 is kept (CRI-O, containerd 1.x, host networking; Docker, Podman and containerd 2 lower it). " +
            "Fix: rebuild the image to listen on 8080 (ASPNETCORE_HTTP_PORTS=8080) and expose 8080 instead of {1}, or run it only where unprivileged ports start lower.",
    };
}

/// <summary>An exposed port as the OCI config writes it (<c>8080/tcp</c>); a bare number is TCP, a range <c>8000-8010/tcp</c> is kept as one.</summary>
public sealed record ExposedPort(int First, int Last, string Protocol)
{
    public static bool TryParse(string? value, out ExposedPort? port)
    {
        port = null;
        string text = value?.Trim() ?? string.Empty;
        int slash = text.IndexOf('/');
        string numbers = slash < 0 ? text : text[..slash];
        string protocol = slash < 0 ? "tcp" : text[(slash + 1)..].ToLowerInvariant();
        if (protocol is not ("tcp" or "udp" or "sctp"))
        {
            return false;
        }

        int dash = numbers.IndexOf('-');
        if (!TryParseNumber(dash < 0 ? numbers : numbers[..dash], out int first)
            || !TryParseNumber(dash < 0 ? numbers : numbers[(dash + 1)..], out int last)
            || last < first)
        {
            return false;
        }

        port = new ExposedPort(first, last, protocol);
        return true;
    }

    public bool Contains(int number) => number >= First && number <= Last;

    public override string ToString() =>
        (First == Last ? First.ToString(CultureInfo.InvariantCulture) : $"{First.ToString(CultureInfo.InvariantCulture)}-{Last.ToString(CultureInfo.InvariantCulture)}") + "/" + Protocol;

    private static bool TryParseNumber(string text, out int number) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number is >= 1 and <= 65535;
}

/// <summary>
/// Port rules. The image's exposed ports are the project's <c>ContainerPort</c> items plus the base image's
/// <c>ExposedPorts</c> (the SDK keeps the base's and cannot remove them), so findings say which of the two a port
/// came from and give the fix for that side. Values that do not parse are ignored: the SDK rejects bad
/// <c>ContainerPort</c> items itself, and a base's odd key exposes nothing a runtime would use.
/// </summary>
/// <remarks>
/// No health-check rule: the SDK cannot write a HEALTHCHECK (the OCI image config has no such field; Docker's
/// <c>Healthcheck</c> exists only in Docker's own config format, and Kubernetes ignores it in favour of probes), so a
/// warning that no health check is declared would fire on every build with no fix the user could apply.
/// </remarks>
public static class PortPolicy
{
    /// <param name="image">How the image is named in messages.</param>
    /// <param name="projectPorts">The <c>ContainerPort</c> items as <c>number[/type]</c>.</param>
    /// <param name="basePorts">The base image config's <c>ExposedPorts</c> keys.</param>
    /// <param name="runsAsNonRoot">Whether the effective user is not root (as the non-root gate decided).</param>
    public static IReadOnlyList<Diagnostic> Evaluate(string image, IEnumerable<string> projectPorts, IEnumerable<string> basePorts, bool runsAsNonRoot)
    {
        List<(ExposedPort Port, bool FromProject)> ports = new();
        foreach ((IEnumerable<string> source, bool fromProject) in new[] { (projectPorts, true), (basePorts, false) })
        {
            foreach (string raw in source)
            {
                if (ExposedPort.TryParse(raw, out ExposedPort? port) && !ports.Any(p => p.Port == port))
                {
                    ports.Add((port!, fromProject));
                }
            }
        }

        List<Diagnostic> findings = new();
        foreach ((ExposedPort port, bool fromProject) in ports.OrderBy(p => p.Port.First).ThenBy(p => p.Port.Protocol, StringComparer.Ordinal))
        {
            string origin = fromProject ? "from a ContainerPort item" : "from the base image's ExposedPorts";
            if (port.Protocol == "tcp" && port.Contains(22))
            {
                string fix = fromProject
                    ? $"remove the <ContainerPort Include=\"{port.First.ToString(CultureInfo.InvariantCulture)}\" /> item."
                    : "use a base image that does not expose port 22 (the SDK keeps the base image's exposed ports).";
                findings.Add(PortDiagnostics.SshPortExposed.Create(image, origin, fix));
            }
            else if (runsAsNonRoot && port.First < 1024)
            {
                string fix = fromProject
                    ? $"and remove the <ContainerPort Include=\"{port.First.ToString(CultureInfo.InvariantCulture)}\" /> item."
                    : "and use a base image that does not expose it (the SDK keeps the base image's exposed ports); the base image may also set ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS to it, which the variable above overrides.";
                findings.Add(PortDiagnostics.PrivilegedPortWithNonRootUser.Create(image, port.ToString(), origin, fix));
            }
        }

        return findings;
    }
}

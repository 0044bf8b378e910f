using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Policy;

namespace SecureContainers.Core.Tests.Policy;

public class PortPolicyTests
{
    private const string Image = "localhost:5000/app:1 (linux/amd64)";

    private static string[] Codes(IEnumerable<string> project, IEnumerable<string> basePorts, bool nonRoot = true) =>
        PortPolicy.Evaluate(Image, project, basePorts, nonRoot).Select(d => d.Code).ToArray();

    [Theory]
    [InlineData("22")]
    [InlineData("22/tcp")]
    [InlineData("22/TCP")]
    [InlineData("20-25/tcp")]
    public void SshPortIsAnErrorForAnyUser(string port)
    {
        Assert.Equal(["SC7150"], Codes([port], [], nonRoot: true));
        Assert.Equal(["SC7150"], Codes([port], [], nonRoot: false));
    }

    [Fact]
    public void SshPortFromTheBaseImageNamesTheBaseAsTheFix()
    {
        Diagnostic d = Assert.Single(PortPolicy.Evaluate(Image, [], ["22/tcp"], runsAsNonRoot: false));

        Assert.Contains("base image's ExposedPorts", d.Message);
        Assert.Contains("use a base image that does not expose port 22", d.Message);
    }

    [Fact]
    public void UdpPort22IsNotSsh() => Assert.Empty(Codes(["22/udp"], [], nonRoot: false));

    [Theory]
    [InlineData("80")]
    [InlineData("443/tcp")]
    [InlineData("53/udp")]
    [InlineData("1023")]
    public void PrivilegedPortWithNonRootUserIsAWarning(string port)
    {
        Diagnostic d = Assert.Single(PortPolicy.Evaluate(Image, [port], [], runsAsNonRoot: true));

        Assert.Equal(("SC7151", DiagnosticSeverity.Warning), (d.Code, d.Severity));
        Assert.Contains("ASPNETCORE_HTTP_PORTS", d.Message);
    }

    [Theory]
    [InlineData("1024")]
    [InlineData("8080/tcp")]
    [InlineData("65535")]
    public void UnprivilegedPortsAreFine(string port) => Assert.Empty(Codes([port], ["8080/tcp"]));

    [Fact]
    public void PrivilegedPortAsRootIsNotReported() => Assert.Empty(Codes(["80"], ["443/tcp"], nonRoot: false));

    [Fact]
    public void PortInBothProjectAndBaseIsReportedOnceAsTheProjects()
    {
        Diagnostic d = Assert.Single(PortPolicy.Evaluate(Image, ["80"], ["80/tcp"], runsAsNonRoot: true));

        Assert.Contains("from a ContainerPort item", d.Message);
        Assert.Contains("<ContainerPort Include=\"80\" />", d.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("http")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("80/icmp")]
    [InlineData("90-80/tcp")]
    [InlineData("-22")]
    public void UnparseablePortsAreIgnored(string port) => Assert.Empty(Codes([port], [port]));

    [Fact]
    public void FindingsAreOrderedByPort() =>
        Assert.Equal(["SC7150", "SC7151", "SC7151"], Codes(["443", "22"], ["80/tcp"]));

    [Fact]
    public void ExposedPortRoundTrips()
    {
        Assert.True(ExposedPort.TryParse("8000-8010/UDP", out ExposedPort? port));
        Assert.Equal("8000-8010/udp", port!.ToString());
        Assert.True(port.Contains(8005));
        Assert.False(port.Contains(8011));
    }
}

using System.Text;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// The registry a team really has: HTTPS with a certificate from its own CA, and a password. eng/test.sh starts a second
/// registry with TLS and htpasswd (eng/testbed/registry.sh --tls --htpasswd), named 127.0.0.1:PORT so that the SDK and
/// the tool check its certificate; the test CA is trusted for these processes only (SSL_CERT_FILE, the OpenSSL trust
/// file .NET reads on Linux), never installed on the machine. Credentials come from a docker config file, as
/// `docker login` leaves them, and must not show up in anything the build writes.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class AuthenticatedTlsRegistryTests(SigningKeys keys) : IClassFixture<SigningKeys>
{
    [TlsRegistryFact]
    public async Task PublishSignVerifyAndSbomOverTlsWithDockerConfigCredentialsLeakNoPassword()
    {
        string registry = Environment.GetEnvironmentVariable("SC_TEST_TLS_REGISTRY") ?? throw new InvalidOperationException("SC_TEST_TLS_REGISTRY is not set: run through eng/test.sh");
        string user = Environment.GetEnvironmentVariable("SC_TEST_TLS_REGISTRY_USER")!;
        string password = Environment.GetEnvironmentVariable("SC_TEST_TLS_REGISTRY_PASSWORD")!;
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "tls-auth");
        Dictionary<string, string?> environment = TrustAndLogin(sample.Directory, registry, user, password);
        foreach ((string key, string? value) in keys.Environment)
        {
            environment[key] = value;
        }

        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")}",
            $"ContainerRegistry={registry}",
            "ContainerRepository=e2e/tls-auth",
            "ContainerImageTag=1.0",
            $"SecureContainerSigningKey={keys.PrivateKey}",
        ], environment);
        Assert.True(result.Succeeded, result.ToString());

        string image = $"{registry}/e2e/tls-auth:1.0";
        ProcessResult verify = await CliTool.RunAsync(["verify", image, "--key", keys.PublicKey, "--require-sbom", "--require-provenance"], environment);
        Assert.True(verify.ExitCode == 0, verify.Output);
        string fetched = Path.Combine(sample.Directory, "fetched.cdx.json");
        ProcessResult sbom = await CliTool.RunAsync(["sbom", image, "-o", fetched], environment);
        Assert.True(sbom.ExitCode == 0, sbom.Output);

        // Without the credentials the registry refuses, so the ones from the docker config were really used.
        Dictionary<string, string?> anonymous = TrustAndLogin(Path.Combine(sample.Directory, "anonymous"), registry, null, null);
        ProcessResult refused = await CliTool.RunAsync(["verify", image, "--key", keys.PublicKey], anonymous);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("SC3103", refused.Output);

        // Not in the console, not in a diagnostic replay of the binary log, not in the SBOM or SARIF files.
        ProcessResult replay = await ProcessRunner.RunAsync("dotnet", ["msbuild", result.BinaryLog, "-v:diag", "-noconlog", $"-flp:logfile={Path.Combine(sample.Directory, "replay.log")};verbosity=diagnostic"], sample.Directory);
        Assert.True(replay.ExitCode == 0, replay.Output);
        string[] written = Directory.GetFiles(Path.Combine(sample.Directory, "bin"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cdx.json", StringComparison.Ordinal) || f.EndsWith(".sarif", StringComparison.Ordinal))
            .Append(fetched).Append(Path.Combine(sample.Directory, "replay.log")).ToArray();
        Assert.Contains(written, f => f.EndsWith(".cdx.json", StringComparison.Ordinal));
        foreach (string text in written.Select(File.ReadAllText).Append(result.Output).Append(verify.Output).Append(sbom.Output))
        {
            Assert.DoesNotContain(password, text);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")), text);
        }

        sample.Succeeded();
    }

    /// <summary>A docker config with the login (or none) and the test CA trusted, for the processes the test starts.</summary>
    private static Dictionary<string, string?> TrustAndLogin(string directory, string registry, string? user, string? password)
    {
        string docker = Directory.CreateDirectory(Path.Combine(directory, "docker-config")).FullName;
        string credential = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        string auths = user is null ? "{}" : $$$"""{"{{{registry}}}":{"auth":"{{{credential}}}"}}""";
        File.WriteAllText(Path.Combine(docker, "config.json"), $$"""{"auths":{{auths}}}""");
        string bundle = Path.Combine(directory, "trust.pem");
        File.WriteAllText(bundle, File.ReadAllText("/etc/ssl/certs/ca-certificates.crt") + File.ReadAllText(Environment.GetEnvironmentVariable("SC_TEST_TLS_REGISTRY_CA")!));
        return new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = docker,
            ["SSL_CERT_FILE"] = bundle,
            ["REGISTRY_AUTH_FILE"] = null,
            ["XDG_RUNTIME_DIR"] = null,
        };
    }
}

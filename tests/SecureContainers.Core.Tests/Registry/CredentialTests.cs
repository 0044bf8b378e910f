using System.Text;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

public sealed class CredentialTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sc-creds-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteConfig(string json)
    {
        string path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private Func<string, string?> Env(params (string Key, string Value)[] values)
    {
        Dictionary<string, string> map = values.ToDictionary(v => v.Key, v => v.Value);
        map.TryAdd("HOME", _dir);
        return k => map.TryGetValue(k, out string? v) ? v : null;
    }

    [Fact]
    public async Task AuthsBase64EntryIsDecoded()
    {
        string path = WriteConfig("""{"auths":{"https://registry.test/v1/":{"auth":"AUTH"}}}""".Replace("AUTH", B64("alice:pa:ss")));
        DockerConfigCredentialProvider provider = new([path], Env());

        RegistryCredential? c = await provider.GetAsync("registry.test", CancellationToken.None);

        Assert.Equal("alice", c!.Username);
        Assert.Equal("pa:ss", c.Password);
        Assert.Null(await provider.GetAsync("other.test", CancellationToken.None));
    }

    [Fact]
    public async Task DockerHubUsesTheIndexV1Key()
    {
        string path = WriteConfig("""{"auths":{"https://index.docker.io/v1/":{"username":"hub","password":"pw"}}}""");
        DockerConfigCredentialProvider provider = new([path], Env());

        Assert.Equal("hub", (await provider.GetAsync("docker.io", CancellationToken.None))!.Username);
    }

    [Fact]
    public async Task IdentityTokenEntryIsKept()
    {
        string path = WriteConfig("""{"auths":{"acr.test":{"auth":"MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==","identitytoken":"idt"}}}""");
        DockerConfigCredentialProvider provider = new([path], Env());

        Assert.Equal("idt", (await provider.GetAsync("acr.test", CancellationToken.None))!.IdentityToken);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"auths":{"registry.test":{"auth":"%%%"}}}""")]
    public async Task BrokenConfigIsSC3110WithoutItsContent(string json)
    {
        string path = WriteConfig(json);
        DockerConfigCredentialProvider provider = new([path], Env());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() => provider.GetAsync("registry.test", CancellationToken.None));

        Assert.Equal("SC3110", ex.Diagnostic.Code);
        Assert.DoesNotContain("%%%", ex.Message);
    }

    private string WriteHelper(string name, string script)
    {
        string bin = Path.Combine(_dir, "bin");
        Directory.CreateDirectory(bin);
        string path = Path.Combine(bin, "docker-credential-" + name);
        File.WriteAllText(path, "#!/bin/sh\n" + script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return bin;
    }

    [UnixFact]
    public async Task CredHelperIsRunWithTheServerOnStdin()
    {
        string bin = WriteHelper("fake", """
            read server
            if [ "$1" = "get" ] && [ "$server" = "registry.test" ]; then
              printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}' "$server"
            else
              echo "credentials not found in native keychain"; exit 1
            fi
            """);
        string path = WriteConfig("""{"credHelpers":{"registry.test":"fake"}}""");
        DockerConfigCredentialProvider provider = new([path], Env(("PATH", bin)));

        RegistryCredential? c = await provider.GetAsync("registry.test", CancellationToken.None);

        Assert.Equal("helper-user", c!.Username);
        Assert.Equal("helper-secret", c.Password);
    }

    [UnixFact]
    public async Task CredsStoreNotFoundMeansAnonymous()
    {
        string bin = WriteHelper("store", "echo 'credentials not found in native keychain'; exit 1\n");
        string path = WriteConfig("""{"credsStore":"store"}""");
        DockerConfigCredentialProvider provider = new([path], Env(("PATH", bin)));

        Assert.Null(await provider.GetAsync("registry.test", CancellationToken.None));
    }

    [UnixFact]
    public async Task FailingHelperIsSC3108NamingItButNotItsOutput()
    {
        string bin = WriteHelper("broken", "echo 'leaked-secret-output'; echo 'stderr-secret' >&2; exit 3\n");
        string path = WriteConfig("""{"credHelpers":{"registry.test":"broken"}}""");
        DockerConfigCredentialProvider provider = new([path], Env(("PATH", bin)));

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() => provider.GetAsync("registry.test", CancellationToken.None));

        Assert.Equal("SC3108", ex.Diagnostic.Code);
        Assert.Contains("docker-credential-broken", ex.Message);
        Assert.Contains("code 3", ex.Message);
        Assert.DoesNotContain("secret", ex.Message);
    }

    [UnixFact]
    public async Task HangingHelperTimesOut()
    {
        string bin = WriteHelper("slow", "exec sleep 30\n");
        string path = WriteConfig("""{"credHelpers":{"registry.test":"slow"}}""");
        DockerConfigCredentialProvider provider = new([path], Env(("PATH", bin)), TimeSpan.FromMilliseconds(500));

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() => provider.GetAsync("registry.test", CancellationToken.None));

        Assert.Equal("SC3108", ex.Diagnostic.Code);
        Assert.Contains("did not answer", ex.Message);
    }

    [Fact]
    public async Task MissingHelperIsSC3108()
    {
        string path = WriteConfig("""{"credHelpers":{"registry.test":"absent"}}""");
        DockerConfigCredentialProvider provider = new([path], Env(("PATH", _dir)));

        Assert.Equal("SC3108", (await Assert.ThrowsAsync<SecureContainerException>(() => provider.GetAsync("registry.test", CancellationToken.None))).Diagnostic.Code);
    }

    [Fact]
    public async Task PullVariablesApplyToAnyRegistry()
    {
        EnvironmentCredentialProvider provider = new(Env(
            ("DOTNET_CONTAINER_PULL_REGISTRY_UNAME", "puller"), ("DOTNET_CONTAINER_PULL_REGISTRY_PWORD", "pw"),
            ("DOTNET_CONTAINER_REGISTRY_UNAME", "generic"), ("DOTNET_CONTAINER_REGISTRY_PWORD", "pw2")));

        Assert.Equal("puller", (await provider.GetAsync("mcr.microsoft.com", CancellationToken.None))!.Username);
    }

    [Fact]
    public async Task GenericAndLegacyVariablesApplyOnlyWhenPullingFromTheOutputRegistry()
    {
        Func<string, string?> env = Env(("SDK_CONTAINER_REGISTRY_UNAME", "legacy"), ("SDK_CONTAINER_REGISTRY_PWORD", "pw"));
        EnvironmentCredentialProvider provider = new(env, outputRegistry: "myacr.test");

        Assert.Equal("legacy", (await provider.GetAsync("myacr.test", CancellationToken.None))!.Username);
        Assert.Null(await provider.GetAsync("mcr.microsoft.com", CancellationToken.None));
        Assert.Null(await new EnvironmentCredentialProvider(env).GetAsync("myacr.test", CancellationToken.None));
    }

    [Fact]
    public async Task HalfAPairIsIgnored()
    {
        EnvironmentCredentialProvider provider = new(Env(("DOTNET_CONTAINER_PULL_REGISTRY_UNAME", "user")));
        Assert.Null(await provider.GetAsync("registry.test", CancellationToken.None));
    }

    [Fact]
    public async Task FromEnvironmentPrefersVariablesOverTheConfigFile()
    {
        string path = WriteConfig("""{"auths":{"registry.test":{"auth":"AUTH"}}}""".Replace("AUTH", B64("file:pw")));
        RegistryClientOptions options = RegistryClientOptions.FromEnvironment(
            Env(("DOTNET_CONTAINER_PULL_REGISTRY_UNAME", "env"), ("DOTNET_CONTAINER_PULL_REGISTRY_PWORD", "pw")), path);
        Assert.Equal("env", (await options.Credentials.GetAsync("registry.test", CancellationToken.None))!.Username);

        RegistryClientOptions fileOnly = RegistryClientOptions.FromEnvironment(Env(), path);
        Assert.Equal("file", (await fileOnly.Credentials.GetAsync("registry.test", CancellationToken.None))!.Username);
    }

    [Fact]
    public void DefaultPathsFollowDockerAndPodman()
    {
        IReadOnlyList<string> paths = DockerConfigCredentialProvider.DefaultConfigPaths(Env(
            ("DOCKER_CONFIG", "/d"), ("REGISTRY_AUTH_FILE", "/r/auth.json"), ("XDG_RUNTIME_DIR", "/run/user/1")));

        Assert.Equal(Path.Combine("/d", "config.json"), paths[0]);
        Assert.Equal("/r/auth.json", paths[1]);
        Assert.Equal(Path.Combine("/run/user/1", "containers", "auth.json"), paths[2]);
    }

    [Fact]
    public async Task ClientUsesConfigCredentialsForBasicAuth()
    {
        string path = WriteConfig("""{"auths":{"registry.test":{"auth":"AUTH"}}}""".Replace("AUTH", B64("bob:pw")));
        FakeRegistry registry = new();
        registry.RequireBasic("bob", "pw");
        registry.AddImage("app", "1", new Platform("linux", "amd64"));
        RegistryClientOptions options = registry.Options();
        options.Credentials = new DockerConfigCredentialProvider([path], Env());
        using RegistryClient client = new(options);

        await client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None);
    }
}

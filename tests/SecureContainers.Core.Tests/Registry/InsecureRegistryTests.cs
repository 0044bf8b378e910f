using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

public class InsecureRegistryTests
{
    [Theory]
    [InlineData("localhost", null, true)]
    [InlineData("localhost:5000", null, true)]
    [InlineData("LOCALHOST:5000", null, true)]
    [InlineData("127.0.0.1:5000", null, false)]
    [InlineData("localhost.example.com", null, false)]
    [InlineData("registry.test:5000", "other:1;registry.test:5000", true)]
    [InlineData("registry.test:5000", " registry.test:5000 ; ", true)]
    [InlineData("registry.test", "registry.test:5000", false)]
    [InlineData("registry.test:5001", "registry.test:5000", false)]
    public void SdkInsecureRules(string registry, string? list, bool expected)
    {
        Assert.Equal(expected, RegistryClientOptions.IsInsecureBySdkRules(registry, list));
    }

    [Fact]
    public void FromEnvironmentReadsTheInsecureList()
    {
        RegistryClientOptions options = RegistryClientOptions.FromEnvironment(
            k => k == "DOTNET_CONTAINER_INSECURE_REGISTRIES" ? "10.0.0.5:5000" : null, "/nonexistent/config.json");
        Assert.True(options.IsInsecureRegistry("10.0.0.5:5000"));
        Assert.True(options.IsInsecureRegistry("localhost:1"));
        Assert.False(options.IsInsecureRegistry("mcr.microsoft.com"));
    }

    [Fact]
    public async Task InsecureRegistryFallsBackToHttpAfterTlsFailureAndStaysThere()
    {
        FakeRegistry registry = new("localhost:5000") { PlainHttpOnly = true };
        registry.AddImage("app", "1", new Platform("linux", "amd64"));
        RegistryClientOptions options = registry.Options();
        options.IsInsecureRegistry = r => RegistryClientOptions.IsInsecureBySdkRules(r, null);
        using RegistryClient client = new(options);

        ResolvedImage image = await client.ResolveAsync(ImageReference.Parse("localhost:5000/app:1"), new Platform("linux", "amd64"), CancellationToken.None);

        Assert.Equal("1654", image.Configuration.User);
        Assert.Equal(1, registry.CountRequests(r => r.Uri.Scheme == "https"));
        Assert.Equal(2, registry.CountRequests(r => r.Uri.Scheme == "http" && r.Uri.Port == 5000));
    }

    [Fact]
    public async Task SecureRegistryNeverFallsBackToHttp()
    {
        FakeRegistry registry = new("registry.test:5000") { PlainHttpOnly = true };
        registry.AddImage("app", "1", new Platform("linux", "amd64"));
        using RegistryClient client = new(registry.Options());

        var ex = await Assert.ThrowsAsync<SecureContainers.Core.Diagnostics.SecureContainerException>(
            () => client.GetManifestAsync("registry.test:5000", "app", "1", CancellationToken.None));

        Assert.Equal("SC3101", ex.Diagnostic.Code);
        Assert.DoesNotContain(registry.Requests, r => r.Uri.Scheme == "http");
    }
}

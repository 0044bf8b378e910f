using System.Net;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

public class AuthTests
{
    private static readonly Platform Amd64 = new("linux", "amd64");

    private sealed class FixedCredentials(RegistryCredential? credential) : ICredentialProvider
    {
        public int Calls { get; private set; }

        public Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct)
        {
            Calls++;
            return Task.FromResult(credential);
        }
    }

    [Fact]
    public async Task AnonymousBearerFlowFetchesOneTokenAndReusesIt()
    {
        FakeRegistry registry = new();
        registry.RequireBearer();
        registry.AddImage("app", "1", Amd64, "1654", MediaTypes.OciManifestV1, [1, 2]);
        using RegistryClient client = new(registry.Options());

        ResolvedImage image = await client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Amd64, CancellationToken.None);
        await using (DigestVerifyingStream blob = await client.OpenBlobAsync("registry.test", "app", image.Layers[0], CancellationToken.None))
        {
            await blob.DrainAsync(CancellationToken.None);
        }

        Assert.Equal(1, registry.TokensIssued);
        FakeRegistry.RecordedRequest tokenRequest = Assert.Single(registry.Requests, r => r.Uri.Host == "auth.test");
        Assert.Contains("service=registry.test", tokenRequest.Uri.Query);
        Assert.Contains("scope=repository%3Aapp%3Apull", tokenRequest.Uri.Query);
        Assert.Null(tokenRequest.Authorization);
        // Manifest (401, then retried), config and blob all carried the same token after the handshake.
        Assert.Equal(3, registry.CountRequests(r => r.Uri.Host == "registry.test" && r.Authorization == "Bearer tok-1"));
        Assert.Equal(1, registry.CountRequests(r => r.Uri.Host == "registry.test" && r.Authorization is null));
    }

    [Fact]
    public async Task BearerWithCredentialsSendsThemOnlyToTheTokenService()
    {
        FakeRegistry registry = new();
        registry.RequireBearer("alice", "s3cret");
        registry.AddImage("app", "1", Amd64);
        RegistryClientOptions options = registry.Options();
        options.Credentials = new FixedCredentials(new RegistryCredential("alice", "s3cret"));
        using RegistryClient client = new(options);

        await client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Amd64, CancellationToken.None);

        Assert.StartsWith("Basic ", Assert.Single(registry.Requests, r => r.Uri.Host == "auth.test").Authorization);
        Assert.DoesNotContain(registry.Requests, r => r.Uri.Host == "registry.test" && r.Authorization?.StartsWith("Basic") == true);
    }

    [Fact]
    public async Task RevokedTokenTriggersExactlyOneNewHandshake()
    {
        FakeRegistry registry = new();
        registry.RequireBearer();
        registry.AddImage("app", "1", Amd64);
        using RegistryClient client = new(registry.Options());
        await client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None);

        registry.RevokeTokens();
        await client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None);

        Assert.Equal(2, registry.TokensIssued);
    }

    [Fact]
    public async Task SecondUnauthorizedIsSC3103WithoutTheSecret()
    {
        FakeRegistry registry = new();
        registry.RequireBearer();
        registry.AddImage("app", "1", Amd64);
        // The token service hands out tokens the registry never accepts.
        registry.Intercept(r => r.RequestUri!.Host == "auth.test"
            ? FakeRegistry.Bytes("""{"access_token":"useless-token-value"}"""u8.ToArray(), "application/json")
            : null);
        RegistryClientOptions options = registry.Options();
        options.Credentials = new FixedCredentials(new RegistryCredential("alice", "hunter2-password"));
        using RegistryClient client = new(options);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Amd64, CancellationToken.None));

        Assert.Equal("SC3103", ex.Diagnostic.Code);
        Assert.Contains("registry.test", ex.Message);
        Assert.Contains("app", ex.Message);
        Assert.Contains("docker login", ex.Message);
        Assert.Contains("DOTNET_CONTAINER_PULL_REGISTRY_UNAME", ex.Message);
        Assert.DoesNotContain("hunter2", ex.Message);
        Assert.DoesNotContain("useless-token-value", ex.Message);
        Assert.Equal(1, registry.CountRequests(r => r.Authorization == "Bearer useless-token-value"));
    }

    [Fact]
    public async Task TokenServiceRejectingCredentialsIsSC3103()
    {
        FakeRegistry registry = new();
        registry.RequireBearer("alice", "right");
        registry.AddImage("app", "1", Amd64);
        RegistryClientOptions options = registry.Options();
        options.Credentials = new FixedCredentials(new RegistryCredential("alice", "wrong") { Source = "test" });
        using RegistryClient client = new(options);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None));

        Assert.Equal("SC3103", ex.Diagnostic.Code);
        Assert.DoesNotContain("wrong", ex.Message);
    }

    [Fact]
    public async Task BasicChallengeIsAnsweredWithCredentials()
    {
        FakeRegistry registry = new();
        registry.RequireBasic("bob", "pw");
        registry.AddImage("app", "1", Amd64);
        RegistryClientOptions options = registry.Options();
        FixedCredentials credentials = new(new RegistryCredential("bob", "pw"));
        options.Credentials = credentials;
        using RegistryClient client = new(options);

        await client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Amd64, CancellationToken.None);

        Assert.Equal(1, credentials.Calls);
        Assert.Equal(1, registry.CountRequests(r => r.Authorization is null));
    }

    [Fact]
    public async Task BasicChallengeWithoutCredentialsIsSC3103()
    {
        FakeRegistry registry = new();
        registry.RequireBasic("bob", "pw");
        registry.AddImage("app", "1", Amd64);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None));

        Assert.Equal("SC3103", ex.Diagnostic.Code);
    }

    [Fact]
    public async Task PlainHttpTokenRealmOfASecureRegistryIsRefused()
    {
        FakeRegistry registry = new();
        registry.Intercept(r =>
        {
            if (r.RequestUri!.Host != "registry.test")
            {
                return null;
            }

            HttpResponseMessage challenge = FakeRegistry.Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
            challenge.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"http://auth.test/token\",service=\"registry.test\"");
            return challenge;
        });
        RegistryClientOptions options = registry.Options();
        FixedCredentials credentials = new(new RegistryCredential("alice", "pw"));
        options.Credentials = credentials;
        using RegistryClient client = new(options);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None));

        Assert.Equal("SC3111", ex.Diagnostic.Code);
        Assert.DoesNotContain(registry.Requests, r => r.Uri.Host == "auth.test");
    }

    [Fact]
    public async Task IdentityTokenUsesTheRefreshTokenGrant()
    {
        FakeRegistry registry = new();
        registry.RequireBearer();
        registry.AddImage("app", "1", Amd64);
        string? form = null;
        registry.Intercept(r =>
        {
            if (r.RequestUri!.Host != "auth.test" || r.Method != HttpMethod.Post)
            {
                return null;
            }

            form = r.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
            return null;
        });
        RegistryClientOptions options = registry.Options();
        options.Credentials = new FixedCredentials(new RegistryCredential("", "", "refresh-me"));
        using RegistryClient client = new(options);

        await client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None);

        Assert.NotNull(form);
        Assert.Contains("grant_type=refresh_token", form);
        Assert.Contains("refresh_token=refresh-me", form);
    }

    [Fact]
    public void ChallengeParserReadsQuotedParameters()
    {
        var p = AuthChallenge.ParseParameters("realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/a:pull,push\"");
        Assert.Equal("https://auth.docker.io/token", p["realm"]);
        Assert.Equal("registry.docker.io", p["service"]);
        Assert.Equal("repository:library/a:pull,push", p["scope"]);
    }

    [Fact]
    public void CredentialToStringHidesTheSecret()
    {
        string text = new RegistryCredential("alice", "hunter2", "idtok").ToString();
        Assert.DoesNotContain("hunter2", text);
        Assert.DoesNotContain("idtok", text);
    }
}

using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

/// <summary>One client serves every task of a build at once: its token and manifest caches must hold under concurrency.</summary>
public class ConcurrencyTests
{
    private static readonly Platform Amd64 = new("linux", "amd64");

    /// <summary>Slow enough that every request meets the 401 before the first handshake has finished.</summary>
    private sealed class SlowCredentials(RegistryCredential credential) : ICredentialProvider
    {
        public async Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct)
        {
            await Task.Delay(100, ct);
            return credential;
        }
    }

    [Fact]
    public async Task ConcurrentRequestsShareOneTokenHandshake()
    {
        FakeRegistry registry = new();
        registry.RequireBearer("alice", "s3cret");
        registry.AddImage("app", "1", Amd64);
        RegistryClientOptions options = registry.Options();
        options.Credentials = new SlowCredentials(new RegistryCredential("alice", "s3cret"));
        using RegistryClient client = new(options);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Amd64, CancellationToken.None))));

        Assert.Equal(1, registry.TokensIssued);
        Assert.Single(results.Select(r => r.ManifestDigest).Distinct());
    }

    [Fact]
    public async Task ConcurrentPullsAndPushesKeepTheirOwnTokens()
    {
        FakeRegistry registry = new();
        registry.RequireBearer("alice", "s3cret");
        registry.PushCredentials = ("alice", "s3cret");
        registry.AddImage("app", "1", Amd64);
        RegistryClientOptions options = registry.Options();
        options.Credentials = new SlowCredentials(new RegistryCredential("alice", "s3cret"));
        using RegistryClient client = new(options);

        Task[] work =
        [
            .. Enumerable.Range(0, 4).Select(_ => Task.Run(() => client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None))),
            .. Enumerable.Range(0, 4).Select(i => Task.Run(() => client.PushBlobAsync("registry.test", "app", new byte[] { (byte)i }, "application/octet-stream", CancellationToken.None))),
        ];
        await Task.WhenAll(work);

        // One handshake for pull, one for pull,push: a pull-only token is never offered for a push.
        Assert.Equal(2, registry.TokensIssued);
        Assert.Equal(4, registry.BlobUploads);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

public class RetryAndTransportTests
{
    private static readonly Platform Amd64 = new("linux", "amd64");

    private static (RegistryClientOptions Options, List<TimeSpan> Delays) Recording(FakeRegistry registry)
    {
        List<TimeSpan> delays = new();
        return (registry.Options(delays), delays);
    }

    private static Func<HttpRequestMessage, HttpResponseMessage?> FailTimes(int times, Func<HttpResponseMessage> make)
    {
        int remaining = times;
        return r => r.RequestUri!.AbsolutePath.Contains("/manifests/") && Interlocked.Decrement(ref remaining) >= 0 ? make() : null;
    }

    [Fact]
    public async Task ServiceUnavailableIsRetriedWithExponentialBackoff()
    {
        FakeRegistry registry = new();
        registry.AddImage("app", "1", Amd64);
        registry.Intercept(FailTimes(2, () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)));
        var (options, delays) = Recording(registry);
        using RegistryClient client = new(options);

        await client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None);

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], delays);
        Assert.Equal(3, registry.CountRequests(r => r.Uri.AbsolutePath.Contains("/manifests/")));
    }

    [Fact]
    public async Task TooManyRequestsHonoursRetryAfterCapped()
    {
        FakeRegistry registry = new();
        registry.AddImage("app", "1", Amd64);
        registry.Intercept(FailTimes(2, () =>
        {
            HttpResponseMessage r = new(HttpStatusCode.TooManyRequests);
            r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return r;
        }));
        var (options, delays) = Recording(registry);
        options.MaxRetryDelay = TimeSpan.FromSeconds(5);
        using RegistryClient client = new(options);

        await client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None);

        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], delays);
    }

    [Fact]
    public async Task RetryAfterAsADateIsHonoured()
    {
        FakeRegistry registry = new();
        registry.AddImage("app", "1", Amd64);
        registry.Intercept(FailTimes(1, () =>
        {
            HttpResponseMessage r = new(HttpStatusCode.TooManyRequests);
            r.Headers.RetryAfter = new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(20));
            return r;
        }));
        var (options, delays) = Recording(registry);
        using RegistryClient client = new(options);

        await client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None);

        TimeSpan delay = Assert.Single(delays);
        Assert.InRange(delay, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task PersistentFailureGivesUpAfterMaxRetriesWithSC3109()
    {
        FakeRegistry registry = new();
        registry.Intercept(_ => new HttpResponseMessage(HttpStatusCode.BadGateway));
        var (options, delays) = Recording(registry);
        options.MaxRetries = 2;
        using RegistryClient client = new(options);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None));

        Assert.Equal("SC3109", ex.Diagnostic.Code);
        Assert.Equal(2, delays.Count);
        Assert.Equal(3, registry.Requests.Count);
    }

    [Fact]
    public async Task InternalServerErrorOnAReadIsRetriedWithinTheBudget()
    {
        FakeRegistry registry = new();
        registry.AddImage("app", "1", Amd64);
        registry.Intercept(FailTimes(2, () => new HttpResponseMessage(HttpStatusCode.InternalServerError)));
        var (options, delays) = Recording(registry);
        using RegistryClient client = new(options);

        await client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None);

        Assert.Equal(2, delays.Count);
    }

    [Fact]
    public async Task InternalServerErrorOnAManifestPutIsNotRetried()
    {
        FakeRegistry registry = new();
        registry.Intercept(r => r.Method == HttpMethod.Put ? new HttpResponseMessage(HttpStatusCode.InternalServerError) : null);
        using RegistryClient client = new(registry.Options());
        byte[] manifest = FakeRegistry.ManifestJson(MediaTypes.OciManifestV1, registry.AddBlob("{}"u8.ToArray(), MediaTypes.OciConfigV1), []);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.PushManifestAsync("registry.test", "app", "1", manifest, MediaTypes.OciManifestV1, CancellationToken.None));

        Assert.Equal(1, registry.CountRequests(r => r.Method == HttpMethod.Put));
        Assert.Equal("SC3109", ex.Diagnostic.Code);
    }

    [Fact]
    public async Task AServiceUnavailableManifestPutIsAnOutageNotARejectedManifest()
    {
        FakeRegistry registry = new();
        registry.Intercept(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.Contains("/manifests/") ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) : null);
        var (options, delays) = Recording(registry);
        using RegistryClient client = new(options);
        byte[] manifest = FakeRegistry.ManifestJson(MediaTypes.OciManifestV1, registry.AddBlob("{}"u8.ToArray(), MediaTypes.OciConfigV1), []);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.PushManifestAsync("registry.test", "app", "1", manifest, MediaTypes.OciManifestV1, CancellationToken.None));

        Assert.Equal("SC3109", ex.Diagnostic.Code);
        Assert.Contains("503", ex.Message);
        Assert.DoesNotContain("does not accept this kind of manifest", ex.Message);
        Assert.Contains("after 4 attempts", ex.Message);
        Assert.Equal(3, delays.Count);
    }

    [Fact]
    public async Task AnInvalidManifestIsStillReportedAsRejected()
    {
        FakeRegistry registry = new();
        registry.Intercept(r => r.Method == HttpMethod.Put ? FakeRegistry.Error(HttpStatusCode.BadRequest, "MANIFEST_INVALID") : null);
        using RegistryClient client = new(registry.Options());
        byte[] manifest = FakeRegistry.ManifestJson(MediaTypes.OciManifestV1, registry.AddBlob("{}"u8.ToArray(), MediaTypes.OciConfigV1), []);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.PushManifestAsync("registry.test", "app", "1", manifest, MediaTypes.OciManifestV1, CancellationToken.None));

        Assert.Equal("SC3114", ex.Diagnostic.Code);
        Assert.Contains("MANIFEST_INVALID", ex.Message);
    }

    [Fact]
    public async Task ABlobUploadWhoseSessionIsLostStartsANewSession()
    {
        FakeRegistry registry = new();
        int failures = 1;
        registry.Intercept(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.Contains("/blobs/uploads/") && Interlocked.Decrement(ref failures) >= 0
            ? FakeRegistry.Error(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN")
            : null);
        var (options, _) = Recording(registry);
        using RegistryClient client = new(options);

        Descriptor pushed = await client.PushBlobAsync("registry.test", "app", "layer"u8.ToArray(), "application/octet-stream", CancellationToken.None);

        Assert.True(registry.HasBlob(pushed.Digest));
        Assert.Equal(2, registry.CountRequests(r => r.Method == HttpMethod.Post));
    }

    [Fact]
    public async Task ABlobUploadThatKeepsFailingStopsAfterTheBudgetWithTheRegistrysAnswer()
    {
        FakeRegistry registry = new();
        registry.Intercept(r => r.Method == HttpMethod.Put ? FakeRegistry.Error(HttpStatusCode.InternalServerError, "UNKNOWN") : null);
        var (options, _) = Recording(registry);
        options.MaxRetries = 2;
        using RegistryClient client = new(options);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.PushBlobAsync("registry.test", "app", "layer"u8.ToArray(), "application/octet-stream", CancellationToken.None));

        Assert.Equal("SC3113", ex.Diagnostic.Code);
        Assert.Equal(3, registry.CountRequests(r => r.Method == HttpMethod.Post));
    }

    [Fact]
    public async Task AManifestBodyCutHalfWayIsFetchedAgain()
    {
        FakeRegistry registry = new();
        FakeRegistry.FakeImage image = registry.AddImage("app", "1", Amd64);
        registry.BreakBodies(r => r.RequestUri!.AbsolutePath.Contains("/manifests/"), 40, times: 2);
        var (options, delays) = Recording(registry);
        using RegistryClient client = new(options);

        var fetched = await client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None);

        Assert.Equal(image.Digest, fetched.Digest);
        Assert.Equal(2, delays.Count);
        Assert.Equal(3, registry.CountRequests(r => r.Uri.AbsolutePath.Contains("/manifests/")));
    }

    [Fact]
    public async Task AManifestBodyThatKeepsBreakingFailsNamingTheRequestAndTheAttempts()
    {
        FakeRegistry registry = new();
        registry.AddImage("app", "1", Amd64);
        registry.BreakBodies(r => r.RequestUri!.AbsolutePath.Contains("/manifests/"), 40, times: 100);
        var (options, _) = Recording(registry);
        options.MaxRetries = 2;
        using RegistryClient client = new(options);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None));

        Assert.Equal("SC3101", ex.Diagnostic.Code);
        Assert.Contains("registry.test", ex.Message);
        Assert.Contains("GET /v2/app/manifests/1, 3 attempts", ex.Message);
        Assert.Contains("broke after 40 bytes", ex.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ALayerCutHalfWayResumesAndStillVerifiesItsDigest(bool honourRanges)
    {
        FakeRegistry registry = new() { HonourRanges = honourRanges };
        byte[] layer = new byte[300_000];
        new Random(7).NextBytes(layer);
        FakeRegistry.FakeImage image = registry.AddImage("app", "1", Amd64, layers: layer);
        registry.BreakBodies(r => r.RequestUri!.AbsolutePath.Contains("/blobs/"), 100_000, times: 2);
        var (options, delays) = Recording(registry);
        using RegistryClient client = new(options);

        await using DigestVerifyingStream stream = await client.OpenBlobAsync("registry.test", "app", image.Layers[0], CancellationToken.None);
        using MemoryStream copy = new();
        await stream.CopyToAsync(copy);

        Assert.Equal(layer, copy.ToArray());
        Assert.True(stream.IsVerified);
        Assert.Equal(2, delays.Count);
        Assert.Equal(3, registry.CountRequests(r => r.Uri.AbsolutePath.Contains("/blobs/")));
    }

    [Fact]
    public void ALayerReadSynchronouslyResumesToo()
    {
        FakeRegistry registry = new();
        byte[] layer = new byte[200_000];
        new Random(8).NextBytes(layer);
        FakeRegistry.FakeImage image = registry.AddImage("app", "1", Amd64, layers: layer);
        registry.BreakBodies(r => r.RequestUri!.AbsolutePath.Contains("/blobs/"), 50_000, times: 1);
        var (options, _) = Recording(registry);
        using RegistryClient client = new(options);

        // Synchronous on purpose: the layer readers read synchronously, and so must the resume.
#pragma warning disable xUnit1031
        using DigestVerifyingStream stream = client.OpenBlobAsync("registry.test", "app", image.Layers[0], CancellationToken.None).GetAwaiter().GetResult();
#pragma warning restore xUnit1031
        using MemoryStream copy = new();
        stream.CopyTo(copy);

        Assert.Equal(layer, copy.ToArray());
        Assert.True(stream.IsVerified);
    }

    [Fact]
    public async Task ALayerThatKeepsBreakingFailsWithTheAttemptsAndWhereItBroke()
    {
        FakeRegistry registry = new();
        byte[] layer = new byte[100_000];
        FakeRegistry.FakeImage image = registry.AddImage("app", "1", Amd64, layers: layer);
        registry.BreakBodies(r => r.RequestUri!.AbsolutePath.Contains("/blobs/"), 10_000, times: 100);
        var (options, _) = Recording(registry);
        options.MaxRetries = 2;
        using RegistryClient client = new(options);

        await using DigestVerifyingStream stream = await client.OpenBlobAsync("registry.test", "app", image.Layers[0], CancellationToken.None);
        IOException ex = await Assert.ThrowsAsync<IOException>(() => stream.CopyToAsync(Stream.Null));

        Assert.Contains("3 attempts", ex.Message);
        Assert.Contains($"blob {image.Layers[0].Digest} from registry.test", ex.Message);
    }

    [Fact]
    public async Task PostToTheTokenServiceIsNotRetried()
    {
        FakeRegistry registry = new();
        registry.RequireBearer();
        registry.AddImage("app", "1", Amd64);
        registry.Intercept(r => r.Method == HttpMethod.Post ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) : null);
        RegistryClientOptions options = registry.Options();
        options.Credentials = new FixedIdentityToken();
        using RegistryClient client = new(options);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None));

        Assert.Equal("SC3103", ex.Diagnostic.Code);
        Assert.Equal(1, registry.CountRequests(r => r.Method == HttpMethod.Post));
    }

    private sealed class FixedIdentityToken : ICredentialProvider
    {
        public Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct) =>
            Task.FromResult<RegistryCredential?>(new RegistryCredential("", "", "refresh"));
    }

    [Fact]
    public async Task ConnectionFailureIsRetriedThenSucceeds()
    {
        FakeRegistry registry = new();
        registry.AddImage("app", "1", Amd64);
        registry.Intercept(FailTimes(1, () => throw new HttpRequestException(HttpRequestError.ConnectionError, "reset")));
        var (options, delays) = Recording(registry);
        using RegistryClient client = new(options);

        await client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None);

        Assert.Single(delays);
    }

    [Fact]
    public async Task AFailedTlsHandshakeIsNotRetried()
    {
        FakeRegistry registry = new();
        registry.Intercept(_ => throw new HttpRequestException(HttpRequestError.SecureConnectionError, "untrusted root"));
        var (options, delays) = Recording(registry);
        using RegistryClient client = new(options);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None));

        Assert.Equal("SC3101", ex.Diagnostic.Code);
        Assert.Contains("TLS handshake failed", ex.Message);
        Assert.Empty(delays);
    }

    [Fact]
    public async Task ClosedLoopbackPortIsUnreachable()
    {
        int port;
        using (TcpListener listener = new(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        RegistryClientOptions options = new() { Delay = (_, _) => Task.CompletedTask, MaxRetries = 1, Timeout = TimeSpan.FromSeconds(10) };
        using RegistryClient client = new(options);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.ResolveAsync(ImageReference.Parse($"127.0.0.1:{port}/app:1"), Amd64, CancellationToken.None));

        Assert.Equal("SC3101", ex.Diagnostic.Code);
        Assert.Contains($"127.0.0.1:{port}", ex.Message);
        Assert.Contains("ContainerBaseImage", ex.Message);
    }

    [Fact]
    public async Task AuthorizationIsDroppedOnCrossHostRedirect()
    {
        FakeRegistry registry = new() { RedirectBlobs = true };
        registry.RequireBearer();
        var img = registry.AddImage("app", "1", Amd64, "1654", MediaTypes.OciManifestV1, [7, 7, 7]);
        using RegistryClient client = new(registry.Options());

        await client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Amd64, CancellationToken.None);
        await using (DigestVerifyingStream blob = await client.OpenBlobAsync("registry.test", "app", img.Layers[0], CancellationToken.None))
        {
            await blob.DrainAsync(CancellationToken.None);
        }

        List<FakeRegistry.RecordedRequest> storage = registry.Requests.Where(r => r.Uri.Host == "blobs.storage.test").ToList();
        Assert.Equal(2, storage.Count);
        Assert.All(storage, r => Assert.Null(r.Authorization));
        Assert.All(registry.Requests.Where(r => r.Uri.AbsolutePath.Contains("/blobs/")), r => Assert.NotNull(r.Authorization));
    }

    [Fact]
    public async Task RedirectFromHttpsToHttpIsRefused()
    {
        FakeRegistry registry = new();
        var img = registry.AddImage("app", "1", Amd64, "1654", MediaTypes.OciManifestV1, [1]);
        registry.Intercept(r =>
        {
            if (!r.RequestUri!.AbsolutePath.Contains("/blobs/"))
            {
                return null;
            }

            HttpResponseMessage redirect = new(HttpStatusCode.Found);
            redirect.Headers.Location = new Uri("http://blobs.storage.test/x");
            return redirect;
        });
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.OpenBlobAsync("registry.test", "app", img.Layers[0], CancellationToken.None));

        Assert.Equal("SC3109", ex.Diagnostic.Code);
        Assert.DoesNotContain(registry.Requests, r => r.Uri.Scheme == "http");
    }
}

using System.Net;
using System.Text;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

public class PushTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private sealed class FixedCredentials(RegistryCredential? credential) : ICredentialProvider
    {
        public Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct) => Task.FromResult(credential);
    }

    [Fact]
    public async Task BlobAlreadyPresentIsNotUploadedAgain()
    {
        FakeRegistry registry = new();
        byte[] content = Encoding.UTF8.GetBytes("layer");
        registry.AddBlob(content, "application/octet-stream");
        using RegistryClient client = new(registry.Options());

        Descriptor pushed = await client.PushBlobAsync("registry.test", "app", content, "text/plain", None);

        Assert.Equal(Digest.Sha256(content), pushed.Digest);
        Assert.Equal(0, registry.BlobUploads);
        Assert.Equal(0, registry.CountRequests(r => r.Method == HttpMethod.Post));
    }

    [Theory]
    [InlineData("relative-query")]
    [InlineData("relative")]
    [InlineData("absolute-query")]
    public async Task BlobUploadAppendsDigestToAnyLocationShape(string style)
    {
        FakeRegistry registry = new() { UploadLocationStyle = style };
        byte[] content = Encoding.UTF8.GetBytes("new blob " + style);
        using RegistryClient client = new(registry.Options());

        Descriptor pushed = await client.PushBlobAsync("registry.test", "app", content, "text/plain", None);

        Assert.True(registry.HasBlob(pushed.Digest));
        Assert.Equal(1, registry.BlobUploads);
        FakeRegistry.RecordedRequest put = Assert.Single(registry.Requests, r => r.Method == HttpMethod.Put);
        Assert.Single(put.Uri.Query.Split('&'), p => p.TrimStart('?').StartsWith("digest=", StringComparison.Ordinal));
    }

    [Fact]
    public void QueryParameterIsAddedWithTheRightSeparator()
    {
        Assert.Equal("https://r.test/u/1?digest=sha256%3Aab", RegistryClient.WithQueryParameter(new Uri("https://r.test/u/1"), "digest", "sha256:ab").AbsoluteUri);
        Assert.Equal("https://r.test/u/1?_state=x%3D&digest=sha256%3Aab", RegistryClient.WithQueryParameter(new Uri("https://r.test/u/1?_state=x%3D"), "digest", "sha256:ab").AbsoluteUri);
    }

    [Fact]
    public async Task ManifestPushReturnsItsDigest()
    {
        FakeRegistry registry = new();
        byte[] manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"x","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}""");
        using RegistryClient client = new(registry.Options());

        Digest digest = await client.PushManifestAsync("registry.test", "app", "v1", manifest, MediaTypes.OciManifestV1, None);

        Assert.Equal(Digest.Sha256(manifest), digest);
        Assert.Equal(manifest, registry.ManifestAt("app", "v1"));
    }

    [Fact]
    public async Task ManifestPushRefusesADisagreeingDigestHeader()
    {
        FakeRegistry registry = new() { DigestHeaderOverride = "sha256:" + new string('0', 64) };
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.PushManifestAsync("registry.test", "app", "v1", "{}"u8.ToArray(), MediaTypes.OciManifestV1, None));

        Assert.Equal("SC3106", ex.Diagnostic.Code);
    }

    [Fact]
    public async Task RejectedManifestReportsWhatTheRegistrySaid()
    {
        FakeRegistry registry = new() { RejectManifestsWith = "MANIFEST_INVALID" };
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.PushManifestAsync("registry.test", "app", "v1", "{}"u8.ToArray(), MediaTypes.OciManifestV1, None));

        Assert.Equal("SC3114", ex.Diagnostic.Code);
        Assert.Contains("MANIFEST_INVALID", ex.Diagnostic.Message);
    }

    [Fact]
    public async Task FailedUploadReportsTheRegistryErrorCode()
    {
        FakeRegistry registry = new();
        registry.Intercept(r => r.Method == HttpMethod.Post ? FakeRegistry.Error(HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID") : null);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.PushBlobAsync("registry.test", "app", "x"u8.ToArray(), "text/plain", None));

        Assert.Equal("SC3113", ex.Diagnostic.Code);
        Assert.Contains("BLOB_UPLOAD_INVALID", ex.Diagnostic.Message);
    }

    [Fact]
    public async Task PushWithPullOnlyCredentialsIsDeniedNamingThePushVariables()
    {
        FakeRegistry registry = new();
        registry.RequireBearer();
        registry.PushCredentials = ("pusher", "secret-push");
        RegistryClientOptions options = registry.Options();
        options.PushCredentials = new FixedCredentials(new RegistryCredential("reader", "secret-read") { Source = "DOTNET_CONTAINER_REGISTRY_UNAME" });
        using RegistryClient client = new(options);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.PushManifestAsync("registry.test", "app", "v1", "{}"u8.ToArray(), MediaTypes.OciManifestV1, None));

        Assert.Equal("SC3112", ex.Diagnostic.Code);
        Assert.Contains("DOTNET_CONTAINER_PUSH_REGISTRY_UNAME", ex.Diagnostic.Message);
        Assert.DoesNotContain("secret", ex.Diagnostic.Message);
    }

    [Fact]
    public async Task PushAsksForAPushScopedTokenEvenWithAPullTokenCached()
    {
        FakeRegistry registry = new();
        registry.RequireBearer();
        registry.AddImage("app", "1", new Platform("linux", "amd64"), "1654", MediaTypes.OciManifestV1, [1]);
        using RegistryClient client = new(registry.Options());
        await client.GetManifestAsync("registry.test", "app", "1", None);

        await client.PushManifestAsync("registry.test", "app", "v2", "{}"u8.ToArray(), MediaTypes.OciManifestV1, None);

        Assert.Equal(2, registry.TokensIssued);
        Assert.Contains(registry.Requests, r => r.Uri.Host == "auth.test" && r.Uri.Query.Contains("scope=repository%3Aapp%3Apull%2Cpush"));
    }

    [Fact]
    public async Task PushCredentialsFollowTheSdkOrder()
    {
        Dictionary<string, string> env = new()
        {
            ["DOTNET_CONTAINER_REGISTRY_UNAME"] = "generic",
            ["DOTNET_CONTAINER_REGISTRY_PWORD"] = "g",
            ["DOTNET_CONTAINER_PULL_REGISTRY_UNAME"] = "puller",
            ["DOTNET_CONTAINER_PULL_REGISTRY_PWORD"] = "p",
        };
        PushEnvironmentCredentialProvider provider = new(name => env.GetValueOrDefault(name));
        Assert.Equal("generic", (await provider.GetAsync("r.test", None))!.Username);

        env["DOTNET_CONTAINER_PUSH_REGISTRY_UNAME"] = "pusher";
        env["DOTNET_CONTAINER_PUSH_REGISTRY_PWORD"] = "q";
        RegistryCredential credential = (await provider.GetAsync("r.test", None))!;
        Assert.Equal(("pusher", "DOTNET_CONTAINER_PUSH_REGISTRY_UNAME"), (credential.Username, credential.Source));
    }

    [Fact]
    public async Task ManifestPutIsRetriedAfterA503()
    {
        FakeRegistry registry = new();
        int failures = 0;
        registry.Intercept(r => r.Method == HttpMethod.Put && failures++ == 0 ? FakeRegistry.Error(HttpStatusCode.ServiceUnavailable, "UNAVAILABLE") : null);
        using RegistryClient client = new(registry.Options());

        await client.PushManifestAsync("registry.test", "app", "v1", "{}"u8.ToArray(), MediaTypes.OciManifestV1, None);

        Assert.Equal(2, registry.CountRequests(r => r.Method == HttpMethod.Put));
    }

    [Fact]
    public async Task UploadStartIsNotRetried()
    {
        FakeRegistry registry = new();
        registry.Intercept(r => r.Method == HttpMethod.Post ? FakeRegistry.Error(HttpStatusCode.ServiceUnavailable, "UNAVAILABLE") : null);
        using RegistryClient client = new(registry.Options());

        await Assert.ThrowsAsync<SecureContainerException>(() => client.PushBlobAsync("registry.test", "app", "x"u8.ToArray(), "text/plain", None));

        Assert.Equal(1, registry.CountRequests(r => r.Method == HttpMethod.Post));
    }
    [Fact]
    public async Task ThePushProbeIsAskedOncePerRepository()
    {
        FakeRegistry registry = new();
        RegistryClient client = new(registry.Options());

        await client.ProbePushAsync("registry.test", "app", None);
        await client.ProbePushAsync("registry.test", "app", None);
        await client.ProbePushAsync("registry.test", "other", None);

        Assert.Equal(2, registry.CountRequests(r => r.Method == HttpMethod.Post));
        client.Dispose();
        Assert.Equal((2, 0), (registry.CancelledUploads, registry.OpenUploads));
    }

    [Fact]
    public async Task TheProbesUploadSessionCarriesTheNextUploadToThatRepository()
    {
        FakeRegistry registry = new();
        RegistryClient client = new(registry.Options());
        await client.ProbePushAsync("registry.test", "app", None);

        Descriptor pushed = await client.PushBlobAsync("registry.test", "app", "sbom"u8.ToArray(), "text/plain", None);
        await client.PushBlobAsync("registry.test", "app", "second"u8.ToArray(), "text/plain", None);
        client.Dispose();

        Assert.True(registry.HasBlob(pushed.Digest));
        // The probe's POST and the second upload's own: the first upload was one PUT.
        Assert.Equal(2, registry.CountRequests(r => r.Method == HttpMethod.Post));
        Assert.Equal((0, 0), (registry.CancelledUploads, registry.OpenUploads));
    }

    [Fact]
    public async Task AnUploadWhoseEarlySessionTheRegistryForgotOpensAFreshOne()
    {
        FakeRegistry registry = new();
        using RegistryClient client = new(registry.Options());
        await client.ProbePushAsync("registry.test", "app", None);
        registry.PurgeUploadSessions();

        Descriptor pushed = await client.PushBlobAsync("registry.test", "app", "sbom"u8.ToArray(), "text/plain", None);

        Assert.True(registry.HasBlob(pushed.Digest));
        Assert.Equal(2, registry.CountRequests(r => r.Method == HttpMethod.Post));
        Assert.Equal(2, registry.CountRequests(r => r.Method == HttpMethod.Put));
    }

    [Fact]
    public async Task AnEarlySessionIsOnlyUsedForItsOwnRepository()
    {
        FakeRegistry registry = new();
        RegistryClient client = new(registry.Options());
        await client.ProbePushAsync("registry.test", "app", None);

        await client.PushBlobAsync("registry.test", "other", "sbom"u8.ToArray(), "text/plain", None);
        client.Dispose();

        Assert.Equal(2, registry.CountRequests(r => r.Method == HttpMethod.Post));
        Assert.Equal((1, 0), (registry.CancelledUploads, registry.OpenUploads));
    }

    [Fact]
    public async Task APushProbeDenialIsTheSameAnswerASecondLater()
    {
        FakeRegistry registry = new();
        registry.RequireBearer();
        registry.PushCredentials = ("pusher", "secret-push");
        RegistryClientOptions options = registry.Options();
        options.PushCredentials = new FixedCredentials(new RegistryCredential("reader", "secret-read"));
        using RegistryClient client = new(options);

        SecureContainerException first = await Assert.ThrowsAsync<SecureContainerException>(() => client.ProbePushAsync("registry.test", "app", None));
        int posts = registry.CountRequests(r => r.Method == HttpMethod.Post);
        SecureContainerException again = await Assert.ThrowsAsync<SecureContainerException>(() => client.ProbePushAsync("registry.test", "app", None));

        Assert.Equal("SC3112", first.Diagnostic.Code);
        Assert.Same(first, again);
        Assert.Equal(posts, registry.CountRequests(r => r.Method == HttpMethod.Post));
    }

    [Fact]
    public async Task APushProbeThatMetAnOutageIsAskedAgain()
    {
        FakeRegistry registry = new();
        bool down = true;
        registry.Intercept(r => Volatile.Read(ref down) && r.Method == HttpMethod.Post ? FakeRegistry.Error(HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID") : null);
        using RegistryClient client = new(registry.Options());

        await client.ProbePushAsync("registry.test", "app", None);
        Volatile.Write(ref down, false);
        await client.ProbePushAsync("registry.test", "app", None);

        Assert.Equal(2, registry.CountRequests(r => r.Method == HttpMethod.Post));
        Assert.Equal(1, registry.OpenUploads);
    }

    [Fact]
    public async Task ConcurrentPushesOfOneBlobUploadItOnce()
    {
        // Distribution rewrites a blob's link in place when the blob is uploaded again, and refuses a manifest that checks
        // the blob meanwhile (DIGEST_INVALID): the evidence step's parts (SBOM, bundles) all push the empty config.
        FakeRegistry registry = new();
        byte[] content = Encoding.UTF8.GetBytes("{}");
        using ManualResetEventSlim release = new();
        int puts = 0;
        registry.Intercept(r =>
        {
            if (r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.Contains("/blobs/uploads/", StringComparison.Ordinal) && Interlocked.Increment(ref puts) == 1)
            {
                release.Wait(TimeSpan.FromSeconds(10)); // the first upload is under way while the second push is asked for
            }

            return null;
        });
        using RegistryClient client = new(registry.Options());

        Task<Descriptor> first = Task.Run(() => client.PushBlobAsync("registry.test", "app", content, "application/vnd.oci.empty.v1+json", None));
        SpinWait.SpinUntil(() => Volatile.Read(ref puts) == 1, TimeSpan.FromSeconds(10));
        Task<Descriptor> second = Task.Run(() => client.PushBlobAsync("registry.test", "app", content, "application/vnd.oci.empty.v1+json", None));
        // The second push either asks the registry (and then its HEAD is recorded) or joins the first upload.
        SpinWait.SpinUntil(() => second.IsCompleted || registry.CountRequests(r => r.Method == HttpMethod.Head) == 2, TimeSpan.FromSeconds(1));
        release.Set();
        Descriptor[] pushed = await Task.WhenAll(first, second);

        Assert.Equal(1, registry.BlobUploads);
        Assert.Equal(1, registry.CountRequests(r => r.Method == HttpMethod.Post));
        Assert.Equal(pushed[0], pushed[1]);
    }

    [Fact]
    public async Task ABlobPushedOnceIsNotAskedForAgainByTheSameClient()
    {
        FakeRegistry registry = new();
        byte[] content = Encoding.UTF8.GetBytes("{}");
        using RegistryClient client = new(registry.Options());

        await client.PushBlobAsync("registry.test", "app", content, "application/vnd.oci.empty.v1+json", None);
        int requests = registry.Requests.Count;
        Descriptor again = await client.PushBlobAsync("registry.test", "app", content, "application/json", None);

        Assert.Equal(requests, registry.Requests.Count);
        Assert.Equal("application/json", again.MediaType);
        // Another repository is another question.
        await client.PushBlobAsync("registry.test", "other", content, "application/vnd.oci.empty.v1+json", None);
        Assert.Equal(1, registry.CountRequests(r => r.Method == HttpMethod.Head && r.Uri.AbsolutePath.StartsWith("/v2/other/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AFailedBlobPushIsTriedAgainByTheNextPush()
    {
        FakeRegistry registry = new();
        bool down = true;
        registry.Intercept(r => Volatile.Read(ref down) && r.Method == HttpMethod.Post ? FakeRegistry.Error(HttpStatusCode.Forbidden, "DENIED") : null);
        byte[] content = Encoding.UTF8.GetBytes("{}");
        using RegistryClient client = new(registry.Options());

        await Assert.ThrowsAsync<SecureContainerException>(() => client.PushBlobAsync("registry.test", "app", content, "application/json", None));
        Volatile.Write(ref down, false);
        await client.PushBlobAsync("registry.test", "app", content, "application/json", None);

        Assert.Equal(1, registry.BlobUploads);
    }

    [Fact]
    public async Task AManifestRefusedWithDigestInvalidWhileItsBlobIsRewrittenIsPushedAgain()
    {
        // Another build uploading the same config makes Distribution refuse a manifest that checks it meanwhile.
        FakeRegistry registry = new();
        int puts = 0;
        registry.Intercept(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.Contains("/manifests/", StringComparison.Ordinal) && ++puts == 1
            ? FakeRegistry.Error(HttpStatusCode.BadRequest, "DIGEST_INVALID")
            : null);
        var delays = new List<TimeSpan>();
        using RegistryClient client = new(registry.Options(delays));
        byte[] manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}""");

        Digest pushed = await client.PushManifestAsync("registry.test", "app", Digest.Sha256(manifest).ToString(), manifest, MediaTypes.OciManifestV1, None);

        Assert.Equal(manifest, registry.ManifestAt("app", pushed.ToString()));
        Assert.Equal(2, puts);
        Assert.Single(delays);
    }

    [Fact]
    public async Task AManifestRefusedWithDigestInvalidEveryTimeIsReportedAfterAFewAttempts()
    {
        FakeRegistry registry = new() { RejectManifestsWith = "DIGEST_INVALID" };
        using RegistryClient client = new(registry.Options(new List<TimeSpan>()));
        byte[] manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}""");

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(() =>
            client.PushManifestAsync("registry.test", "app", "v1", manifest, MediaTypes.OciManifestV1, None));

        Assert.Equal("SC3114", ex.Diagnostic.Code);
        Assert.Contains("DIGEST_INVALID", ex.Message, StringComparison.Ordinal);
        Assert.Equal(RegistryManifests.PushAttempts, registry.CountRequests(r => r.Method == HttpMethod.Put));
    }

    [Fact]
    public async Task AManifestRefusedForAnotherReasonIsNotPushedAgain()
    {
        FakeRegistry registry = new() { RejectManifestsWith = "MANIFEST_INVALID" };
        using RegistryClient client = new(registry.Options(new List<TimeSpan>()));
        byte[] manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}""");

        await Assert.ThrowsAsync<SecureContainerException>(() =>
            client.PushManifestAsync("registry.test", "app", "v1", manifest, MediaTypes.OciManifestV1, None));

        Assert.Equal(1, registry.CountRequests(r => r.Method == HttpMethod.Put));
    }
}

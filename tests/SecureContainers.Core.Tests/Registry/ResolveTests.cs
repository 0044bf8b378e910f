using System.Net;
using System.Text;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

public class ResolveTests
{
    private static readonly Platform Amd64 = new("linux", "amd64");
    private static readonly Platform Arm64 = new("linux", "arm64", "v8");

    private static async Task<SecureContainerException> Fails(Func<Task> action) => await Assert.ThrowsAsync<SecureContainerException>(action);

    [Theory]
    [InlineData(MediaTypes.OciIndexV1, MediaTypes.OciManifestV1)]
    [InlineData(MediaTypes.DockerManifestListV2, MediaTypes.DockerManifestV2)]
    public async Task IndexResolvesToThePlatformsManifest(string indexType, string manifestType)
    {
        FakeRegistry registry = new();
        var amd = registry.AddImage("dotnet/aspnet", null, Amd64, "1654", manifestType, [1, 2, 3]);
        var arm = registry.AddImage("dotnet/aspnet", null, Arm64, "app", manifestType, [4, 5]);
        Digest indexDigest = registry.AddIndex("dotnet/aspnet", "10.0", indexType, amd, arm);
        using RegistryClient client = new(registry.Options());

        ResolvedImage image = await client.ResolveAsync(ImageReference.Parse("registry.test/dotnet/aspnet:10.0"), Platform.FromRuntimeIdentifier("linux-arm64"), CancellationToken.None);

        Assert.Equal(arm.Digest, image.ManifestDigest);
        Assert.Equal(indexDigest, image.IndexDigest);
        Assert.Equal(manifestType, image.ManifestMediaType);
        Assert.Equal("app", image.Configuration.User);
        Assert.Equal(arm.Layers, image.Layers);
        Assert.Equal(arm.Config.Digest, image.Config.Digest);
        Assert.Equal(Arm64, image.Platform);
        Assert.True(image.Config.Digest.Matches(image.ConfigBytes));
        Assert.All(registry.Requests.Where(r => r.Uri.AbsolutePath.Contains("/manifests/")),
            r => Assert.Equal(MediaTypes.AllManifests.OrderBy(x => x), r.Accept.OrderBy(x => x)));
    }

    [Fact]
    public async Task SingleManifestIsCheckedAgainstThePlatform()
    {
        FakeRegistry registry = new();
        var img = registry.AddImage("app", "1", Amd64);
        using RegistryClient client = new(registry.Options());

        ResolvedImage ok = await client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Amd64, CancellationToken.None);
        Assert.Equal(img.Digest, ok.ManifestDigest);
        Assert.Null(ok.IndexDigest);

        SecureContainerException ex = await Fails(() => client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Arm64, CancellationToken.None));
        Assert.Equal("SC3105", ex.Diagnostic.Code);
    }

    [Fact]
    public async Task MissingPlatformListsWhatTheIndexHas()
    {
        FakeRegistry registry = new();
        var amd = registry.AddImage("app", null, Amd64);
        var arm = registry.AddImage("app", null, new Platform("linux", "arm", "v7"));
        registry.AddIndex("app", "1", MediaTypes.OciIndexV1, amd, arm);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Fails(() => client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Arm64, CancellationToken.None));

        Assert.Equal("SC3104", ex.Diagnostic.Code);
        Assert.Contains("linux/amd64, linux/arm/v7", ex.Message);
        Assert.Contains("registry.test/app:1", ex.Message);
        Assert.Contains("ContainerRuntimeIdentifier", ex.Message);
    }

    [Fact]
    public async Task PinnedDigestMustMatchTheServedManifest()
    {
        FakeRegistry registry = new();
        var img = registry.AddImage("app", "1", Amd64);
        var other = registry.AddImage("app", "2", Amd64, "0");
        registry.ServeManifestAs("app", img.Digest.ToString(), other.ManifestBytes, MediaTypes.OciManifestV1);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Fails(() => client.ResolveAsync(ImageReference.Parse($"registry.test/app@{img.Digest}"), Amd64, CancellationToken.None));

        Assert.Equal("SC3106", ex.Diagnostic.Code);
    }

    [Fact]
    public async Task DockerContentDigestThatDisagreesIsRefused()
    {
        FakeRegistry registry = new() { DigestHeaderOverride = "sha256:" + new string('a', 64) };
        registry.AddImage("app", "1", Amd64);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Fails(() => client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Amd64, CancellationToken.None));

        Assert.Equal("SC3106", ex.Diagnostic.Code);
        Assert.Contains("Docker-Content-Digest", ex.Message);
    }

    [Fact]
    public async Task TamperedConfigIsRefused()
    {
        FakeRegistry registry = new();
        var img = registry.AddImage("app", "1", Amd64);
        byte[] evil = FakeRegistry.ConfigJson(Amd64, "0");
        registry.TamperBlob(img.Config.Digest, evil.Length == img.Config.Size ? evil : FakeRegistry.ConfigJson(Amd64, "1655"));
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Fails(() => client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Amd64, CancellationToken.None));

        Assert.Equal("SC3106", ex.Diagnostic.Code);
        Assert.Contains("config blob", ex.Message);
    }

    [Fact]
    public async Task TamperedBlobFailsWhenTheStreamEnds()
    {
        FakeRegistry registry = new();
        var img = registry.AddImage("app", "1", Amd64, "1654", MediaTypes.OciManifestV1, [1, 2, 3, 4]);
        Descriptor layer = img.Layers[0];
        registry.TamperBlob(layer.Digest, [9, 9, 9, 9]);
        using RegistryClient client = new(registry.Options());

        await using DigestVerifyingStream stream = await client.OpenBlobAsync("registry.test", "app", layer, CancellationToken.None);
        DigestMismatchException ex = await Assert.ThrowsAsync<DigestMismatchException>(() => stream.DrainAsync(CancellationToken.None));

        Diagnostic d = RegistryClient.ToDiagnostic(ex);
        Assert.Equal("SC3106", d.Code);
        Assert.Contains("registry.test/app", d.Message);
    }

    [Fact]
    public async Task IntactBlobStreamsAndVerifies()
    {
        FakeRegistry registry = new();
        byte[] content = Encoding.UTF8.GetBytes(new string('x', 100_000));
        var img = registry.AddImage("app", "1", Amd64, "1654", MediaTypes.OciManifestV1, content);
        using RegistryClient client = new(registry.Options());

        await using DigestVerifyingStream stream = await client.OpenBlobAsync("registry.test", "app", img.Layers[0], CancellationToken.None);
        using MemoryStream copy = new();
        await stream.CopyToAsync(copy);

        Assert.Equal(content, copy.ToArray());
        Assert.True(stream.IsVerified);
    }

    [Fact]
    public async Task OversizeManifestIsRejectedFromContentLengthWithoutReadingTheBody()
    {
        FakeRegistry registry = new();
        UnreadableContent body = new(RegistryClientOptions.DefaultMaxDocumentBytes + 1);
        registry.Intercept(r => r.RequestUri!.AbsolutePath.Contains("/manifests/")
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = body }
            : null);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Fails(() => client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Amd64, CancellationToken.None));

        Assert.Equal("SC3107", ex.Diagnostic.Code);
        Assert.False(body.WasRead);
    }

    [Fact]
    public async Task OversizeManifestWithoutContentLengthStopsAtTheCap()
    {
        FakeRegistry registry = new();
        registry.Intercept(r => r.RequestUri!.AbsolutePath.Contains("/manifests/")
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new EndlessStream()) }
            : null);
        RegistryClientOptions options = registry.Options();
        options.MaxDocumentBytes = 64 * 1024;
        using RegistryClient client = new(options);

        SecureContainerException ex = await Fails(() => client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Amd64, CancellationToken.None));

        Assert.Equal("SC3107", ex.Diagnostic.Code);
    }

    [Fact]
    public async Task OversizeConfigDescriptorIsRejectedBeforeFetching()
    {
        FakeRegistry registry = new();
        Descriptor config = new(MediaTypes.OciConfigV1, Digest.Sha256([1]), 5 * 1024 * 1024);
        registry.AddManifest("app", "1", FakeRegistry.ManifestJson(MediaTypes.OciManifestV1, config, []), MediaTypes.OciManifestV1);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Fails(() => client.ResolveAsync(ImageReference.Parse("registry.test/app:1"), Amd64, CancellationToken.None));

        Assert.Equal("SC3107", ex.Diagnostic.Code);
        Assert.Equal(0, registry.CountRequests(r => r.Uri.AbsolutePath.Contains("/blobs/")));
    }

    [Fact]
    public async Task UnknownTagIsNotFound()
    {
        FakeRegistry registry = new();
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Fails(() => client.ResolveAsync(ImageReference.Parse("registry.test/app:nope"), Amd64, CancellationToken.None));

        Assert.Equal("SC3102", ex.Diagnostic.Code);
        Assert.Contains("MANIFEST_UNKNOWN", ex.Message);
        Assert.Contains("registry.test/app:nope", ex.Message);
    }

    [Fact]
    public async Task SchemaOneManifestIsUnsupported()
    {
        FakeRegistry registry = new();
        registry.ServeManifestAs("app", "old", """{"schemaVersion":1,"name":"app","fsLayers":[]}"""u8.ToArray(), "application/vnd.docker.distribution.manifest.v1+prettyjws");
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Fails(() => client.ResolveAsync(ImageReference.Parse("registry.test/app:old"), Amd64, CancellationToken.None));

        Assert.Equal("SC3005", ex.Diagnostic.Code);
    }

    [Fact]
    public async Task MalformedManifestIsSC3003()
    {
        FakeRegistry registry = new();
        registry.ServeManifestAs("app", "bad", "{not json"u8.ToArray(), MediaTypes.OciManifestV1);
        using RegistryClient client = new(registry.Options());

        SecureContainerException ex = await Fails(() => client.ResolveAsync(ImageReference.Parse("registry.test/app:bad"), Amd64, CancellationToken.None));

        Assert.Equal("SC3003", ex.Diagnostic.Code);
    }

    [Fact]
    public async Task GetManifestReturnsVerifiedBytes()
    {
        FakeRegistry registry = new();
        var img = registry.AddImage("app", "1", Amd64);
        using RegistryClient client = new(registry.Options());

        var (digest, mediaType, bytes) = await client.GetManifestAsync("registry.test", "app", "1", CancellationToken.None);
        var byDigest = await client.GetManifestAsync("registry.test", "app", img.Digest.ToString(), CancellationToken.None);

        Assert.Equal(img.Digest, digest);
        Assert.Equal(MediaTypes.OciManifestV1, mediaType);
        Assert.Equal(img.ManifestBytes, bytes);
        Assert.Equal(img.Digest, byDigest.Digest);
    }

    [Fact]
    public async Task DockerHubIsReachedThroughRegistry1()
    {
        FakeRegistry registry = new("registry-1.docker.io");
        registry.AddImage("library/alpine", "3", Amd64);
        using RegistryClient client = new(registry.Options());

        ResolvedImage image = await client.ResolveAsync(ImageReference.Parse("alpine:3"), Amd64, CancellationToken.None);

        Assert.Equal("docker.io", image.Reference.Registry);
        Assert.All(registry.Requests, r => Assert.Equal("registry-1.docker.io", r.Uri.Host));
    }

    /// <summary>Announces a length and fails the test if anyone reads it.</summary>
    private sealed class UnreadableContent(long length) : HttpContent
    {
        public bool WasRead { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            WasRead = true;
            return Task.CompletedTask;
        }

        protected override Task<Stream> CreateContentReadStreamAsync()
        {
            WasRead = true;
            return Task.FromResult<Stream>(new MemoryStream());
        }

        protected override bool TryComputeLength(out long l)
        {
            l = length;
            return true;
        }
    }

    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)' ', offset, count);
            return count;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

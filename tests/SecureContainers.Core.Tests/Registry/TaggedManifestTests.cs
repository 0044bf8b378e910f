using System.Text;
using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

public class TaggedManifestTests
{
    private const string SimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json";
    private const string Tag = "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.sig";
    private static readonly CancellationToken None = CancellationToken.None;

    private static ArtifactLayer Signature(string payload, string signature) =>
        new(Encoding.UTF8.GetBytes(payload), SimpleSigning, new Dictionary<string, string> { ["dev.cosignproject.cosign/signature"] = signature });

    private static JsonElement Manifest(FakeRegistry registry)
    {
        using JsonDocument doc = JsonDocument.Parse(registry.ManifestAt("app", Tag)!);
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task FirstSignatureCreatesAnOciManifestWithACosignConfig()
    {
        FakeRegistry registry = new();
        using RegistryClient client = new(registry.Options());

        Digest digest = await client.AppendLayersToTaggedManifestAsync("registry.test", "app", Tag, [Signature("p1", "s1")], null, None);

        JsonElement manifest = Manifest(registry);
        Assert.Equal(Digest.Sha256(registry.ManifestAt("app", Tag)!), digest);
        Assert.Equal(MediaTypes.OciManifestV1, manifest.GetProperty("mediaType").GetString());
        Assert.Equal(MediaTypes.OciConfigV1, manifest.GetProperty("config").GetProperty("mediaType").GetString());
        Digest layer = Digest.Sha256("p1"u8);
        string expectedConfig = $$$"""{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["{{{layer}}}"]},"config":{}}""";
        Assert.Equal(Digest.Sha256(Encoding.UTF8.GetBytes(expectedConfig)).ToString(), manifest.GetProperty("config").GetProperty("digest").GetString());
    }

    [Fact]
    public async Task TheTagIsReadWhileTheLayersUploadNotAfter()
    {
        FakeRegistry registry = new();
        using RegistryClient client = new(registry.Options());
        // The layer's upload (the first one) is answered only once the tag has been asked for, or after five seconds.
        using ManualResetEventSlim tagRead = new();
        bool readDuringUpload = false;
        int uploads = 0;
        registry.Intercept(r =>
        {
            if (r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath == $"/v2/app/manifests/{Tag}")
            {
                tagRead.Set();
            }
            else if (r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.Contains("/blobs/uploads/", StringComparison.Ordinal) && Interlocked.Increment(ref uploads) == 1)
            {
                readDuringUpload = tagRead.Wait(TimeSpan.FromSeconds(5));
            }

            return null;
        });

        await client.AppendLayersToTaggedManifestAsync("registry.test", "app", Tag, [Signature("p1", "s1")], null, None);

        Assert.True(readDuringUpload);
        // Read alongside the uploads (for the config), once more after them to update, once back, once after the settling pause.
        Assert.Equal(4, registry.CountRequests(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath == $"/v2/app/manifests/{Tag}"));
    }

    [Fact]
    public async Task TheConfigUploadsWhileTheLayersUpload()
    {
        // The config names every layer the manifest will hold: what the early read found plus ours. It goes up beside the
        // layers, so the write after them is one manifest PUT and the settling pause that follows it is the shortest.
        FakeRegistry registry = new();
        using RegistryClient client = new(registry.Options());
        Digest config = Digest.Sha256(RegistryDocuments.CosignConfig([Digest.Sha256("p1"u8)]));
        using ManualResetEventSlim configAskedFor = new();
        bool configDuringUpload = false;
        registry.Intercept(r =>
        {
            if (r.RequestUri!.AbsolutePath.EndsWith($"/blobs/{config}", StringComparison.Ordinal))
            {
                configAskedFor.Set();
            }
            else if (r.Method == HttpMethod.Put && Uri.UnescapeDataString(r.RequestUri.Query).Contains(Digest.Sha256("p1"u8).ToString(), StringComparison.Ordinal))
            {
                configDuringUpload = configAskedFor.Wait(TimeSpan.FromSeconds(5));
            }

            return null;
        });

        await client.AppendLayersToTaggedManifestAsync("registry.test", "app", Tag, [Signature("p1", "s1")], null, None);

        Assert.True(configDuringUpload);
        Assert.True(registry.HasBlob(config));
        Assert.Equal(config.ToString(), Manifest(registry).GetProperty("config").GetProperty("digest").GetString());
        Assert.Equal(1, registry.CountRequests(r => r.Method == HttpMethod.Head && r.Uri.AbsolutePath.EndsWith($"/blobs/{config}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AppendingKeepsExistingLayersAndSkipsDuplicates()
    {
        FakeRegistry registry = new();
        using RegistryClient client = new(registry.Options());
        await client.AppendLayersToTaggedManifestAsync("registry.test", "app", Tag, [Signature("p1", "s1")], null, None);
        string firstLayer = Manifest(registry).GetProperty("layers")[0].GetRawText();

        await client.AppendLayersToTaggedManifestAsync("registry.test", "app", Tag, [Signature("p1", "s1"), Signature("p1", "s2")], null, None);

        JsonElement[] layers = Manifest(registry).GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(2, layers.Length);
        Assert.Equal(firstLayer, layers[0].GetRawText());
        Assert.Equal("s2", layers[1].GetProperty("annotations").GetProperty("dev.cosignproject.cosign/signature").GetString());
    }

    [Fact]
    public async Task ACallerDefinedDuplicateIsNotAppended()
    {
        FakeRegistry registry = new();
        using RegistryClient client = new(registry.Options());
        await client.AppendLayersToTaggedManifestAsync("registry.test", "app", Tag, [Signature("p1", "s1")], null, None);
        Digest before = Digest.Sha256(registry.ManifestAt("app", Tag)!);

        Digest after = await client.AppendLayersToTaggedManifestAsync("registry.test", "app", Tag, [Signature("p1", "s1-again")], (existing, added) => existing.Digest == added.Digest, None);

        Assert.Equal(before, after);
        Assert.Single(Manifest(registry).GetProperty("layers").EnumerateArray());
    }

    [Fact]
    public async Task ADockerSignatureManifestKeepsItsMediaTypesAndForeignLayers()
    {
        FakeRegistry registry = new();
        Descriptor oldConfig = registry.AddBlob("{}"u8.ToArray(), MediaTypes.DockerContainerConfigV1);
        const string foreignLayer = """{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":2,"digest":"sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd","annotations":{"dev.sigstore.cosign/bundle":"{}"}}""";
        string existing = $$"""{"schemaVersion":2,"mediaType":"{{MediaTypes.DockerManifestV2}}","config":{"mediaType":"{{oldConfig.MediaType}}","size":2,"digest":"{{oldConfig.Digest}}"},"layers":[{{foreignLayer}}]}""";
        registry.ServeManifestAs("app", Tag, Encoding.UTF8.GetBytes(existing), MediaTypes.DockerManifestV2);
        using RegistryClient client = new(registry.Options());

        await client.AppendLayersToTaggedManifestAsync("registry.test", "app", Tag, [Signature("p2", "s2")], null, None);

        JsonElement manifest = Manifest(registry);
        Assert.Equal(MediaTypes.DockerManifestV2, manifest.GetProperty("mediaType").GetString());
        Assert.Equal(MediaTypes.DockerContainerConfigV1, manifest.GetProperty("config").GetProperty("mediaType").GetString());
        Assert.Equal(foreignLayer, manifest.GetProperty("layers")[0].GetRawText());
        Assert.Equal(2, manifest.GetProperty("layers").GetArrayLength());
    }
}

using System.IO.Compression;
using System.Text;
using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>A key made by `securecontainers keygen`, with its password as CI would hold it: in an environment variable.</summary>
public sealed class SigningKeys : IAsyncLifetime
{
    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N");

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("sc-e2e-keys-").FullName;

    public string PrivateKey => Path.Combine(Directory, "securecontainers.key");

    public string PublicKey => Path.Combine(Directory, "securecontainers.pub");

    public string OtherPublicKey => Path.Combine(Directory, "other", "securecontainers.pub");

    public Dictionary<string, string?> Environment => new() { ["SECURECONTAINERS_KEY_PASSWORD"] = Password };

    public async Task InitializeAsync()
    {
        ProcessResult ours = await CliTool.RunAsync(["keygen", "--output", Directory], Environment);
        Assert.True(ours.Succeeded, ours.Output);
        ProcessResult other = await CliTool.RunAsync(["keygen", "--output", Path.Combine(Directory, "other")], new Dictionary<string, string?> { ["SECURECONTAINERS_KEY_PASSWORD"] = "another-password" });
        Assert.True(other.Succeeded, other.Output);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>Signing and attestation in real publishes, checked by our verify command and independently by openssl.</summary>
[Collection(EndToEndCollection.Name)]
public class SigningTests(SigningKeys keys) : IClassFixture<SigningKeys>
{
    private string[] Push(string repository, params string[] extra) =>
    [
        $"ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")}",
        $"ContainerRegistry={TestBed.Registry}",
        $"ContainerRepository={repository}",
        "ContainerImageTag=1.0",
        .. extra,
    ];

    private static string[] ScCodes(IEnumerable<string> codes) => codes.Where(c => c.StartsWith("SC", StringComparison.Ordinal)).Order().ToArray();

    private static SampleWorkspace SignedSample(string repository) => SampleWorkspace.Create("AspNetApi", repository.Replace('/', '-'));

    private Task<PublishResult> PublishSignedAsync(SampleWorkspace sample, string repository, params string[] extra) =>
        sample.PublishAsync(Push(repository, [$"SecureContainerSigningKey={keys.PrivateKey}", .. extra]), keys.Environment);

    [Fact]
    public async Task SignedImageVerifiesWithSbomAndProvenanceAndOpensslAgrees()
    {
        using SampleWorkspace signed = SignedSample("e2e/signed");
        PublishResult result = await PublishSignedAsync(signed, "e2e/signed");
        Assert.True(result.Succeeded, result.ToString());
        Assert.DoesNotContain("SC6031", result.Warnings);

        ProcessResult verify = await CliTool.RunAsync(["verify", $"{TestBed.Registry}/e2e/signed:1.0", "--key", keys.PublicKey, "--require-sbom", "--require-provenance", "--output", "json"]);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("https://cyclonedx.org/bom", verify.Output);
        Assert.Contains("https://slsa.dev/provenance/v1", verify.Output);

        // Independently: the cosign simple-signing payload and its DER signature, as stored, verify with openssl.
        string digest = (await RegistryProbe.ManifestAsync("e2e/signed", "1.0"))!.Value.Digest;
        var signatures = await RegistryProbe.ManifestAsync("e2e/signed", $"sha256-{digest["sha256:".Length..]}.sig");
        JsonElement layer = signatures!.Value.Json.RootElement.GetProperty("layers")[0];
        Assert.Equal("application/vnd.dev.cosign.simplesigning.v1+json", layer.GetProperty("mediaType").GetString());
        byte[] payload = await RegistryProbe.BlobAsync("e2e/signed", layer.GetProperty("digest").GetString()!);
        byte[] signature = Convert.FromBase64String(layer.GetProperty("annotations").GetProperty("dev.cosignproject.cosign/signature").GetString()!);
        using JsonDocument simpleSigning = JsonDocument.Parse(payload);
        JsonElement critical = simpleSigning.RootElement.GetProperty("critical");
        Assert.Equal(digest, critical.GetProperty("image").GetProperty("docker-manifest-digest").GetString());
        Assert.Equal($"{TestBed.Registry}/e2e/signed", critical.GetProperty("identity").GetProperty("docker-reference").GetString());
        Assert.Equal("cosign container image signature", critical.GetProperty("type").GetString());
        Assert.True(await OpenSsl.VerifyAsync(keys.PublicKey, payload, signature));

        // Each DSSE envelope: PAE rebuilt here from the spec, checked by openssl; the statement's subject is the digest.
        var attestations = await RegistryProbe.ManifestAsync("e2e/signed", $"sha256-{digest["sha256:".Length..]}.att");
        HashSet<string> predicateTypes = new();
        foreach (JsonElement envelopeLayer in attestations!.Value.Json.RootElement.GetProperty("layers").EnumerateArray())
        {
            Assert.Equal("application/vnd.dsse.envelope.v1+json", envelopeLayer.GetProperty("mediaType").GetString());
            using JsonDocument envelope = JsonDocument.Parse(await RegistryProbe.BlobAsync("e2e/signed", envelopeLayer.GetProperty("digest").GetString()!));
            string payloadType = envelope.RootElement.GetProperty("payloadType").GetString()!;
            byte[] body = Convert.FromBase64String(envelope.RootElement.GetProperty("payload").GetString()!);
            byte[] pae = [.. Encoding.UTF8.GetBytes($"DSSEv1 {Encoding.UTF8.GetByteCount(payloadType)} {payloadType} {body.Length} "), .. body];
            byte[] sig = Convert.FromBase64String(envelope.RootElement.GetProperty("signatures")[0].GetProperty("sig").GetString()!);
            Assert.True(await OpenSsl.VerifyAsync(keys.PublicKey, pae, sig));

            using JsonDocument statement = JsonDocument.Parse(body);
            Assert.Equal(digest["sha256:".Length..], statement.RootElement.GetProperty("subject")[0].GetProperty("digest").GetProperty("sha256").GetString());
            predicateTypes.Add(statement.RootElement.GetProperty("predicateType").GetString()!);
            Assert.Equal(statement.RootElement.GetProperty("predicateType").GetString(), envelopeLayer.GetProperty("annotations").GetProperty("predicateType").GetString());
        }

        Assert.Equal(["https://cyclonedx.org/bom", "https://slsa.dev/provenance/v1"], predicateTypes.Order());
        signed.Succeeded();
    }

    [Fact]
    public async Task AnotherKeyDoesNotVerifyTheImage()
    {
        using SampleWorkspace signed = SignedSample("e2e/signed-other");
        PublishResult result = await PublishSignedAsync(signed, "e2e/signed-other");
        Assert.True(result.Succeeded, result.ToString());

        ProcessResult verify = await CliTool.RunAsync(["verify", $"{TestBed.Registry}/e2e/signed-other:1.0", "--key", keys.OtherPublicKey]);
        Assert.Equal(1, verify.ExitCode);

        // Signed in both formats (the default), the bundles are what verify reads (cosign's "bundles win").
        Assert.Contains("SC6071", verify.Output);
        signed.Succeeded();
    }

    [Fact]
    public async Task WrongPasswordFailsBeforeAnythingIsPushed()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "wrong-password");
        PublishResult result = await sample.PublishAsync(
            Push("e2e/wrong-password", $"SecureContainerSigningKey={keys.PrivateKey}"),
            new Dictionary<string, string?> { ["SECURECONTAINERS_KEY_PASSWORD"] = "not-the-password" });

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal(["SC6004"], ScCodes(result.Errors));
        Assert.DoesNotContain("not-the-password", result.Output);
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/wrong-password"));
        sample.Succeeded();
    }

    [Fact]
    public async Task MissingKeyFileFailsBeforeAnythingIsPushed()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "missing-key");
        PublishResult result = await sample.PublishAsync(Push("e2e/missing-key", $"SecureContainerSigningKey={Path.Combine(keys.Directory, "nope.key")}"), keys.Environment);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal(["SC6001"], ScCodes(result.Errors));
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/missing-key"));
        sample.Succeeded();
    }

    [Fact]
    public async Task RestrictedRequiresAKeyAndARealTag()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "restricted-unsigned");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={Fixtures.Pinned("aspnet")}",
            $"ContainerRegistry={TestBed.Registry}",
            "ContainerRepository=e2e/restricted-unsigned",
            "SecureContainerProfile=Restricted",
        ]);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal(["SC6030", "SC6032"], ScCodes(result.Errors));
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/restricted-unsigned"));
        sample.Succeeded();
    }

    [Fact]
    public async Task BaselineWarnsOnceThatAMultiPlatformImageIsUnsigned()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "unsigned-multi");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("multi:10.0")}",
            $"ContainerRegistry={TestBed.Registry}",
            "ContainerRepository=e2e/unsigned-multi",
            "ContainerImageTag=1.0",
            "RuntimeIdentifiers=\"linux-x64;win-x64\"",
        ]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Single(result.Output.Split('\n'), l => l.Contains("warning SC6031", StringComparison.Ordinal));
        sample.Succeeded();
    }

    [Fact]
    public async Task MultiPlatformImageHasItsIndexAndEveryManifestSigned()
    {
        using SampleWorkspace signed = SignedSample("e2e/signed-multi");
        PublishResult result = await PublishSignedAsync(signed, "e2e/signed-multi", $"ContainerBaseImage={TestBed.BaseImage("multi:10.0")}", "RuntimeIdentifiers=\"linux-x64;win-x64\"");
        Assert.True(result.Succeeded, result.ToString());

        ProcessResult index = await CliTool.RunAsync(["verify", $"{TestBed.Registry}/e2e/signed-multi:1.0", "--key", keys.PublicKey, "--require-provenance"]);
        Assert.True(index.ExitCode == 0, index.Output);
        foreach (string platform in new[] { "linux/amd64", "windows/amd64" })
        {
            ProcessResult manifest = await CliTool.RunAsync(["verify", $"{TestBed.Registry}/e2e/signed-multi:1.0", "--platform", platform, "--key", keys.PublicKey, "--require-sbom", "--require-provenance"]);
            Assert.True(manifest.ExitCode == 0, manifest.Output);
        }

        signed.Succeeded();
    }

    [Fact]
    public async Task KeyPasswordAppearsInNoLogBinlogSbomOrImage()
    {
        using SampleWorkspace sample = SignedSample("e2e/no-leak");
        PublishResult result = await PublishSignedAsync(sample, "e2e/no-leak");
        Assert.True(result.Succeeded, result.ToString());

        // A diagnostic-verbosity build on top, the most a user or CI would log.
        PublishResult diag = await sample.PublishAsync(Push("e2e/no-leak", $"SecureContainerSigningKey={keys.PrivateKey}"), keys.Environment, verbosity: "diag");
        Assert.True(diag.Succeeded, diag.ToString());

        byte[] secret = Encoding.UTF8.GetBytes(keys.Password);
        Assert.DoesNotContain(keys.Password, result.Output + diag.Output);
        foreach (string binlog in new[] { result.BinaryLog, diag.BinaryLog })
        {
            using GZipStream gzip = new(File.OpenRead(binlog), CompressionMode.Decompress);
            using MemoryStream raw = new();
            await gzip.CopyToAsync(raw);
            Assert.False(Contains(raw.ToArray(), secret), $"password found in {binlog}");
            Assert.False(Contains(raw.ToArray(), Encoding.Unicode.GetBytes(keys.Password)), $"password (UTF-16) found in {binlog}");
        }

        foreach (string sbom in Directory.GetFiles(Path.Combine(sample.Directory, "bin"), "*.cdx.json", SearchOption.AllDirectories))
        {
            Assert.False(Contains(File.ReadAllBytes(sbom), secret), $"password found in {sbom}");
        }

        var manifest = await RegistryProbe.ManifestAsync("e2e/no-leak", "1.0");
        JsonElement root = manifest!.Value.Json.RootElement;
        foreach (string blob in root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).Append(root.GetProperty("config").GetProperty("digest").GetString()!))
        {
            byte[] bytes = await RegistryProbe.BlobAsync("e2e/no-leak", blob);
            byte[] content = blob == root.GetProperty("config").GetProperty("digest").GetString() ? bytes : Gunzip(bytes);
            Assert.False(Contains(content, secret), $"password found in blob {blob}");
        }

        sample.Succeeded();
    }

    [Fact]
    public async Task BaseImageSignatureIsVerifiedBeforeBuilding()
    {
        using SampleWorkspace signed = SignedSample("e2e/signed-base");
        PublishResult signedBase = await PublishSignedAsync(signed, "e2e/signed-base");
        Assert.True(signedBase.Succeeded, signedBase.ToString());
        string baseImage = $"{TestBed.Registry}/e2e/signed-base:1.0";

        using SampleWorkspace good = SampleWorkspace.Create("ConsoleWorker", "verified-base", alsoTrusted: $"{TestBed.Registry}/e2e/*");
        PublishResult ok = await good.PublishAsync(
            [$"ContainerBaseImage={baseImage}", $"ContainerRegistry={TestBed.Registry}", "ContainerRepository=e2e/on-verified-base", "ContainerImageTag=1.0", $"SecureContainerVerifyBaseImageKey={keys.PublicKey}"]);
        Assert.True(ok.Succeeded, ok.ToString());

        using SampleWorkspace bad = SampleWorkspace.Create("ConsoleWorker", "unverified-base", alsoTrusted: $"{TestBed.Registry}/e2e/*");
        PublishResult refused = await bad.PublishAsync(
            [$"ContainerBaseImage={baseImage}", $"ContainerRegistry={TestBed.Registry}", "ContainerRepository=e2e/on-unverified-base", "ContainerImageTag=1.0", $"SecureContainerVerifyBaseImageKey={keys.OtherPublicKey}"]);
        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Equal(["SC6033"], ScCodes(refused.Errors));
        Assert.Empty(await RegistryProbe.TagsAsync("e2e/on-unverified-base"));
        signed.Succeeded();
        good.Succeeded();
        bad.Succeeded();
    }

    [Fact]
    public async Task SourceLabelsNameTheRepositoryWithoutItsCredentials()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "source-labels");
        foreach (string[] git in new[]
        {
            new[] { "init", "-q" },
            new[] { "remote", "add", "origin", "https://builder:ghp_notarealtoken1234567890abcdefghijklmn@example.com/acme/shop.git" },
            new[] { "-c", "user.email=e2e@example.com", "-c", "user.name=e2e", "commit", "-q", "--allow-empty", "-m", "e2e" },
        })
        {
            Assert.True((await ProcessRunner.RunAsync("git", git, sample.Directory)).Succeeded);
        }

        string commit = (await ProcessRunner.RunAsync("git", ["rev-parse", "HEAD"], sample.Directory)).Output.Trim();
        PublishResult result = await sample.PublishAsync(Push("e2e/source-labels"));
        Assert.True(result.Succeeded, result.ToString());

        var manifest = await RegistryProbe.ManifestAsync("e2e/source-labels", "1.0");
        byte[] config = await RegistryProbe.BlobAsync("e2e/source-labels", manifest!.Value.Json.RootElement.GetProperty("config").GetProperty("digest").GetString()!);
        using JsonDocument doc = JsonDocument.Parse(config);
        JsonElement labels = doc.RootElement.GetProperty("config").GetProperty("Labels");
        Assert.Equal("https://example.com/acme/shop", labels.GetProperty("org.opencontainers.image.source").GetString());
        Assert.Equal(commit, labels.GetProperty("org.opencontainers.image.revision").GetString());
        Assert.DoesNotContain("ghp_notarealtoken", Encoding.UTF8.GetString(config));
        sample.Succeeded();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static byte[] Gunzip(byte[] bytes)
    {
        using GZipStream gzip = new(new MemoryStream(bytes), CompressionMode.Decompress);
        using MemoryStream raw = new();
        gzip.CopyTo(raw);
        return raw.ToArray();
    }
}

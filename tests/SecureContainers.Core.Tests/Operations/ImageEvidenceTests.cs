using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Operations;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Provenance;
using SecureContainers.Core.Tests.Layers;
using FakeRegistry = SecureContainers.TestUtilities.Registry.FakeRegistry;

namespace SecureContainers.Core.Tests.Operations;

/// <summary>
/// The evidence operation after the SDK pushed: the second look at the built image, the SBOM kept when the registry
/// will not take it, and signing that fails after the push saying what exists and the command that completes it.
/// </summary>
public sealed class ImageEvidenceTests : IDisposable
{
    private const string Password = "evidence-test-password";
    private static readonly Platform Amd64 = new("linux", "amd64");

    private readonly FakeRegistry _registry = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("sc-evidence-").FullName;
    private readonly FakeRegistry.FakeImage _base;
    private readonly FakeRegistry.FakeImage _app;

    public ImageEvidenceTests()
    {
        _base = _registry.AddImage("base/aspnet", "10.0", Amd64, layers: new TestLayer().Dir("etc").File("etc/passwd", "app:x:1654:1654::/:/x\n").Build().Bytes);
        _app = _registry.AddImage("app", "1.0", Amd64, layers: [new TestLayer().Dir("app").File("app/app.dll", "app").Build().Bytes]);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string SbomFile => Path.Combine(_dir, "sbom", "app-linux-x64.cdx.json");

    private SecureContainerSettings Settings(params (string Name, string? Value)[] properties)
    {
        Dictionary<string, string?> all = new(StringComparer.OrdinalIgnoreCase)
        {
            [SettingNames.CacheDirectory] = Path.Combine(_dir, "cache"),
            [SettingNames.SourceDateEpoch] = "1700000000",
        };
        foreach ((string name, string? value) in properties)
        {
            all[name] = value;
        }

        DiagnosticBag bag = new();
        SecureContainerSettings settings = SettingsReader.Read(new RawSettings { Properties = all, TrustedBaseImages = [new RawItem($"{_registry.Host}/base/*")] }, bag);
        Assert.DoesNotContain(bag.Items, d => d.Severity == DiagnosticSeverity.Error);
        return settings;
    }

    /// <summary>The check as the evidence step receives it: run for real against the same registry.</summary>
    private async Task<PrePushResult> CheckAsync(SecureContainerSettings settings)
    {
        using RegistryClient client = new(_registry.Options());
        PrePushResult result = await new PrePushCheck(client, new DiagnosticBag()).RunAsync(new PrePushRequest
        {
            Settings = settings,
            BaseImage = ImageReference.Parse($"{_registry.Host}/base/aspnet:10.0"),
            RuntimeIdentifiers = ["linux-x64"],
            TargetImage = $"{_registry.Host}/app",
            Tags = ["1.0"],
            GetEnvironmentVariable = Environment,
        }, CancellationToken.None);
        Assert.NotNull(result.PlatformFor("linux-x64"));
        return result;
    }

    private static string? Environment(string name) => name == "SECURECONTAINERS_KEY_PASSWORD" ? Password : null;

    private static byte[] GeneratedConfig(string user, string? baseDigest = null)
    {
        string labels = baseDigest is null ? "{}" : $"{{\"org.opencontainers.image.base.digest\":\"{baseDigest}\"}}";
        return Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"User\":\"{user}\",\"Labels\":{labels}}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[]}}}}");
    }

    private async Task<ImageEvidenceRequest> RequestAsync(SecureContainerSettings settings, byte[]? config = null, string? registry = null) => new()
    {
        Settings = settings,
        Registry = registry ?? _registry.Host,
        Repository = "app",
        Digest = _app.Digest,
        Tags = ["1.0"],
        Configuration = config ?? GeneratedConfig("1654", _base.Digest.ToString()),
        Manifest = _app.ManifestBytes,
        RuntimeIdentifier = "linux-x64",
        Checked = await CheckAsync(settings),
        App = new SbomApp { Name = "app", Version = "1.0.0", TargetFramework = "net10.0" },
        SbomFile = SbomFile,
        GetEnvironmentVariable = Environment,
    };

    private async Task<(ImageEvidenceResult Result, DiagnosticBag Bag)> RunAsync(ImageEvidenceRequest request, FakeRegistry? registry = null)
    {
        DiagnosticBag bag = new();
        using RegistryClient client = new((registry ?? _registry).Options());
        return (await new ImageEvidence(client, bag).RunAsync(request, CancellationToken.None), bag);
    }

    private static string[] Codes(DiagnosticBag bag, DiagnosticSeverity severity) =>
        bag.Items.Where(d => d.Severity == severity).Select(d => d.Code).Order(StringComparer.Ordinal).ToArray();

    private string WriteKey(string? password = Password)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string path = Path.Combine(_dir, "signing.key");
        File.WriteAllText(path, password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));
        return path;
    }

    [Fact]
    public async Task TheApprovedUserOnTheApprovedBaseWritesAndAttachesTheSbom()
    {
        (ImageEvidenceResult result, DiagnosticBag bag) = await RunAsync(await RequestAsync(Settings()));

        Assert.Empty(Codes(bag, DiagnosticSeverity.Error));
        Assert.Empty(Codes(bag, DiagnosticSeverity.Warning));
        Assert.Equal(SbomFile, result.SbomFile);
        Assert.True(File.Exists(SbomFile));
        Assert.NotNull(result.AttachedSbom);
        Assert.NotNull(_registry.ManifestAt("app", result.AttachedSbom!.Digest.ToString()));
        Assert.Equal(["SC0002", "SC0003"], Codes(bag, DiagnosticSeverity.Message));
    }

    [Fact]
    public async Task TheRehearsalWhileTheSdkPushesWritesNothingAsksNoRegistryAndReportsNothing()
    {
        // What the check hands over before the push: no digest, configuration or manifest yet.
        ImageEvidenceRequest request = await RequestAsync(Settings()) with { Digest = null, Configuration = null, Manifest = null };
        int before = _registry.Requests.Count;
        DiagnosticBag bag = new();
        using RegistryClient client = new(_registry.Options());

        await new ImageEvidence(client, bag).RehearseAsync(request, CancellationToken.None);

        Assert.Equal(before, _registry.Requests.Count);
        Assert.False(File.Exists(SbomFile));
        Assert.Empty(bag.Items);
    }

    [Fact]
    public async Task AfterARehearsalTheEvidenceStepWritesTheSameSbomAsWithout()
    {
        SecureContainerSettings settings = Settings((SettingNames.SourceDateEpoch, "1767225600"));
        (ImageEvidenceResult alone, _) = await RunAsync(await RequestAsync(settings));
        byte[] expected = File.ReadAllBytes(SbomFile);
        File.Delete(SbomFile);

        ImageEvidenceRequest request = await RequestAsync(settings);
        using (RegistryClient client = new(_registry.Options()))
        {
            await new ImageEvidence(client, new DiagnosticBag()).RehearseAsync(request with { Digest = null, Configuration = null, Manifest = null }, CancellationToken.None);
        }

        (ImageEvidenceResult result, _) = await RunAsync(request);
        Assert.Equal(expected, File.ReadAllBytes(SbomFile));
        Assert.Equal(alone.AttachedSbom!.Digest, result.AttachedSbom!.Digest);
    }

    [Fact]
    public async Task TheSbomNamesThePushedManifestAsSubjectWithoutReadingItBack()
    {
        string subjectPath = $"/v2/app/manifests/{_app.Digest}";
        (ImageEvidenceResult result, _) = await RunAsync(await RequestAsync(Settings()));

        // The SDK's manifest hashes to the digest it reported: the descriptor comes from it, not from another GET.
        Assert.Equal(0, _registry.CountRequests(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath == subjectPath));
        string artifact = Encoding.UTF8.GetString(_registry.ManifestAt("app", result.AttachedSbom!.Digest.ToString())!);
        Assert.Contains($"\"subject\":{{\"mediaType\":\"{MediaTypes.OciManifestV1}\",\"digest\":\"{_app.Digest}\",\"size\":{_app.ManifestBytes.Length}}}", artifact);

        // Bytes that are not the pushed manifest prove nothing: the registry is asked, as before.
        (ImageEvidenceResult other, _) = await RunAsync((await RequestAsync(Settings())) with { Manifest = [.. _app.ManifestBytes, (byte)' '] });
        Assert.NotNull(other.AttachedSbom);
        Assert.Equal(1, _registry.CountRequests(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath == subjectPath));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("root")]
    [InlineData("")]
    [InlineData("0:0")]
    [InlineData("someone")]
    public async Task RootOrAnUnapprovedUserInTheGeneratedConfigIsSC2007AndNoEvidenceIsWritten(string user)
    {
        (ImageEvidenceResult result, DiagnosticBag bag) = await RunAsync(await RequestAsync(Settings(), GeneratedConfig(user, _base.Digest.ToString())));

        Assert.Equal(["SC2007"], Codes(bag, DiagnosticSeverity.Error));
        Assert.Null(result.SbomFile);
        Assert.False(File.Exists(SbomFile));
        Assert.Null(result.AttachedSbom);
    }

    [Fact]
    public async Task ABaseDigestOtherThanTheApprovedOneIsSC4104WithThePinnedReference()
    {
        string other = "sha256:" + new string('c', 64);
        (_, DiagnosticBag bag) = await RunAsync(await RequestAsync(Settings(), GeneratedConfig("1654", other)));

        Diagnostic error = Assert.Single(bag.Items, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("SC4104", error.Code);
        Assert.Contains(other, error.Message, StringComparison.Ordinal);
        Assert.Contains($"{_registry.Host}/base/aspnet:10.0@{_base.Digest}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowRootSkipsTheUserRecheck()
    {
        (ImageEvidenceResult result, DiagnosticBag bag) = await RunAsync(await RequestAsync(Settings((SettingNames.AllowRoot, "true")), GeneratedConfig("0", _base.Digest.ToString())));

        Assert.Empty(Codes(bag, DiagnosticSeverity.Error));
        Assert.NotNull(result.SbomFile);
    }

    [Fact]
    public async Task ACorruptGeneratedConfigIsACodedErrorNotACrash()
    {
        ImageEvidenceRequest request = await RequestAsync(Settings(), Encoding.UTF8.GetBytes("{not json"));
        try
        {
            (_, DiagnosticBag bag) = await RunAsync(request);
            Assert.Contains(bag.Items, d => d.Severity == DiagnosticSeverity.Error && d.Code.StartsWith("SC", StringComparison.Ordinal));
        }
        catch (SecureContainerException e)
        {
            // The task turns this into its coded error (SecureContainerTask).
            Assert.StartsWith("SC", e.Diagnostic.Code, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string, DiagnosticSeverity> RefusedAttachments => new()
    {
        { "unreachable", "Baseline", DiagnosticSeverity.Warning },
        { "unreachable", "Restricted", DiagnosticSeverity.Error },
        { "refusing", "Baseline", DiagnosticSeverity.Warning },
        { "refusing", "Restricted", DiagnosticSeverity.Error },
    };

    [Theory]
    [MemberData(nameof(RefusedAttachments))]
    public async Task ARegistryThatTakesNoSbomIsSC5101WarningUnderBaselineErrorUnderRestrictedAndTheFileIsKept(string registry, string profile, DiagnosticSeverity severity)
    {
        // Restricted would also ask for a key and a digest-pinned base: those belong to the check, not to this step.
        SecureContainerSettings settings = Settings((SettingNames.Profile, profile), (SettingNames.RequireSigning, "false"), (SettingNames.RequireBaseImageDigest, "false"));
        ImageEvidenceRequest request = await RequestAsync(settings, registry: registry == "unreachable" ? "unreachable.test" : null);
        if (registry == "refusing")
        {
            _registry.RejectManifestsWith = "DENIED";
        }

        (ImageEvidenceResult result, DiagnosticBag bag) = await RunAsync(request);

        Diagnostic notAttached = Assert.Single(bag.Items, d => d.Severity is DiagnosticSeverity.Warning or DiagnosticSeverity.Error);
        Assert.Equal("SC5101", notAttached.Code);
        Assert.Equal(severity, notAttached.Severity);
        Assert.Contains(SbomFile, notAttached.Message, StringComparison.Ordinal);
        Assert.Null(result.AttachedSbom);
        Assert.Equal(SbomFile, result.SbomFile);
        Assert.True(File.Exists(SbomFile));
    }

    [Theory]
    [InlineData(null, "both")]
    [InlineData("bundle", "bundle")]
    [InlineData("legacy", "legacy")]
    public async Task SigningWithAWrongPasswordAfterThePushIsTheKeyErrorAndSC6035WithTheCompletingCommand(string? format, string word)
    {
        string key = WriteKey();
        ImageEvidenceRequest request = await RequestAsync(Settings((SettingNames.SigningKey, key), (SettingNames.SignatureFormat, format)));
        // The check loaded the key with the right password; the variable changed before the evidence step.
        request = request with { GetEnvironmentVariable = name => name == "SECURECONTAINERS_KEY_PASSWORD" ? "wrong" : null };

        (ImageEvidenceResult result, DiagnosticBag bag) = await RunAsync(request);

        Assert.Equal(["SC6004", "SC6035"], Codes(bag, DiagnosticSeverity.Error));
        Diagnostic incomplete = bag.Items.Single(d => d.Code == "SC6035");
        // The completing commands repeat the format, so they write what the build would have written.
        Assert.Contains($"securecontainers sign {_registry.Host}/app@sha256:{_app.Digest.Hex} --key {key} --signature-format {word}", incomplete.Message, StringComparison.Ordinal);
        Assert.Contains($"securecontainers attest {_registry.Host}/app@{_app.Digest} --key {key} --signature-format {word} --sbom {SbomFile} --provenance", incomplete.Message, StringComparison.Ordinal);
        Assert.Contains($"signature format {word}", incomplete.Message, StringComparison.Ordinal);
        Assert.Contains("SBOM attached", incomplete.Message, StringComparison.Ordinal);
        Assert.Null(result.Signed);
        Assert.Null(_registry.ManifestAt("app", CosignNames.SignatureTag(_app.Digest)));
        // What the push left is still there and named.
        Assert.NotNull(result.AttachedSbom);
        Assert.True(File.Exists(SbomFile));
    }

    [Theory]
    [InlineData("/referrers/", "not attached", "securecontainers attach ")]
    [InlineData(".sig", "attached", "securecontainers sign ")]
    public async Task CancellingAfterThePushSaysWhatExistsAndPrintsTheCommandsThatCompleteIt(string cancelAt, string sbomState, string command)
    {
        string key = WriteKey();
        using CancellationTokenSource cancellation = new();
        // Ctrl+C arrives while the registry is answering the first request of the step under test. The SBOM is attached while
        // the signing runs: for the signing's moment, Ctrl+C waits until the attachment has confirmed its tag (its third read).
        string referrersTag = "/v2/app/manifests/" + RegistryClient.ReferrersTag(_app.Digest);
        int tagReads = 0;
        _registry.Intercept(r =>
        {
            if (r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath == referrersTag)
            {
                Interlocked.Increment(ref tagReads);
            }
            else if (r.RequestUri!.AbsolutePath.Contains(cancelAt, StringComparison.Ordinal) || (cancelAt == "/referrers/" && r.Method == HttpMethod.Post))
            {
                if (sbomState == "attached")
                {
                    Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref tagReads) >= 3, TimeSpan.FromSeconds(10)));
                    Thread.Sleep(200);
                }

                cancellation.Cancel();
            }

            return null;
        });
        ImageEvidenceRequest request = await RequestAsync(Settings((SettingNames.SigningKey, key), (SettingNames.SignatureFormat, "legacy")));
        DiagnosticBag bag = new();
        using RegistryClient client = new(_registry.Options());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ImageEvidence(client, bag).RunAsync(request, cancellation.Token));

        Diagnostic cancelled = Assert.Single(bag.Items, d => d.Code == "SC6036");
        Assert.Equal(DiagnosticSeverity.Error, cancelled.Severity);
        Assert.Contains($"SBOM {sbomState}", cancelled.Message);
        Assert.Contains(command + $"{_registry.Host}/app@{_app.Digest}", cancelled.Message);
        Assert.Contains("signature and attestations missing", cancelled.Message);
        Assert.True(File.Exists(SbomFile));
    }

    [Fact]
    public async Task SigningWritesTheSignatureAndTheAttestationsNextToTheImage()
    {
        string key = WriteKey();
        (ImageEvidenceResult result, DiagnosticBag bag) = await RunAsync(await RequestAsync(Settings((SettingNames.SigningKey, key))));

        Assert.Empty(Codes(bag, DiagnosticSeverity.Error));
        Assert.NotNull(result.Signed);
        Assert.Equal(2, result.Signed!.Attestations.Count);
        Assert.NotNull(_registry.ManifestAt("app", CosignNames.SignatureTag(_app.Digest)));
        Assert.NotNull(_registry.ManifestAt("app", CosignNames.AttestationTag(_app.Digest)));
        Assert.Contains(bag.Items, d => d.Code == "SC0004" && d.Message.Contains(_app.Digest.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheBundleFormatWritesSigstoreBundlesAsReferrersAndNoLegacyTags()
    {
        string key = WriteKey();
        (ImageEvidenceResult result, DiagnosticBag bag) = await RunAsync(await RequestAsync(Settings((SettingNames.SigningKey, key), (SettingNames.SignatureFormat, "bundle"))));

        Assert.Empty(Codes(bag, DiagnosticSeverity.Error));
        Assert.Null(result.Signed!.Signature);
        Assert.Empty(result.Signed.Attestations);
        Assert.Equal(
            [CosignSignStatement.PredicateType, InTotoStatement.CycloneDxPredicateType, ProvenancePredicate.PredicateType],
            result.Signed.Bundles.Select(b => b.PredicateType));
        Assert.Null(_registry.ManifestAt("app", CosignNames.SignatureTag(_app.Digest)));
        Assert.Null(_registry.ManifestAt("app", CosignNames.AttestationTag(_app.Digest)));
        using RegistryClient client = new(_registry.Options());
        IReadOnlyList<Descriptor> referrers = await client.GetReferrersAsync(_registry.Host, "app", _app.Digest, null, CancellationToken.None);
        // The SBOM artifact and the three bundles, all under the one image.
        Assert.Equal(4, referrers.Count);
        Diagnostic signed = Assert.Single(bag.Items, d => d.Code == "SC0004");
        Assert.Contains("format bundle", signed.Message, StringComparison.Ordinal);
        Assert.Contains(result.Signed.Bundles[0].Manifest.ToString(), signed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSbomAndTheBundlesAreWrittenAtTheSameTimeInOneUpdateOfTheReferrersTag()
    {
        string key = WriteKey();
        (ImageEvidenceResult result, DiagnosticBag bag) = await RunAsync(await RequestAsync(Settings((SettingNames.SigningKey, key), (SettingNames.SignatureFormat, "bundle"))));

        string tag = "/v2/app/manifests/" + RegistryClient.ReferrersTag(_app.Digest);
        // The SBOM and the three bundles in one update: one settling pause, not one for the SBOM and one for the bundles.
        Assert.Equal(1, _registry.CountRequests(r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath == tag));
        using JsonDocument index = JsonDocument.Parse(_registry.ManifestAt("app", RegistryClient.ReferrersTag(_app.Digest))!);
        Assert.Equal(
            new[] { result.AttachedSbom!.Digest.ToString() }.Concat(result.Signed!.Bundles.Select(b => b.Manifest.ToString())).Order(StringComparer.Ordinal),
            index.RootElement.GetProperty("manifests").EnumerateArray().Select(e => e.GetProperty("digest").GetString()!).Order(StringComparer.Ordinal));
        // Reported as a sequential run would: the attachment, then the signature.
        string[] codes = bag.Items.Select(d => d.Code).Where(c => c is "SC0003" or "SC0004").ToArray();
        Assert.Equal(["SC0003", "SC0004"], codes);
    }

    [Fact]
    public async Task AnArchiveDestinationWritesTheSbomButAttachesAndSignsNothing()
    {
        string key = WriteKey();
        ImageEvidenceRequest request = await RequestAsync(Settings((SettingNames.SigningKey, key))) with { Destination = ImageDestination.Archive, Registry = null };
        int writesBefore = _registry.CountRequests(r => r.Method != HttpMethod.Get && r.Method != HttpMethod.Head);

        (ImageEvidenceResult result, DiagnosticBag bag) = await RunAsync(request);

        Assert.Empty(Codes(bag, DiagnosticSeverity.Error));
        Assert.True(File.Exists(SbomFile));
        Assert.Null(result.AttachedSbom);
        Assert.Null(result.Signed);
        Assert.Equal(writesBefore, _registry.CountRequests(r => r.Method != HttpMethod.Get && r.Method != HttpMethod.Head));
    }
}

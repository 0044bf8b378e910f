using SecureContainers.TestUtilities.Signing;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Tests.Registry;

namespace SecureContainers.Core.Tests.Signing;

/// <summary>
/// Verifying an image index: the index's own signature, and every platform manifest it lists (signature by the key;
/// with --require-sbom an SBOM attestation on each platform; with --require-provenance provenance on the index or on
/// each platform). Issue 9 item 7: a signed multi-RID publish failed `verify --require-sbom` with SC6023.
/// </summary>
public sealed class IndexVerificationTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SignedIndexFixture _f = new();

    public void Dispose() => _f.Dispose();

    private Task<VerificationReport> VerifyAsync(bool sbom = true, bool provenance = true, Digest? digest = null) =>
        ImageVerifier.VerifyAsync(
            _f.Client,
            new VerificationRequest(SignedIndexFixture.Host, SignedIndexFixture.Repository, digest ?? _f.IndexDigest, _f.Signer.PublicKey) { RequireSbom = sbom, RequireProvenance = provenance },
            None);

    private static PlatformVerification Platform(VerificationReport report, string platform) =>
        Assert.Single(report.Platforms, p => p.Platform?.ToString() == platform);

    [Fact]
    public async Task SignedMultiRidPublishPassesWithSbomAndProvenanceRequired()
    {
        await _f.PublishSignedAsync();

        VerificationReport report = await VerifyAsync();

        Assert.True(report.Verified, string.Join("\n", report.Diagnostics));
        Assert.Null(report.FailureCode);
        Assert.Equal([InTotoStatement.SlsaProvenanceV1PredicateType], report.PredicateTypes);
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], report.Platforms.Select(p => p.Platform!.ToString()));
        foreach (PlatformVerification p in report.Platforms)
        {
            Assert.True(p.Report.Verified);
            Assert.Contains(InTotoStatement.CycloneDxPredicateType, p.Report.PredicateTypes);
            Assert.Single(p.Report.Signatures.Signatures, s => s.Valid);
        }

        Assert.DoesNotContain(report.Diagnostics, d => d.Severity != DiagnosticSeverity.Message);
    }

    [Fact]
    public async Task PlatformWithoutSbomFailsWithSC6023NamingThatPlatform()
    {
        _f.AddIndex();
        await _f.SignPlatformAsync(_f.Amd64);
        await _f.SignPlatformAsync(_f.Arm64, sbom: false);
        await _f.SignIndexAsync();

        VerificationReport report = await VerifyAsync();

        Assert.False(report.Verified);
        Assert.Equal("SC6023", report.FailureCode);
        Diagnostic missing = Assert.Single(report.Diagnostics, d => d.Code == "SC6023");
        Assert.Contains("linux/arm64/v8", missing.Message);
        Assert.Contains(_f.Arm64.Digest.ToString(), missing.Message);
        Assert.True(Platform(report, "linux/amd64").Report.Verified);
        Assert.False(Platform(report, "linux/arm64/v8").Report.Verified);
        Assert.Equal("SC6023", Platform(report, "linux/arm64/v8").Report.FailureCode);
    }

    [Fact]
    public async Task PlatformSignedWithAnotherKeyFailsWithSC6021NamingThatPlatform()
    {
        _f.AddIndex();
        await _f.SignPlatformAsync(_f.Amd64, signer: _f.OtherSigner);
        await _f.SignPlatformAsync(_f.Arm64);
        await _f.SignIndexAsync();

        VerificationReport report = await VerifyAsync(sbom: false, provenance: false);

        Assert.False(report.Verified);
        Assert.Equal("SC6021", report.FailureCode);
        Assert.Contains("linux/amd64", Assert.Single(report.Diagnostics, d => d.Code == "SC6021").Message);
        Assert.False(Platform(report, "linux/amd64").Report.Verified);
        Assert.True(Platform(report, "linux/arm64/v8").Report.Verified);
    }

    [Fact]
    public async Task UnsignedPlatformFailsEvenWhenTheIndexIsSigned()
    {
        _f.AddIndex();
        await _f.SignPlatformAsync(_f.Amd64);
        await _f.SignIndexAsync();

        VerificationReport report = await VerifyAsync(sbom: false, provenance: false);

        Assert.Equal("SC6020", report.FailureCode);
        Assert.Contains("linux/arm64/v8", Assert.Single(report.Diagnostics, d => d.Code == "SC6020").Message);
    }

    [Fact]
    public async Task UnsignedIndexFailsEvenWhenEveryPlatformIsSigned()
    {
        _f.AddIndex();
        await _f.SignPlatformAsync(_f.Amd64);
        await _f.SignPlatformAsync(_f.Arm64);

        VerificationReport report = await VerifyAsync(provenance: false);

        Assert.False(report.Verified);
        Assert.Equal("SC6020", report.FailureCode);
        Assert.All(report.Platforms, p => Assert.True(p.Report.Verified));
    }

    [Fact]
    public async Task IndexProvenanceCoversPlatformsWithoutTheirOwn()
    {
        _f.AddIndex();
        await _f.SignPlatformAsync(_f.Amd64, provenance: false);
        await _f.SignPlatformAsync(_f.Arm64, provenance: false);
        await _f.SignIndexAsync();

        Assert.True((await VerifyAsync()).Verified);
    }

    [Fact]
    public async Task ProvenanceOnEveryPlatformIsEnoughWithoutIndexProvenance()
    {
        _f.AddIndex();
        await _f.SignPlatformAsync(_f.Amd64);
        await _f.SignPlatformAsync(_f.Arm64);
        await _f.SignIndexAsync(provenance: false);

        Assert.True((await VerifyAsync()).Verified);
    }

    [Fact]
    public async Task ProvenanceMissingOnIndexAndOnOnePlatformFailsWithSC6024NamingThatPlatform()
    {
        _f.AddIndex();
        await _f.SignPlatformAsync(_f.Amd64);
        await _f.SignPlatformAsync(_f.Arm64, provenance: false);
        await _f.SignIndexAsync(provenance: false);

        VerificationReport report = await VerifyAsync();

        Assert.Equal("SC6024", report.FailureCode);
        Assert.Contains("linux/arm64/v8", Assert.Single(report.Diagnostics, d => d.Code == "SC6024").Message);
    }

    [Fact]
    public async Task AttestationManifestsAreSkippedWithANote()
    {
        await _f.PublishSignedAsync(withAttestationManifest: true);

        VerificationReport report = await VerifyAsync();

        Assert.True(report.Verified, string.Join("\n", report.Diagnostics));
        Assert.Equal(2, report.Platforms.Count);
        Descriptor skipped = Assert.Single(report.Skipped);
        Assert.Equal("unknown", skipped.Platform!.Os);
        Diagnostic note = Assert.Single(report.Diagnostics, d => d.Code == "SC6027");
        Assert.Equal(DiagnosticSeverity.Message, note.Severity);
        Assert.Contains(skipped.Digest.ToString(), note.Message);
    }

    [Fact]
    public async Task IndexOverThePlatformCapFailsWithSC6028BeforeReadingAnySignature()
    {
        FakeRegistry.FakeImage[] extra = Enumerable.Range(0, ImageVerifier.MaxPlatforms - 1)
            .Select(i => _f.Registry.AddImage(SignedIndexFixture.Repository, null, new Platform("linux", "amd64", $"x{i}"), "1654", MediaTypes.OciManifestV1, [(byte)i, 9]))
            .ToArray();
        _f.AddIndex(false, extra);
        await _f.SignIndexAsync();
        int before = _f.Registry.CountRequests(r => r.Uri.AbsolutePath.EndsWith(".sig", StringComparison.Ordinal));

        VerificationReport report = await VerifyAsync();

        Assert.False(report.Verified);
        Assert.Equal("SC6028", report.FailureCode);
        Assert.Empty(report.Platforms);
        Assert.Equal(0, _f.Registry.CountRequests(r => r.Uri.AbsolutePath.EndsWith(".sig", StringComparison.Ordinal)) - before);
    }

    [Fact]
    public async Task NestedIndexEntryIsRefusedWithSC6029()
    {
        byte[] inner = JsonSerializer.SerializeToUtf8Bytes(new { schemaVersion = 2, mediaType = MediaTypes.OciIndexV1, manifests = Array.Empty<object>() });
        Digest innerDigest = _f.Registry.AddManifest(SignedIndexFixture.Repository, null, inner, MediaTypes.OciIndexV1);
        byte[] outer = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciIndexV1,
            manifests = new[] { new { mediaType = MediaTypes.OciIndexV1, digest = innerDigest.ToString(), size = (long)inner.Length } },
        });
        Digest outerDigest = _f.Registry.AddManifest(SignedIndexFixture.Repository, "nested", outer, MediaTypes.OciIndexV1);

        VerificationReport report = await VerifyAsync(sbom: false, provenance: false, digest: outerDigest);

        Assert.False(report.Verified);
        Assert.Contains(report.Diagnostics, d => d.Code == "SC6029" && d.Message.Contains(innerDigest.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task JsonReportListsEveryPlatform()
    {
        _f.AddIndex(withAttestationManifest: true);
        await _f.SignPlatformAsync(_f.Amd64);
        await _f.SignPlatformAsync(_f.Arm64, sbom: false);
        await _f.SignIndexAsync();

        using JsonDocument json = JsonDocument.Parse((await VerifyAsync()).ToJson());

        JsonElement root = json.RootElement;
        Assert.False(root.GetProperty("verified").GetBoolean());
        Assert.Equal("SC6023", root.GetProperty("failureCode").GetString());
        Assert.Equal(_f.IndexDigest.ToString(), root.GetProperty("digest").GetString());
        JsonElement[] platforms = root.GetProperty("platforms").EnumerateArray().ToArray();
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], platforms.Select(p => p.GetProperty("platform").GetString()));
        Assert.Equal([true, false], platforms.Select(p => p.GetProperty("verified").GetBoolean()));
        Assert.Equal(_f.Arm64.Digest.ToString(), platforms[1].GetProperty("digest").GetString());
        Assert.Equal("SC6023", platforms[1].GetProperty("failureCode").GetString());
        Assert.Equal("SC6023", Assert.Single(platforms[1].GetProperty("diagnostics").EnumerateArray()).GetProperty("code").GetString());
        Assert.True(platforms[0].GetProperty("signatures")[0].GetProperty("valid").GetBoolean());
        Assert.Contains(platforms[0].GetProperty("predicateTypes").EnumerateArray(), t => t.GetString() == InTotoStatement.CycloneDxPredicateType);
        Assert.Equal("unknown/unknown", Assert.Single(root.GetProperty("skipped").EnumerateArray()).GetProperty("platform").GetString());
    }

    [Fact]
    public async Task OnePlatformManifestIsVerifiedAloneWithNoPlatformList()
    {
        await _f.PublishSignedAsync();

        VerificationReport report = await VerifyAsync(digest: _f.Arm64.Digest);

        Assert.True(report.Verified);
        Assert.Empty(report.Platforms);
        using JsonDocument json = JsonDocument.Parse(report.ToJson());
        Assert.Equal(0, json.RootElement.GetProperty("platforms").GetArrayLength());
    }
}

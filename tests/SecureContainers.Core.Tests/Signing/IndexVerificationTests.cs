using SecureContainers.Core.Signing;

namespace SecureContainers.Core.Tests.Signing;

public sealed class IndexVerificationTests : IDisposable
{
    private readonly SignedIndexFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task SignedMultiRidPublishPassesWithSbomAndProvenanceRequired()
    {
        await _f.PublishSignedAsync();

        VerificationReport report = await ImageVerifier.VerifyAsync(
            _f.Client,
            new VerificationRequest(SignedIndexFixture.Host, SignedIndexFixture.Repository, _f.IndexDigest, _f.Signer.PublicKey) { RequireSbom = true, RequireProvenance = true },
            CancellationToken.None);

        Assert.True(report.Verified, string.Join("\n", report.Diagnostics));
    }
}

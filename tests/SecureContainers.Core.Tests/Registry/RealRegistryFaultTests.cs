using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.TestUtilities.Registry;

namespace SecureContainers.Core.Tests.Registry;

/// <summary>
/// The real registry seen through the fault-injecting proxy: resets in the middle of a manifest and of a layer, and
/// statuses the registry itself never sends, against Distribution's real answers (its Range support included).
/// </summary>
public class RealRegistryFaultTests
{
    private static RegistryClient Client(Action<RegistryClientOptions>? configure = null)
    {
        RegistryClientOptions options = RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable);
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        configure?.Invoke(options);
        return new RegistryClient(options);
    }

    [RegistryFact]
    public async Task AResetInTheMiddleOfTheManifestAndOfALayerIsRecovered()
    {
        await using FaultProxy proxy = FaultProxy.Start(RegistryFactAttribute.Address);
        FaultRule manifest = proxy.Add(new FaultRule("GET", "/v2/base/minimal/manifests/") { Times = 1, ResetAfterBodyBytes = 100 });
        FaultRule layer = proxy.Add(new FaultRule("GET", "/blobs/") { Skip = 1, Times = 2, ResetAfterBodyBytes = 4096 });
        ImageReference image = ImageReference.Parse($"{proxy.Address}/base/minimal:1");
        using RegistryClient client = Client();

        ResolvedImage resolved = await client.ResolveAsync(image, Platform.FromRuntimeIdentifier("linux-x64"), CancellationToken.None);
        Descriptor biggest = resolved.Layers.MaxBy(l => l.Size)!;
        await using DigestVerifyingStream stream = await client.OpenBlobAsync(image.Registry, image.Repository, biggest, CancellationToken.None);
        await stream.DrainAsync(CancellationToken.None);

        Assert.True(stream.IsVerified);
        Assert.Equal(1, manifest.Hits);
        Assert.Equal(2, layer.Hits);
    }

    [RegistryFact]
    public async Task TooManyRequestsWithRetryAfterIsWaitedOut()
    {
        await using FaultProxy proxy = FaultProxy.Start(RegistryFactAttribute.Address);
        FaultRule limited = proxy.Add(new FaultRule("GET", "/manifests/") { Times = 2, Status = 429, RetryAfter = "1" });
        List<TimeSpan> waits = new();
        using RegistryClient client = Client(o => o.Delay = (d, ct) => { waits.Add(d); return Task.CompletedTask; });

        await client.GetManifestAsync(proxy.Address, "base/minimal", "1", CancellationToken.None);

        Assert.Equal(2, limited.Hits);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], waits);
    }

    [RegistryFact]
    public async Task APermanentOutageFailsNamingTheRegistryAndTheAttempts()
    {
        await using FaultProxy proxy = FaultProxy.Start(RegistryFactAttribute.Address);
        proxy.Add(new FaultRule("GET", "/manifests/") { Status = 503 });
        using RegistryClient client = Client(o => o.MaxRetries = 2);

        SecureContainerException ex = await Assert.ThrowsAsync<SecureContainerException>(
            () => client.GetManifestAsync(proxy.Address, "base/minimal", "1", CancellationToken.None));

        Assert.Equal("SC3109", ex.Diagnostic.Code);
        Assert.Contains(proxy.Address, ex.Message);
        Assert.Contains("503", ex.Message);
        Assert.Contains("after 3 attempts", ex.Message);
    }
}

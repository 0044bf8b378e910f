using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

/// <summary>
/// Against the real registry eng/test.sh starts (SC_TEST_REGISTRY=localhost:PORT, Debian's docker-registry, with the
/// test bed's fixtures pushed); without it the test is skipped with that reason, as the unit tiers run without a registry.
/// </summary>
public class RealRegistryTests
{
    [RegistryFact]
    public async Task ResolvesAndStreamsARealImage()
    {
        string registry = RegistryFactAttribute.Address;

        ImageReference image = ImageReference.Parse($"{registry}/base/minimal:1");
        using RegistryClient client = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable));

        ResolvedImage resolved = await client.ResolveAsync(image, Platform.FromRuntimeIdentifier("linux-x64"), CancellationToken.None);
        Assert.NotEmpty(resolved.Layers);

        await using DigestVerifyingStream layer = await client.OpenBlobAsync(image.Registry, image.Repository, resolved.Layers[0], CancellationToken.None);
        await layer.DrainAsync(CancellationToken.None);
        Assert.True(layer.IsVerified);
    }
}

using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

/// <summary>
/// Against a real registry when SC_TEST_REGISTRY names an image in it (e.g. localhost:5000/x/aspnet:10.0, served by
/// Debian's docker-registry); without it the test returns at once, as the unit tiers run without a registry.
/// </summary>
public class RealRegistryTests
{
    [Fact]
    public async Task ResolvesAndStreamsARealImage()
    {
        string? reference = Environment.GetEnvironmentVariable("SC_TEST_REGISTRY");
        if (string.IsNullOrEmpty(reference))
        {
            return;
        }

        ImageReference image = ImageReference.Parse(reference);
        using RegistryClient client = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable));

        ResolvedImage resolved = await client.ResolveAsync(image, Platform.FromRuntimeIdentifier("linux-x64"), CancellationToken.None);
        Assert.NotEmpty(resolved.Layers);

        await using DigestVerifyingStream layer = await client.OpenBlobAsync(image.Registry, image.Repository, resolved.Layers[0], CancellationToken.None);
        await layer.DrainAsync(CancellationToken.None);
        Assert.True(layer.IsVerified);
    }
}

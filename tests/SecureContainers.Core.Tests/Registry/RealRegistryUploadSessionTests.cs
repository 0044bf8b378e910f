using System.Text;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

/// <summary>
/// The push probe's upload session against the real registry (Distribution 2.8), looked at in its own storage
/// (SC_TEST_REGISTRY_STORAGE, which eng/testbed/registry.sh exports): the next upload goes into it, and one nothing used
/// is cancelled when the client is disposed, so neither a publish nor a refused build leaves a session behind.
/// </summary>
public class RealRegistryUploadSessionTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static string[] OpenSessions(string repository)
    {
        string storage = Environment.GetEnvironmentVariable("SC_TEST_REGISTRY_STORAGE")
            ?? throw new InvalidOperationException("SC_TEST_REGISTRY_STORAGE is not set: start the registry with eng/testbed/registry.sh and source its env file.");
        string uploads = Path.Combine(storage, "docker", "registry", "v2", "repositories", repository, "_uploads");
        // A cancelled session loses its startedat and data; Distribution 2.8 leaves its empty hashstates folder behind.
        return Directory.Exists(uploads) ? Directory.GetDirectories(uploads).Where(d => File.Exists(Path.Combine(d, "startedat"))).ToArray() : [];
    }

    [RegistryFact]
    public async Task TheProbesSessionCarriesTheNextUploadAndAnUnusedOneIsCancelledAtDispose()
    {
        string registry = RegistryFactAttribute.Address;
        string used = $"sessions/{Guid.NewGuid():N}";
        string unused = $"sessions/{Guid.NewGuid():N}";
        byte[] content = Encoding.UTF8.GetBytes($"{{\"run\":\"{Guid.NewGuid():N}\"}}");
        RegistryClient client = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable));

        await client.ProbePushAsync(registry, used, None);
        await client.ProbePushAsync(registry, unused, None);
        string session = Assert.Single(OpenSessions(used));
        Assert.Single(OpenSessions(unused));

        Descriptor blob = await client.PushBlobAsync(registry, used, content, "application/json", None);

        // The upload completed the probe's session (Distribution removes a session when its PUT commits it).
        Assert.False(Directory.Exists(session));
        Assert.Empty(OpenSessions(used));
        await using (DigestVerifyingStream stream = await client.OpenBlobAsync(registry, used, blob, None))
        using (MemoryStream copy = new())
        {
            await stream.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
        }

        client.Dispose();
        Assert.Empty(OpenSessions(unused));
    }
}

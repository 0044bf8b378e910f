using SecureContainers.EndToEnd.Tests.Infrastructure;
using SecureContainers.TestUtilities.Registry;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// What a real publish asks the registry for, counted by the test bed's proxy: each round trip is paid in full against a
/// remote registry, so what the build already knows is not asked again.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class RoundTripTests
{
    [Fact]
    public async Task OurChecksReadTheBaseTagOnceThoughTheCheckStartsEarlyAndRunsAgainBeforeThePush()
    {
        await using FaultProxy proxy = FaultProxy.Start(TestBed.Registry);
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "round-trips", alsoTrusted: $"{proxy.Address}/base/*");
        // No fault: the rule only counts our client's reads of the tag (the SDK reads it too, for itself).
        FaultRule tagReads = proxy.Add(new FaultRule("GET", "/v2/base/aspnet/manifests/10.0") { UserAgentContains = "SecureContainers" });

        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={proxy.Address}/base/aspnet:10.0",
            $"ContainerRegistry={proxy.Address}",
            "ContainerRepository=e2e/round-trips",
            "ContainerImageTag=1.0",
        ]);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(1, tagReads.Hits);
        sample.Succeeded();
    }
}

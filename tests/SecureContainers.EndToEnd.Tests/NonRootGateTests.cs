using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>The non-root gate in real publishes: refused builds push nothing; accepted ones are pushed as the SDK would.</summary>
[Collection(EndToEndCollection.Name)]
public class NonRootGateTests
{
    private static string[] Push(string baseImage, string repository, params string[] extra) =>
    [
        $"ContainerBaseImage={TestBed.BaseImage(baseImage)}",
        $"ContainerRegistry={TestBed.Registry}",
        $"ContainerRepository={repository}",
        "ContainerImageTag=1.0",
        .. extra,
    ];

    private static async Task AssertNothingPushed(string repository) =>
        Assert.Empty(await RegistryProbe.TagsAsync(repository));

    [Fact]
    public async Task RootBaseImageFailsWithCodeAndPushesNothing()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "root-base");
        PublishResult result = await sample.PublishAsync(Push("aspnet-root:10.0", "e2e/root-base"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SC2001", result.Errors);
        Assert.Contains("SecureContainerAllowRoot", result.Output);
        await AssertNothingPushed("e2e/root-base");
        sample.Succeeded();
    }

    [Theory]
    [InlineData("root", "e2e/user-root")]
    [InlineData("0", "e2e/user-zero")]
    [InlineData("0:1654", "e2e/user-zero-group")]
    public async Task RootContainerUserOnGoodBaseFailsAndPushesNothing(string user, string repository)
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", repository.Replace('/', '-'));
        PublishResult result = await sample.PublishAsync(Push("aspnet:10.0", repository, $"ContainerUser={user}"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Equal(["SC2001"], result.Errors.Where(c => c.StartsWith("SC", StringComparison.Ordinal)));
        await AssertNothingPushed(repository);
        sample.Succeeded();
    }

    [Fact]
    public async Task MalformedContainerUserFailsWithItsOwnCode()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "user-malformed");
        PublishResult result = await sample.PublishAsync(Push("aspnet:10.0", "e2e/user-malformed", "ContainerUser=-1"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SC2003", result.Errors);
        await AssertNothingPushed("e2e/user-malformed");
        sample.Succeeded();
    }

    [Fact]
    public async Task AllowRootPassesAndWarnsEveryTime()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "allow-root");
        PublishResult first = await sample.PublishAsync(Push("aspnet-root:10.0", "e2e/allow-root", "SecureContainerAllowRoot=true"));
        Assert.True(first.Succeeded, first.ToString());
        Assert.Contains("SC2006", first.Warnings);
        Assert.Contains("1.0", await RegistryProbe.TagsAsync("e2e/allow-root"));

        PublishResult second = await sample.PublishAsync(Push("aspnet-root:10.0", "e2e/allow-root", "SecureContainerAllowRoot=true"));
        Assert.True(second.Succeeded, second.ToString());
        Assert.Contains("SC2006", second.Warnings);
        sample.Succeeded();
    }

    [Fact]
    public async Task UserNameFromPasswdPassesWithNumericUidAdvice()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "user-name");
        PublishResult result = await sample.PublishAsync(Push("aspnet:10.0", "e2e/user-name", "ContainerUser=app"));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("SC2004", result.Warnings);
        Assert.Contains("<ContainerUser>1654</ContainerUser>", result.Output);
        Assert.Contains("1.0", await RegistryProbe.TagsAsync("e2e/user-name"));
        sample.Succeeded();
    }

    [Fact]
    public async Task MalformedBooleanPropertyIsACodedError()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "bad-bool");
        PublishResult result = await sample.PublishAsync(Push("aspnet-root:10.0", "e2e/bad-bool", "SecureContainerAllowRoot=yes"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SC1001", result.Errors);
        await AssertNothingPushed("e2e/bad-bool");
        sample.Succeeded();
    }

    [Fact]
    public async Task DisabledPackageLetsTheSdkPublishUntouched()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "disabled");
        PublishResult result = await sample.PublishAsync(Push("aspnet-root:10.0", "e2e/disabled", "SecureContainerEnabled=false"));

        Assert.True(result.Succeeded, result.ToString());
        Assert.DoesNotContain(result.Warnings.Concat(result.Errors), c => c.StartsWith("SC", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(sample.Directory, "bin", "Release", "securecontainers")));
        Assert.Contains("1.0", await RegistryProbe.TagsAsync("e2e/disabled"));
        sample.Succeeded();
    }

    [Fact]
    public async Task UnreachableBaseRegistryIsACodedErrorWithoutStackTrace()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "unreachable");
        PublishResult result = await sample.PublishAsync(
        [
            "ContainerBaseImage=localhost:1/base/aspnet:10.0",
            $"ContainerRegistry={TestBed.Registry}",
            "ContainerRepository=e2e/unreachable",
        ]);

        Assert.False(result.Succeeded, result.ToString());
        string code = Assert.Single(result.Errors, c => c.StartsWith("SC", StringComparison.Ordinal));
        Assert.StartsWith("SC3", code);
        Assert.Contains("localhost:1", result.Output);
        Assert.DoesNotContain("   at ", result.Output);
        await AssertNothingPushed("e2e/unreachable");
        sample.Succeeded();
    }

    [Fact]
    public async Task MissingBaseTagIsACodedErrorNamingTheImage()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "missing-tag");
        PublishResult result = await sample.PublishAsync(Push("aspnet:no-such-tag", "e2e/missing-tag"));

        Assert.False(result.Succeeded, result.ToString());
        string code = Assert.Single(result.Errors, c => c.StartsWith("SC", StringComparison.Ordinal));
        Assert.StartsWith("SC3", code);
        Assert.Contains("base/aspnet", result.Output);
        Assert.Contains("no-such-tag", result.Output);
        Assert.DoesNotContain("   at ", result.Output);
        await AssertNothingPushed("e2e/missing-tag");
        sample.Succeeded();
    }
}

using SecureContainers.Build.Tasks;

namespace SecureContainers.Build.Tests;

public class CheckBuiltContainerTests
{
    private static (bool Result, MockBuildEngine Engine) Run(string user, string? approved = "1654", string? allowRoot = null, string os = "linux")
    {
        MockBuildEngine engine = new();
        CheckBuiltContainer task = new()
        {
            BuildEngine = engine,
            GeneratedConfiguration = $$$"""{"architecture":"amd64","os":"{{{os}}}","config":{"User":"{{{user}}}"},"rootfs":{"type":"layers","diff_ids":[]}}""",
            GeneratedDigest = "sha256:" + new string('a', 64),
            TargetImage = "localhost:5000/app",
            ApprovedUser = approved,
            AllowRoot = allowRoot,
        };
        return (task.Execute(), engine);
    }

    [Fact]
    public void ApprovedNonRootUserPasses()
    {
        (bool result, MockBuildEngine engine) = Run("1654");
        Assert.True(result);
        Assert.Empty(engine.Errors);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("root")]
    [InlineData("")]
    [InlineData("0:0")]
    public void RootInTheGeneratedConfigFailsWithSC2007(string user)
    {
        (bool result, MockBuildEngine engine) = Run(user);
        Assert.False(result);
        Assert.Equal("SC2007", Assert.Single(engine.Errors).Code);
    }

    [Fact]
    public void UnapprovedUserNameFails()
    {
        (bool result, MockBuildEngine engine) = Run("someone", approved: "1654");
        Assert.False(result);
        Assert.Equal("SC2007", Assert.Single(engine.Errors).Code);
    }

    [Fact]
    public void AllowRootSkipsTheCheck()
    {
        (bool result, MockBuildEngine engine) = Run("0", allowRoot: "true");
        Assert.True(result);
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void MalformedAllowRootIsSC1001()
    {
        (bool result, MockBuildEngine engine) = Run("1654", allowRoot: "yes");
        Assert.False(result);
        Assert.Equal("SC1001", Assert.Single(engine.Errors).Code);
    }

    [Fact]
    public void CorruptConfigurationIsACodedErrorNotACrash()
    {
        MockBuildEngine engine = new();
        CheckBuiltContainer task = new() { BuildEngine = engine, GeneratedConfiguration = "{not json" };
        Assert.False(task.Execute());
        Assert.StartsWith("SC", Assert.Single(engine.Errors).Code);
    }

    [Theory]
    [InlineData('a', 'a', false)]
    [InlineData('a', 'c', true)]
    public void BaseImageTheSdkUsedMustBeTheOneTheGateChecked(char used, char approved, bool fails)
    {
        MockBuildEngine engine = new();
        CheckBuiltContainer task = new()
        {
            BuildEngine = engine,
            GeneratedConfiguration = $$$"""{"architecture":"amd64","os":"linux","config":{"User":"1654","Labels":{"org.opencontainers.image.base.digest":"sha256:{{{new string(used, 64)}}}"}},"rootfs":{"type":"layers","diff_ids":[]}}""",
            GeneratedDigest = "sha256:" + new string('e', 64),
            TargetImage = "localhost:5000/app",
            ApprovedUser = "1654",
            ApprovedBaseImageDigest = "sha256:" + new string(approved, 64),
            PinnedBaseImage = "localhost:5000/base/aspnet:10.0@sha256:" + new string(approved, 64),
        };

        Assert.Equal(!fails, task.Execute());
        Assert.Equal(fails ? ["SC4104"] : [], engine.Errors.Select(e => e.Code));
    }
}


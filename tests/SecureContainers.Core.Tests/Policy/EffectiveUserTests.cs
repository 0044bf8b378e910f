using SecureContainers.Core.Policy;

namespace SecureContainers.Core.Tests.Policy;

public class EffectiveUserTests
{
    private static readonly Dictionary<string, string> None = new();

    private static Dictionary<string, string> Env(string name, string value) => new() { [name] = value };

    [Fact]
    public void ContainerUserWinsOverAppUidAndBaseUser()
    {
        EffectiveUser user = EffectiveUser.Resolve("1000", Env("APP_UID", "1654"), None, "0");
        Assert.Equal(new EffectiveUser("1000", UserSource.ContainerUser), user);
    }

    [Fact]
    public void AppUidFromBaseEnvironmentWinsOverBaseUser()
    {
        EffectiveUser user = EffectiveUser.Resolve(null, Env("APP_UID", "1654"), None, "root");
        Assert.Equal(new EffectiveUser("1654", UserSource.AppUidEnvironment), user);
    }

    [Fact]
    public void ProjectEnvironmentOverridesBaseAppUid()
    {
        // The SDK adds ContainerEnvironmentVariable items to the config before it reads APP_UID.
        EffectiveUser user = EffectiveUser.Resolve("", Env("APP_UID", "1654"), Env("APP_UID", "0"), null);
        Assert.Equal(new EffectiveUser("0", UserSource.AppUidEnvironment), user);
    }

    [Fact]
    public void BaseUserUsedWhenNothingElseSetsOne()
    {
        Assert.Equal(new EffectiveUser("app", UserSource.BaseImageUser), EffectiveUser.Resolve(null, None, None, "app"));
    }

    [Fact]
    public void NoUserAnywhereMeansNone()
    {
        Assert.Equal(UserSource.None, EffectiveUser.Resolve(null, None, None, "").Source);
    }
}

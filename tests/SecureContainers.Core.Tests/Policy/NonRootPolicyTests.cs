using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Policy;

namespace SecureContainers.Core.Tests.Policy;

public class NonRootPolicyTests
{
    private const string Image = "localhost:5000/app:1 (linux/amd64)";

    private static readonly Func<string, uint?> Passwd = name => name switch
    {
        "root" => 0,
        "toor" => 0,
        "app" => 1654,
        _ => null,
    };

    private static IReadOnlyList<Diagnostic> Linux(string value, UserSource source = UserSource.ContainerUser, bool allowRoot = false, Func<string, uint?>? passwd = null) =>
        NonRootPolicy.Evaluate(Image, new EffectiveUser(value, source), isWindows: false, passwd ?? Passwd, allowRoot);

    private static string Single(IReadOnlyList<Diagnostic> diagnostics) => Assert.Single(diagnostics).Code;

    [Theory]
    [InlineData("root")]
    [InlineData("0")]
    [InlineData("00")]
    [InlineData("0:0")]
    [InlineData("0:1654")]
    [InlineData("root:app")]
    [InlineData("root:0")]
    public void RootUsersAreRejected(string user) => Assert.Equal("SC2001", Single(Linux(user)));

    [Fact]
    public void NoUserIsRoot() => Assert.Equal("SC2001", Single(Linux("", UserSource.None)));

    [Theory]
    [InlineData("-1")]
    [InlineData("4294967296")]
    [InlineData("4294967295")]
    [InlineData("a:b:c")]
    [InlineData("1654:")]
    [InlineData(":1654")]
    [InlineData("app user")]
    [InlineData("+5")]
    [InlineData("1654:4294967296")]
    public void MalformedUsersAreRejected(string user) => Assert.Equal("SC2003", Single(Linux(user)));

    [Fact]
    public void MalformedUserInBaseConfigIsRejectedToo() => Assert.Equal("SC2003", Single(Linux("", UserSource.BaseImageUser)));

    [Theory]
    [InlineData("1654")]
    [InlineData("1")]
    [InlineData("4294967294")]
    [InlineData("1654:1654")]
    [InlineData("1654:0")]
    [InlineData("1654:app")]
    public void NumericNonZeroUidsPass(string user) => Assert.Empty(Linux(user));

    [Fact]
    public void NameMappingToNonZeroUidPassesWithRunAsNonRootWarning()
    {
        Diagnostic d = Assert.Single(Linux("app"));
        Assert.Equal("SC2004", d.Code);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("<ContainerUser>1654</ContainerUser>", d.Message);
    }

    [Fact]
    public void NameMappingToUidZeroIsRoot() => Assert.Equal("SC2002", Single(Linux("toor")));

    [Fact]
    public void NameMissingFromPasswdIsAnError() => Assert.Equal("SC2005", Single(Linux("nobody-here")));

    [Fact]
    public void NameWithoutPasswdFileIsAnError()
    {
        IReadOnlyList<Diagnostic> d = NonRootPolicy.Evaluate(Image, new EffectiveUser("app", UserSource.ContainerUser), false, lookupUid: null, allowRoot: false);
        Assert.Equal("SC2005", Single(d));
    }

    [Theory]
    [InlineData("root")]
    [InlineData("0")]
    [InlineData("toor")]
    public void AllowRootTurnsRootIntoAWarning(string user)
    {
        Diagnostic d = Assert.Single(Linux(user, allowRoot: true));
        Assert.Equal("SC2006", d.Code);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
    }

    [Fact]
    public void AllowRootDoesNotExcuseMalformedUsers() => Assert.Equal("SC2003", Single(Linux("a:b:c", allowRoot: true)));

    [Fact]
    public void AllowRootIsSilentForNonRootUsers() => Assert.Empty(Linux("1654", allowRoot: true));

    [Theory]
    [InlineData("ContainerAdministrator", UserSource.BaseImageUser)]
    [InlineData("containeradministrator", UserSource.ContainerUser)]
    [InlineData("", UserSource.None)]
    public void WindowsAdministratorIsRejected(string user, UserSource source)
    {
        IReadOnlyList<Diagnostic> d = NonRootPolicy.Evaluate(Image, new EffectiveUser(user, source), isWindows: true, lookupUid: null, allowRoot: false);
        Assert.Equal("SC2008", Single(d));
    }

    [Fact]
    public void WindowsContainerUserPasses() =>
        Assert.Empty(NonRootPolicy.Evaluate(Image, new EffectiveUser("ContainerUser", UserSource.ContainerUser), true, null, false));

    [Theory]
    [InlineData("app", true)]
    [InlineData("app:app", true)]
    [InlineData("root", false)]
    [InlineData("1654", false)]
    [InlineData("a:b:c", false)]
    public void PasswdIsNeededOnlyForNonRootNames(string user, bool expected) =>
        Assert.Equal(expected, NonRootPolicy.NeedsPasswd(new EffectiveUser(user, UserSource.ContainerUser), isWindows: false));

    [Fact]
    public void MessagesNameTheImageAndTheFix()
    {
        Diagnostic d = Assert.Single(Linux("0"));
        Assert.Contains(Image, d.Message);
        Assert.Contains("SecureContainerAllowRoot", d.Message);
        Assert.Contains("from ContainerUser", d.Message);
    }
}

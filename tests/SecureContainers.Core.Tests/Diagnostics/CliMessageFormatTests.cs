using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Tests.Diagnostics;

/// <summary>The CLI wording of a code is the same finding: formatted from the same arguments, advising the tool's options.</summary>
public partial class CliMessageFormatTests
{
    public static TheoryData<string> CodesWithCliWording => new(DiagnosticCatalog.All.Where(d => d.CliMessageFormat is not null).Select(d => d.Code));

    [Theory]
    [MemberData(nameof(CodesWithCliWording))]
    public void CliWordingUsesOnlyArgumentsTheBuildWordingHas(string code)
    {
        DiagnosticDescriptor d = DiagnosticCatalog.All.Single(x => x.Code == code);
        HashSet<string> build = Placeholders(d.MessageFormat);
        Assert.All(Placeholders(d.CliMessageFormat!), p => Assert.Contains(p, build));
    }

    [Theory]
    [MemberData(nameof(CodesWithCliWording))]
    public void CliWordingNamesNoMsBuildProperty(string code)
    {
        string text = DiagnosticCatalog.All.Single(x => x.Code == code).CliMessageFormat!;
        Assert.DoesNotMatch(MsBuildProperty(), text);
    }

    [Fact]
    public void CliMessageFallsBackToTheBuildMessageAndFormatsTheSameArguments()
    {
        DiagnosticDescriptor plain = new("SC9998", DiagnosticSeverity.Error, "build {0}");
        DiagnosticDescriptor both = plain with { CliMessageFormat = "tool {0}" };

        Assert.Equal("build x", plain.Create("x").CliMessage);
        Assert.Equal("build x", both.Create("x").Message);
        Assert.Equal("tool x", both.Create("x").CliMessage);
        Assert.Equal("tool x", both.Create(DiagnosticSeverity.Warning, "x").CliMessage);
    }

    private static HashSet<string> Placeholders(string format) =>
        Regex.Matches(format, @"(?<!\{)\{(\d+)").Select(m => m.Groups[1].Value).ToHashSet();

    [GeneratedRegex(@"<SecureContainer|<Container|-p:|\b(SecureContainer[A-Z]\w*|Container(BaseImage|Registry|RuntimeIdentifier|Family|ImageTags?|User))\b")]
    private static partial Regex MsBuildProperty();
}

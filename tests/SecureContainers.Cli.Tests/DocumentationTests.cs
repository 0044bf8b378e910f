using SecureContainers.Core.Configuration;
using System.Reflection;
using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Cli.Tests;

/// <summary>Exit codes and the CLI's own diagnostic codes are promises to pipelines; each must be written down.</summary>
public class DocumentationTests
{
    [Fact]
    public void EveryExitCodeIsDocumentedWithItsNumber()
    {
        string doc = File.ReadAllText(RepositoryRoot.Combine("docs", "cli.md"));
        foreach (ExitCode code in Enum.GetValues<ExitCode>())
        {
            Assert.Matches(new Regex($@"^\|\s*{(int)code}\s*\|\s*`{code}`\s*\|", RegexOptions.Multiline), doc);
        }
    }

    [Fact]
    public void EveryCliDiagnosticIsDocumentedWithItsSeverity()
    {
        // docs/diagnostics.md lists them with every other code (the core catalog test); cli.md is where tool users look.
        string doc = File.ReadAllText(RepositoryRoot.Combine("docs", "cli.md"));
        IEnumerable<DiagnosticDescriptor> descriptors = typeof(CommandLineDiagnostics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!);
        foreach (DiagnosticDescriptor d in descriptors)
        {
            Match row = Regex.Match(doc, $@"^\|\s*{d.Code}\s*\|\s*(\w+)\s*\|", RegexOptions.Multiline);
            Assert.True(row.Success, $"{d.Code} has no row in docs/cli.md");
            Assert.Equal(d.DefaultSeverity.ToString(), row.Groups[1].Value, ignoreCase: true);
        }
    }
}

using SecureContainers.Core.Configuration;
using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Cli.Tests;

/// <summary>Exit codes, verbs, options and the CLI's own diagnostic codes are promises to pipelines; each must be written down.</summary>
public partial class DocumentationTests
{
    [Fact]
    public void EveryVerbAndOptionIsDocumentedInItsOwnSection()
    {
        string doc = File.ReadAllText(RepositoryRoot.Combine("docs", "cli.md"));
        RootCommand root = CliApp.CreateRootCommand(new CliContext { StandardOutput = Stream.Null, Output = TextWriter.Null, Error = TextWriter.Null });
        foreach (Command verb in root.Subcommands)
        {
            Match section = Regex.Match(doc, $@"^## `securecontainers {verb.Name}`\n(?<body>.*?)(?=^## |\z)", RegexOptions.Multiline | RegexOptions.Singleline);
            Assert.True(section.Success, $"docs/cli.md has no section '## `securecontainers {verb.Name}`'");
            string body = section.Groups["body"].Value;
            foreach (string name in verb.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith('-')))
            {
                Assert.True(body.Contains($"`{name}", StringComparison.Ordinal), $"{verb.Name}: option {name} is not documented in its section of docs/cli.md");
            }

            foreach (Argument argument in verb.Arguments)
            {
                Assert.True(body.Contains($"`<{argument.Name}>`", StringComparison.Ordinal), $"{verb.Name}: argument <{argument.Name}> is not documented in its section of docs/cli.md");
            }
        }
    }

    [Fact]
    public void ExitCodeTableAgreesWithExitCodesForEveryCatalogCode()
    {
        string doc = File.ReadAllText(RepositoryRoot.Combine("docs", "cli.md"));
        HashSet<string> catalog = DiagnosticCatalog.All.Select(d => d.Code).ToHashSet(StringComparer.Ordinal);
        Dictionary<string, ExitCode> documented = new(StringComparer.Ordinal);
        foreach (Match row in Regex.Matches(doc, @"^\|\s*(?<n>\d)\s*\|\s*`(?<name>\w+)`\s*\|(?<text>.*)\|\s*$", RegexOptions.Multiline))
        {
            ExitCode exit = (ExitCode)int.Parse(row.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
            foreach (string code in Codes(row.Groups["text"].Value))
            {
                Assert.True(catalog.Contains(code), $"docs/cli.md lists {code} under exit code {(int)exit}, but no such code exists");
                Assert.True(documented.TryAdd(code, exit), $"docs/cli.md lists {code} under two exit codes");
            }
        }

        foreach (string code in catalog)
        {
            // The table's rule: a code not listed gives 1; every code that gives anything else must be listed with it.
            ExitCode expected = ExitCodes.For(code);
            ExitCode shown = documented.GetValueOrDefault(code, ExitCode.Failure);
            Assert.True(expected == shown, $"{code} gives exit code {(int)expected} ({expected}), docs/cli.md says {(int)shown}");
        }

        Assert.All(ExitCodes.Listed, code => Assert.Contains(code, catalog));
    }

    /// <summary>The codes a table cell names: single codes and ranges written SC6001–SC6012 (en dash).</summary>
    private static IEnumerable<string> Codes(string text)
    {
        foreach (Match m in CodeOrRange().Matches(text))
        {
            int first = int.Parse(m.Groups["a"].Value, System.Globalization.CultureInfo.InvariantCulture);
            int last = m.Groups["b"].Success ? int.Parse(m.Groups["b"].Value, System.Globalization.CultureInfo.InvariantCulture) : first;
            for (int n = first; n <= last; n++)
            {
                yield return $"SC{n}";
            }
        }
    }

    [GeneratedRegex(@"SC(?<a>\d{4})(?:[–-]SC(?<b>\d{4}))?")]
    private static partial Regex CodeOrRange();

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

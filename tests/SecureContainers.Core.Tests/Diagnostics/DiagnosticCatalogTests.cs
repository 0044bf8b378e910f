using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Tests.Diagnostics;

public class DiagnosticCatalogTests
{
    [Fact]
    public void CodesAreUniqueAndWellFormed()
    {
        Assert.NotEmpty(DiagnosticCatalog.All);
        Assert.All(DiagnosticCatalog.All, d => Assert.Matches("^SC[0-9]{4}$", d.Code));
        Assert.Equal(DiagnosticCatalog.All.Count, DiagnosticCatalog.All.Select(d => d.Code).Distinct().Count());
    }

    [Fact]
    public void EveryCodeIsDocumentedWithItsSeverity()
    {
        string doc = File.ReadAllText(RepositoryRoot.Combine("docs", "diagnostics.md"));
        foreach (DiagnosticDescriptor d in DiagnosticCatalog.All)
        {
            Match row = Regex.Match(doc, $@"^\|\s*{d.Code}\s*\|\s*(\w+)\s*\|", RegexOptions.Multiline);
            Assert.True(row.Success, $"{d.Code} has no row in docs/diagnostics.md");
            Assert.Equal(d.DefaultSeverity.ToString(), row.Groups[1].Value, ignoreCase: true);
        }
    }

    [Fact]
    public void DocumentedCodesExistInTheCatalog()
    {
        // A code documented but never raised is a promise the product does not keep.
        string doc = File.ReadAllText(RepositoryRoot.Combine("docs", "diagnostics.md"));
        HashSet<string> known = DiagnosticCatalog.All.Select(d => d.Code).ToHashSet();
        foreach (Match m in Regex.Matches(doc, @"^\|\s*(SC\d{4})\s*\|", RegexOptions.Multiline))
        {
            Assert.Contains(m.Groups[1].Value, known);
        }
    }
}

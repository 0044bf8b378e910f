using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// A reviewed exception to the secret scan: a location pattern, a rule, or both, and the reason it is safe.
/// Matched findings are kept as suppressed (SARIF carries them with the justification) but no longer fail or warn.
/// </summary>
/// <param name="Pattern">
/// A glob over <see cref="SecretLocation.Key"/>: '*' and '?' stay within one path segment, '**' spans segments, a
/// trailing '/' means everything under the folder. A pattern without '/' matches the last segment at any depth
/// (as in .gitignore), so '*.pfx' covers every .pfx and 'env:DB_PASSWORD' that variable. Null: every location.
/// </param>
/// <param name="Rule">A rule code (<c>SC7108</c>) or id (<c>jwt</c>); null: every rule.</param>
/// <param name="Justification">Why this is not a leak. Required (SC7130).</param>
public sealed record SecretScanExclusion(string? Pattern, string? Rule, string? Justification)
{
    /// <summary>
    /// Maps an MSBuild item: <c>Include</c> is a pattern, or a rule code/id when <paramref name="rule"/> is empty
    /// and it names one (<c>&lt;SecureContainerSecretScanExclude Include="SC7108" Justification="..."/&gt;</c>).
    /// </summary>
    public static SecretScanExclusion FromItem(string include, string? rule, string? justification)
    {
        string trimmed = include?.Trim() ?? string.Empty;
        string? ruleTrimmed = string.IsNullOrWhiteSpace(rule) ? null : rule.Trim();
        if (ruleTrimmed is null && SecretRules.Find(trimmed) is not null)
        {
            return new SecretScanExclusion(null, trimmed, justification);
        }

        return new SecretScanExclusion(trimmed.Length == 0 ? null : trimmed, ruleTrimmed, justification);
    }

    /// <summary>How the item is named in messages.</summary>
    public string Describe() => (Pattern, Rule) switch
    {
        (null, null) => "(empty)",
        (string p, null) => p,
        (null, string r) => r,
        (string p, string r) => $"{p} (Rule={r})",
    };

    internal bool Matches(SecretRule rule, SecretLocation location, Regex? glob) =>
        (Rule is null || SecretRules.Find(Rule) == rule) && (glob is null || glob.IsMatch(GlobSubject(location.Key)));

    private string GlobSubject(string key) =>
        Pattern is not null && !Pattern.TrimEnd('/').Contains('/') && !Pattern.EndsWith('/') ? key[(key.LastIndexOf('/') + 1)..] : key;

    /// <summary>Reports SC7130/SC7131 for an unusable exclusion and returns its compiled glob (null when it has no pattern).</summary>
    internal bool TryCompile(IDiagnosticSink sink, out Regex? glob)
    {
        glob = null;
        if (Pattern is null && Rule is null)
        {
            sink.Report(SecretDiagnostics.InvalidExclusion.Create(Describe(), "it names neither a location nor a rule"));
            return false;
        }

        if (Rule is not null && SecretRules.Find(Rule) is null)
        {
            sink.Report(SecretDiagnostics.InvalidExclusion.Create(Describe(), $"'{Rule}' is not a secret rule code or id"));
            return false;
        }

        if (string.IsNullOrWhiteSpace(Justification))
        {
            sink.Report(SecretDiagnostics.ExclusionWithoutJustification.Create(Describe()));
            return false;
        }

        if (Pattern is not null)
        {
            glob = GlobToRegex(Pattern);
        }

        return true;
    }

    internal static Regex GlobToRegex(string pattern)
    {
        string p = pattern.Replace('\\', '/');
        if (p.StartsWith("./", StringComparison.Ordinal))
        {
            p = p[2..];
        }

        p = p.TrimStart('/');
        if (p.EndsWith('/'))
        {
            p += "**";
        }

        var regex = new System.Text.StringBuilder("^");
        for (int i = 0; i < p.Length; i++)
        {
            char c = p[i];
            if (c == '*' && i + 1 < p.Length && p[i + 1] == '*')
            {
                // '**/' matches zero or more whole segments; a bare '**' anything at all.
                bool slashFollows = i + 2 < p.Length && p[i + 2] == '/';
                regex.Append(slashFollows ? "(?:.*/)?" : ".*");
                i += slashFollows ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        regex.Append('$');
        return new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }
}

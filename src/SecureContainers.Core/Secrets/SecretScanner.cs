using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// The secret scan, run before anything is pushed: the publish directory, the environment variables, labels,
/// entrypoint and cmd the image will carry (for an image already built, the files of its app layers, scanned while the
/// layers were read: <see cref="SecretScanInput.ImageFiles"/>). Findings name a rule and a place, never the value. It throws only for a
/// missing publish directory; unreadable files are SC7132 warnings so nothing is skipped silently.
/// </summary>
public static partial class SecretScanner
{
    public static SecretScanResult Scan(SecretScanInput input, SecretScanOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= new SecretScanOptions();
        var diagnostics = new DiagnosticBag();
        List<(SecretScanExclusion Exclusion, Regex? Glob)> exclusions = new();
        foreach (SecretScanExclusion exclusion in options.Exclusions)
        {
            if (exclusion.TryCompile(diagnostics, out Regex? glob))
            {
                exclusions.Add((exclusion, glob));
            }
        }

        List<SecretFinding> findings = new();
        if (input.PublishDirectory is not null)
        {
            new PublishDirectoryScanner(input.PublishDirectory, options.MaxContentBytesPerFile, findings, diagnostics, cancellationToken).Run();
        }

        if (input.ImageFiles is { } imageFiles)
        {
            findings.AddRange(imageFiles.Findings);
            foreach (Diagnostic diagnostic in imageFiles.Diagnostics)
            {
                diagnostics.Report(diagnostic);
            }
        }

        ScanEnvironment(input.EnvironmentVariables, findings);
        ScanValues(input.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).ToArray(), SecretLocationKind.Label, findings);
        ScanValues(input.Entrypoint.Select((v, i) => KeyValuePair.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture), v)).ToArray(), SecretLocationKind.Entrypoint, findings);
        ScanValues(input.Cmd.Select((v, i) => KeyValuePair.Create(i.ToString(System.Globalization.CultureInfo.InvariantCulture), v)).ToArray(), SecretLocationKind.Cmd, findings);

        IEnumerable<SecretFinding> ordered = DropShadowedWarnings(findings)
            .Distinct()
            .OrderBy(f => f.Location.Kind)
            .ThenBy(f => f.Location.Name, StringComparer.Ordinal)
            .ThenBy(f => f.Location.Line ?? 0)
            .ThenBy(f => f.Code, StringComparer.Ordinal);

        SecretFinding[] result = ordered
            .Select(f => exclusions.FirstOrDefault(e => e.Exclusion.Matches(f.Rule, f.Location, e.Glob)) is { Exclusion: not null } hit ? f with { Suppression = hit.Exclusion } : f)
            .ToArray();
        return new SecretScanResult(result, diagnostics.Items);
    }

    /// <summary>
    /// A heuristic warning where a high-confidence rule already fired adds nothing (GITHUB_TOKEN=ghp_… is SC7106, not
    /// also SC7123), so it is dropped before exclusions are applied.
    /// </summary>
    private static IEnumerable<SecretFinding> DropShadowedWarnings(List<SecretFinding> findings)
    {
        HashSet<SecretLocation> withErrors = findings.Where(f => f.Severity == DiagnosticSeverity.Error).Select(f => f.Location).ToHashSet();
        return findings.Where(f => f.Severity == DiagnosticSeverity.Error || !withErrors.Contains(f.Location));
    }

    private static void ScanEnvironment(IReadOnlyDictionary<string, string> environment, List<SecretFinding> findings)
    {
        KeyValuePair<string, string>[] variables = environment.OrderBy(v => v.Key, StringComparer.Ordinal).ToArray();

        // An access key ID in one variable and its secret in another (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) pair up.
        var detector = new ContentSecretDetector(pairAwsAcrossSources: true);
        List<SecretFinding> nameFindings = new();
        HashSet<string> awsSecretVariables = new(StringComparer.Ordinal);
        for (int i = 0; i < variables.Length; i++)
        {
            (string name, string value) = variables[i];
            int source = i;
            TextLineReader.ForEachLine(value, (line, number) => detector.ScanLine(line, source, number));
            if (AwsSecretName().IsMatch(name) && ContentSecretDetector.IsAwsSecretValue(value.Trim()))
            {
                detector.NoteAwsSecret(i, 1);
                awsSecretVariables.Add(name);
            }

            if (SecretVariableName().IsMatch(name) && !SecretPlaceholders.IsPlaceholder(value))
            {
                nameFindings.Add(new SecretFinding(SecretRules.SecretEnvironmentVariable, new SecretLocation(SecretLocationKind.EnvironmentVariable, name)));
            }
        }

        int before = findings.Count;
        AddHits(detector, variables, SecretLocationKind.EnvironmentVariable, findings);

        // The secret half of a reported AWS key pair is part of that error, not a separate warning.
        bool awsPaired = findings.Skip(before).Any(f => f.Rule == SecretRules.AwsAccessKey);
        findings.AddRange(nameFindings.Where(f => !(awsPaired && awsSecretVariables.Contains(f.Location.Name))));
    }

    private static void ScanValues(KeyValuePair<string, string>[] values, SecretLocationKind kind, List<SecretFinding> findings)
    {
        var detector = new ContentSecretDetector(pairAwsAcrossSources: true);
        for (int i = 0; i < values.Length; i++)
        {
            int source = i;
            TextLineReader.ForEachLine(values[i].Value ?? string.Empty, (line, number) => detector.ScanLine(line, source, number));
        }

        AddHits(detector, values, kind, findings);
    }

    private static void AddHits(ContentSecretDetector detector, KeyValuePair<string, string>[] sources, SecretLocationKind kind, List<SecretFinding> findings)
    {
        // A value's line inside a variable is not a useful location; the variable, label or argument is.
        foreach ((SecretRule rule, int source, _) in detector.Complete())
        {
            findings.Add(new SecretFinding(rule, new SecretLocation(kind, sources[source].Key)));
        }
    }

    // Names as written in ContainerEnvironmentVariable: DB_PASSWORD, GITHUB_TOKEN, Jwt__Secret (.NET's section separator), API_KEY.
    [GeneratedRegex(@"(?:^|_)(?:PASSWORD|PASSWD|PWD|TOKEN|SECRET|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SecretVariableName();

    [GeneratedRegex(@"SECRET_?ACCESS_?KEY$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AwsSecretName();
}

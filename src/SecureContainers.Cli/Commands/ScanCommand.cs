using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Sarif;
using SecureContainers.Core.Vulnerabilities;
using SecureContainers.Core.Vulnerabilities.Osv;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers scan &lt;IMAGE|SBOM.json&gt; --db DIR [--fail-on SEV] [--output text|json|sarif]</c>: an image's
/// attached SBOM (or an SBOM file) matched against today's offline database, so a release pipeline learns about
/// vulnerabilities published after the image was built. Exit 1 when a finding is at or above <c>--fail-on</c>.
/// </summary>
internal sealed class ScanCommand : ICliCommand
{
    private static readonly string ToolVersion =
        typeof(ScanCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public Command Create(CliContext context)
    {
        Argument<string> target = new("image-or-sbom")
        {
            Description = "An SBOM file (CycloneDX JSON), or an image (registry/repository:tag or @sha256:<digest>) whose attached SBOM is fetched and verified.",
        };
        Option<string> database = DatabaseOption(required: true);
        Option<string> failOn = new("--fail-on")
        {
            HelpName = string.Join('|', ScanThreshold.Names),
            Description = "The lowest severity that fails the scan (exit code 1). unknown: every finding, those without a severity included; none: report only. Default: high.",
            DefaultValueFactory = _ => "high",
        };
        failOn.AcceptOnlyFromAmong([.. ScanThreshold.Names]);
        Option<string?> platform = PlatformOption();
        Option<string> output = OutputFormatOption.CreateWithSarif();

        Command command = new("scan", "Match an image's attached SBOM (or an SBOM file) against an offline OSV database: what is vulnerable today.");
        command.Arguments.Add(target);
        command.Options.Add(database);
        command.Options.Add(failOn);
        command.Options.Add(platform);
        command.Options.Add(output);
        command.SetAction((parse, ct) => CommandAction.RunAsync(context, new CommandRun("scan", parse.GetValue(output) == "json"), () => RunAsync(
            context,
            parse.GetRequiredValue(target),
            parse.GetRequiredValue(database),
            parse.GetValue(failOn)!,
            parse.GetValue(platform),
            parse.GetValue(output)!,
            ct)));
        return command;
    }

    internal static Option<string> DatabaseOption(bool required) => new("--db")
    {
        HelpName = "path",
        Description = "The offline OSV database: a folder of OSV records, or osv-scanner's <folder>/<Ecosystem>/all.zip layout." + (required ? string.Empty : " With it, the vulnerabilities fixed and introduced are listed too."),
        Required = required,
    };

    internal static Option<string?> PlatformOption() => new("--platform")
    {
        HelpName = "os/arch[/variant]",
        Description = "For a multi-platform image, the platform whose SBOM to read. Default: the only platform, else linux/amd64.",
    };

    private static async Task<ExitCode> RunAsync(CliContext context, string target, string databasePath, string failOn, string? platformText, string output, CancellationToken ct)
    {
        // Everything the command line decides is checked before the registry is asked.
        SbomSource.CheckArgument(target, "scan");
        ScanThreshold.TryParse(failOn, out ScanThreshold threshold);
        Core.Oci.Platform? platform = platformText is null ? null : PlatformText.Parse(platformText);
        DiagnosticBag diagnostics = new();
        OsvDatabase database = SbomSource.LoadDatabase(context, databasePath, diagnostics, ct);
        SbomSource.Loaded loaded = await SbomSource.LoadAsync(context, target, platform, "scan", ct).ConfigureAwait(false);

        SbomScanResult result = SbomScanner.Scan(loaded.Sbom, database, threshold, diagnostics);
        Diagnostic[] reported = diagnostics.Items.Where(d => d.Severity != DiagnosticSeverity.Message).ToArray();
        foreach (Diagnostic d in reported)
        {
            context.Report(d);
        }

        ExitCode exitCode = result.HasFailures ? ExitCode.Failure : ExitCode.Success;
        switch (output)
        {
            case "json":
                ResultDocument.Write(context, "scan", exitCode, reported, w => WriteFields(w, loaded, database, result));
                break;
            case "sarif":
                VulnerabilityReport report = result.ToReport();
                byte[] sarif = SarifWriter.Write(new SarifRun(new SarifTool("SecureContainers", ToolVersion), VulnerabilitySarif.Rules(report), VulnerabilitySarif.Results(report)));
                await context.StandardOutput.WriteAsync(sarif, ct).ConfigureAwait(false);
                await context.StandardOutput.FlushAsync(ct).ConfigureAwait(false);
                break;
            default:
                WriteText(context.Output, loaded, database, result);
                break;
        }

        return exitCode;
    }

    private static void WriteText(TextWriter o, SbomSource.Loaded loaded, OsvDatabase database, SbomScanResult result)
    {
        int failing = result.Findings.Count(f => f.Fails);
        string verdict = failing > 0 ? $"FAILED: {failing} at or above {result.Threshold.Name}" : $"passed: none at or above {result.Threshold.Name}";
        o.WriteLine($"{loaded.Source}: {result.Findings.Count} finding(s) in {result.ComponentsChecked} component(s), {verdict} (database {database.Path}, {database.RecordCount} records)");
        foreach (SbomScanFinding f in result.Findings)
        {
            VulnerabilityFinding v = f.Finding;
            string mark = f.Fails ? "FAIL" : f.Excluded ? "info" : v.Suppressed ? "supp" : "    ";
            string fix = v.FixedVersion is { } fixedIn ? $" -> {fixedIn}" : " (no fix yet)";
            o.WriteLine($"  {mark} {v.Advisory.Severity.ToName(),-8} {v.Advisory.Id,-24} {v.PackageId} {v.PackageVersion}{fix} [{f.Ecosystem}]{(v.Suppressed ? " suppressed: " + v.Justification : string.Empty)}");
        }
    }

    private static void WriteFields(Utf8JsonWriter w, SbomSource.Loaded loaded, OsvDatabase database, SbomScanResult result)
    {
        loaded.WriteFields(w);
        w.WriteStartObject("database");
        w.WriteString("path", database.Path);
        w.WriteNumber("records", database.RecordCount);
        w.WriteString("newestModified", database.NewestModified?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteString("failOn", result.Threshold.Name);
        w.WriteNumber("componentsChecked", result.ComponentsChecked);
        w.WriteStartArray("findings");
        foreach (SbomScanFinding f in result.Findings)
        {
            WriteFinding(w, f);
        }

        w.WriteEndArray();
    }

    internal static void WriteFinding(Utf8JsonWriter w, SbomScanFinding f)
    {
        VulnerabilityFinding v = f.Finding;
        w.WriteStartObject();
        w.WriteString("id", v.Advisory.Id);
        w.WriteStartArray("aliases");
        foreach (string alias in v.Match?.Aliases ?? [])
        {
            w.WriteStringValue(alias);
        }

        w.WriteEndArray();
        w.WriteString("url", v.Advisory.Url);
        w.WriteString("purl", v.BomRef);
        w.WriteString("package", v.PackageId);
        w.WriteString("installedVersion", v.PackageVersion);
        w.WriteString("fixedVersion", v.FixedVersion);
        w.WriteString("severity", v.Advisory.Severity.ToName());
        if (v.Match?.Severity.Score is double score)
        {
            w.WriteNumber("score", score);
        }
        else
        {
            w.WriteNull("score");
        }

        w.WriteString("ecosystem", f.Ecosystem);
        w.WriteBoolean("suppressed", v.Suppressed);
        w.WriteString("justification", v.Justification);
        w.WriteBoolean("excluded", f.Excluded);
        w.WriteBoolean("fails", f.Fails);
        w.WriteString("code", v.Code);
        w.WriteEndObject();
    }
}

using System.CommandLine;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Vulnerabilities;
using SecureContainers.Core.Vulnerabilities.Osv;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// <c>securecontainers diff &lt;OLD&gt; &lt;NEW&gt; [--db DIR] [--output text|json]</c>: what changed between two releases,
/// each an image (its attached SBOM) or an SBOM file. Informational: exit 0 whatever changed.
/// </summary>
internal sealed class DiffCommand : ICliCommand
{
    public Command Create(CliContext context)
    {
        Argument<string> old = new("old") { Description = "The earlier release: an SBOM file or an image whose attached SBOM is fetched." };
        Argument<string> @new = new("new") { Description = "The later release: an SBOM file or an image whose attached SBOM is fetched." };
        Option<string> database = ScanCommand.DatabaseOption(required: false);
        Option<string?> platform = ScanCommand.PlatformOption();
        Option<string> output = OutputFormatOption.Create();

        Command command = new("diff", "Compare two releases' SBOMs: packages added, removed, upgraded and downgraded, and with --db the vulnerabilities fixed and introduced.");
        command.Arguments.Add(old);
        command.Arguments.Add(@new);
        command.Options.Add(database);
        command.Options.Add(platform);
        command.Options.Add(output);
        command.SetAction((parse, ct) => CommandAction.RunAsync(context, new CommandRun("diff", parse.GetValue(output) == "json"), () => RunAsync(
            context,
            parse.GetRequiredValue(old),
            parse.GetRequiredValue(@new),
            parse.GetValue(database),
            parse.GetValue(platform),
            parse.GetValue(output) == "json",
            ct)));
        return command;
    }

    private static async Task<ExitCode> RunAsync(CliContext context, string oldText, string newText, string? databasePath, string? platformText, bool json, CancellationToken ct)
    {
        SbomSource.CheckArgument(oldText, "diff");
        SbomSource.CheckArgument(newText, "diff");
        Core.Oci.Platform? platform = platformText is null ? null : PlatformText.Parse(platformText);
        DiagnosticBag diagnostics = new();
        OsvDatabase? database = databasePath is null ? null : SbomSource.LoadDatabase(context, databasePath, diagnostics, ct);
        SbomSource.Loaded old = await SbomSource.LoadAsync(context, oldText, platform, "diff", ct).ConfigureAwait(false);
        SbomSource.Loaded @new = await SbomSource.LoadAsync(context, newText, platform, "diff", ct).ConfigureAwait(false);

        // Only fixed/introduced matter here, so every finding counts whatever its severity.
        ScanThreshold.TryParse("none", out ScanThreshold all);
        SbomScanResult? oldScan = database is null ? null : SbomScanner.Scan(old.Sbom, database, all, diagnostics);
        SbomScanResult? newScan = database is null ? null : SbomScanner.Scan(@new.Sbom, database, all, diagnostics);
        SbomDiffResult diff = SbomDiff.Compare(old.Sbom, @new.Sbom, oldScan, newScan);

        Diagnostic[] reported = diagnostics.Items.Where(d => d.Severity != DiagnosticSeverity.Message).ToArray();
        foreach (Diagnostic d in reported)
        {
            context.Report(d);
        }

        if (json)
        {
            ResultDocument.Write(context, "diff", ExitCode.Success, reported, w => WriteFields(w, old, @new, diff));
        }
        else
        {
            WriteText(context.Output, old, @new, diff);
        }

        return ExitCode.Success;
    }

    private static string Name(SbomChangeKind kind) => kind.ToString().ToLowerInvariant();

    private static void WriteText(TextWriter o, SbomSource.Loaded old, SbomSource.Loaded @new, SbomDiffResult diff)
    {
        o.WriteLine($"{old.Source} -> {@new.Source}: {diff.Components.Count} component(s) changed, {diff.Unchanged} unchanged");
        foreach (IGrouping<SbomChangeKind, SbomComponentChange> group in diff.Components.GroupBy(c => c.Kind).OrderBy(g => g.Key))
        {
            o.WriteLine($"{group.Key} ({group.Count()}):");
            foreach (SbomComponentChange c in group)
            {
                o.WriteLine(c.Kind switch
                {
                    SbomChangeKind.Added => $"  + {c.Key} {c.NewVersion}",
                    SbomChangeKind.Removed => $"  - {c.Key} {c.OldVersion}",
                    _ => $"  ~ {c.Key} {c.OldVersion} -> {c.NewVersion}",
                });
            }
        }

        if (diff.Vulnerabilities is { } vulnerabilities)
        {
            o.WriteLine($"Vulnerabilities: {vulnerabilities.Count(v => v.Fixed)} fixed, {vulnerabilities.Count(v => !v.Fixed)} introduced");
            foreach (SbomVulnerabilityChange v in vulnerabilities)
            {
                o.WriteLine($"  {(v.Fixed ? "fixed     " : "introduced")} {v.Severity.ToName(),-8} {v.Id} in {v.Package} {v.Version}");
            }
        }
    }

    private static void WriteFields(Utf8JsonWriter w, SbomSource.Loaded old, SbomSource.Loaded @new, SbomDiffResult diff)
    {
        foreach ((string name, SbomSource.Loaded loaded) in new[] { ("old", old), ("new", @new) })
        {
            w.WriteStartObject(name);
            loaded.WriteFields(w);
            w.WriteEndObject();
        }
        w.WriteNumber("unchanged", diff.Unchanged);
        foreach (SbomChangeKind kind in Enum.GetValues<SbomChangeKind>())
        {
            w.WriteStartArray(Name(kind));
            foreach (SbomComponentChange c in diff.Components.Where(c => c.Kind == kind))
            {
                w.WriteStartObject();
                w.WriteString("key", c.Key);
                w.WriteString("name", c.Name);
                w.WriteString("oldVersion", c.OldVersion);
                w.WriteString("newVersion", c.NewVersion);
                w.WriteString("oldRef", c.OldRef);
                w.WriteString("newRef", c.NewRef);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (diff.Vulnerabilities is { } vulnerabilities)
        {
            w.WriteStartObject("vulnerabilities");
            foreach ((string name, bool isFixed) in new[] { ("fixed", true), ("introduced", false) })
            {
                w.WriteStartArray(name);
                foreach (SbomVulnerabilityChange v in vulnerabilities.Where(v => v.Fixed == isFixed))
                {
                    w.WriteStartObject();
                    w.WriteString("id", v.Id);
                    w.WriteString("key", v.ComponentKey);
                    w.WriteString("package", v.Package);
                    w.WriteString("version", v.Version);
                    w.WriteString("severity", v.Severity.ToName());
                    w.WriteString("fixedVersion", v.FixedVersion);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("vulnerabilities");
        }
    }
}

using SecureContainers.Core.Configuration;
using System.Reflection;
using System.Text.Json;
using SecureContainers.Build.NuGetAudit;
using SecureContainers.Core.Policy;
using SecureContainers.Core.Sarif;
using SecureContainers.Core.NuGet;
using SecureContainers.Core.Secrets;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Build.Tasks;

public sealed partial class CheckPublishedContent : SecureContainerTask
{
    private static readonly string ToolVersion =
        typeof(CheckPublishedContent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken)
    {
        // The gate already reported a bad profile (SC1002); parse quietly here so it is reported once.
        SecurityProfile profile = PolicyOptions.ParseProfile(Profile, new Core.Diagnostics.DiagnosticBag());
        bool scanFiles = !string.IsNullOrWhiteSpace(PublishDirectory);
        ContentGateRequest request = new()
        {
            Image = Image,
            Secrets = scanFiles || ScanConfiguration
                ? new SecretScanInput
                {
                    PublishDirectory = scanFiles ? PublishDirectory : null,
                    EnvironmentVariables = ScanConfiguration ? EnvironmentVariables.ToDictionary(i => i.ItemSpec, i => i.GetMetadata("Value"), StringComparer.Ordinal) : new Dictionary<string, string>(),
                    Labels = ScanConfiguration ? Labels.GroupBy(i => i.ItemSpec, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().GetMetadata("Value"), StringComparer.Ordinal) : new Dictionary<string, string>(),
                    Entrypoint = ScanConfiguration ? Entrypoint : [],
                    Cmd = ScanConfiguration ? Cmd : [],
                }
                : null,
            SecretOptions = new SecretScanOptions
            {
                Exclusions = SecretScanExclusions.Select(i => SecretScanExclusion.FromItem(i.ItemSpec, NullIfEmpty(i.GetMetadata("Rule")), NullIfEmpty(i.GetMetadata("Justification")))).ToArray(),
            },
            Ports = CheckPorts
                ? (Ports.Select(p => $"{p.ItemSpec}/{(string.IsNullOrEmpty(p.GetMetadata("Type")) ? "tcp" : p.GetMetadata("Type"))}").ToArray(),
                   GateResults.SelectMany(r => r.GetMetadata("BasePorts").Split(';', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToArray(),
                   GateResults.All(r => r.GetMetadata("RunsAsNonRoot") == "true"))
                : null,
            Libraries = CheckVulnerabilities ? Closure() : null,
            VulnerabilityOptions = CheckVulnerabilities
                ? VulnerabilityPolicyOptions.Resolve(profile, VulnerabilitySeverity, RequireVulnerabilityData,
                    NuGetAuditSuppress.Select(i => i.ItemSpec),
                    VulnerabilitySuppressions.Select(i => new VulnerabilitySuppressionItem(i.ItemSpec, NullIfEmpty(i.GetMetadata("Justification")), NullIfEmpty(i.GetMetadata("State")))),
                    Sink)
                : null,
            SarifFile = NullIfEmpty(SarifFile),
            Tool = new SarifTool("SecureContainers", ToolVersion),
        };

        if (Log.HasLoggedErrors)
        {
            return;
        }

        NuGetVulnerabilitySource? source = CheckVulnerabilities
            ? new NuGetVulnerabilitySource(Path.GetDirectoryName(ProjectFile) ?? Directory.GetCurrentDirectory(), NullIfEmpty(RestoreSources)?.Split(';', StringSplitOptions.RemoveEmptyEntries), NullIfEmpty(RestoreConfigFile))
            : null;
        VulnerabilityReport? report = await ContentGate.RunAsync(request, source, Sink, cancellationToken).ConfigureAwait(false);

        if (CheckVulnerabilities && NullIfEmpty(VulnerabilitiesFile) is { } file)
        {
            // Handed to the SBOM task, which runs after the push (in each inner build of a multi-RID publish).
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, JsonSerializer.SerializeToUtf8Bytes(report?.ToSbomVulnerabilities() ?? []), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The union of the RIDs' runtime closures (one per package id and version).</summary>
    private IReadOnlyList<NuGetLibrary> Closure()
    {
        IEnumerable<string?> rids = RuntimeIdentifiers.Length == 0 ? [null] : RuntimeIdentifiers.Select(r => (string?)r);
        return rids
            .SelectMany(rid => ProjectAssetsReader.Read(ProjectAssetsFile!, TargetFramework!, rid, Sink).Libraries)
            .GroupBy(l => (l.Id.ToLowerInvariant(), l.Version.ToLowerInvariant()))
            .Select(g => g.First())
            .ToArray();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

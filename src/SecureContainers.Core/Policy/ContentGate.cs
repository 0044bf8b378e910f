using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Sarif;
using SecureContainers.Core.NuGet;
using SecureContainers.Core.Secrets;
using SecureContainers.Core.Vulnerabilities;
using SecureContainers.Core.Vulnerabilities.Osv;

namespace SecureContainers.Core.Policy;

/// <summary>What the content gate checks; each part is optional so a multi-RID build can split the work.</summary>
public sealed record ContentGateRequest
{
    public required string Image { get; init; }

    /// <summary>What the image will carry from us; <see cref="SecretScanInput.PublishDirectory"/> null skips the file walk.</summary>
    public SecretScanInput? Secrets { get; init; }

    public SecretScanOptions SecretOptions { get; init; } = new();

    /// <summary>The scan of <see cref="Secrets"/> when the caller started it earlier, beside other work; null scans here.</summary>
    public Task<SecretScanResult>? StartedSecretScan { get; init; }

    /// <summary>Ports from the project (<c>ContainerPort</c>, as <c>22/tcp</c>) and the base image; null skips the port rules.</summary>
    public (IReadOnlyList<string> Project, IReadOnlyList<string> Base, bool RunsAsNonRoot)? Ports { get; init; }

    /// <summary>The NuGet closure to check for advisories; null skips the vulnerability gate.</summary>
    public IReadOnlyList<NuGetLibrary>? Libraries { get; init; }

    /// <summary>Packages restore resolved that the image does not contain: their advisories are information (SC7014).</summary>
    public IReadOnlyList<NotShippedLibrary> NotShippedLibraries { get; init; } = [];

    public VulnerabilityPolicyOptions? VulnerabilityOptions { get; init; }

    /// <summary>The offline OSV database (SecureContainerVulnerabilityDatabase); null checks NuGet feeds only.</summary>
    public OsvDatabase? Database { get; init; }

    /// <summary>The base images whose OS packages are matched against <see cref="Database"/>.</summary>
    public IReadOnlyList<OsvImage> OsImages { get; init; } = [];

    /// <summary>Where to write the SARIF report of secret and vulnerability findings; null for none.</summary>
    public string? SarifFile { get; init; }

    public required SarifTool Tool { get; init; }
}

/// <summary>
/// The content gate, before push: secrets in what the image carries, risky ports, and known-vulnerable packages.
/// Findings are reported as coded diagnostics (never with a secret's value) and written to one SARIF report.
/// </summary>
public static class ContentGate
{
    public static async Task<VulnerabilityReport?> RunAsync(ContentGateRequest request, IVulnerabilitySource? vulnerabilitySource, IDiagnosticSink sink, CancellationToken ct)
    {
        List<SarifRule> rules = new();
        List<SarifResult> results = new();

        if (request.Secrets is { } secrets)
        {
            SecretScanResult scan = request.StartedSecretScan is { } started
                ? await started.ConfigureAwait(false)
                : SecretScanner.Scan(secrets, request.SecretOptions, ct);
            foreach (Diagnostic d in scan.Diagnostics)
            {
                sink.Report(d);
            }

            rules.AddRange(SecretSarif.Rules);
            results.AddRange(SecretSarif.Results(scan));
        }

        if (request.Ports is { } ports)
        {
            foreach (Diagnostic d in PortPolicy.Evaluate(request.Image, ports.Project, ports.Base, ports.RunsAsNonRoot))
            {
                sink.Report(d);
            }
        }

        VulnerabilityReport? report = null;
        OsvDatabase? database = request.VulnerabilityOptions is null ? null : request.Database;
        if (request.Libraries is { } libraries && request.VulnerabilityOptions is { } options && vulnerabilitySource is not null)
        {
            report = await VulnerabilityGate.CheckAsync(libraries, vulnerabilitySource, options, sink, ct, reportUnusedSuppressions: database is null,
                notShipped: request.NotShippedLibraries).ConfigureAwait(false);
        }

        if (database is not null)
        {
            // OS and NuGet findings from the database join the feed's in one report, one SARIF run and one SBOM list.
            VulnerabilityPolicyOptions policy = request.VulnerabilityOptions!;
            IReadOnlyList<VulnerabilityFinding> found = OsvVulnerabilityGate.Evaluate(database, request.OsImages, request.Libraries, report?.Findings ?? [], policy, sink);
            int osPackages = request.OsImages.Sum(i => i.Contents.Packages.Count);
            report = report is null
                ? new VulnerabilityReport(found, [], [database.Path], osPackages + (request.Libraries?.Count ?? 0))
                : report with { Findings = [.. report.Findings, .. found], SourcesWithData = [.. report.SourcesWithData, database.Path], PackagesChecked = report.PackagesChecked + osPackages };
            VulnerabilityGate.ReportUnused(policy, report.Findings, sink);
        }

        if (report is not null)
        {
            rules.AddRange(VulnerabilitySarif.Rules(report));
            results.AddRange(VulnerabilitySarif.Results(report));
        }

        if (request.SarifFile is { } sarif)
        {
            SarifWriter.WriteToFile(new SarifRun(request.Tool, rules, results)
            {
                UriBaseDescriptions = new Dictionary<string, string> { [SecretSarif.PublishDirBase] = "The app's publish directory, copied into the image." },
            }, sarif);
        }

        return report;
    }
}

using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Secrets;

/// <summary>What the image will carry from the project, as the SDK will write it.</summary>
public sealed record SecretScanInput
{
    /// <summary>The publish directory (the SDK's <c>PublishDir</c>), or null to scan only the config values.</summary>
    public string? PublishDirectory { get; init; }

    /// <summary>The project's <c>ContainerEnvironmentVariable</c> items (name → value).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; init; } = new Dictionary<string, string>();

    /// <summary>The project's <c>ContainerLabel</c> items (name → value).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The config's Entrypoint as the SDK composes it (<c>ContainerAppCommand</c> plus <c>ContainerAppCommandArgs</c>).</summary>
    public IReadOnlyList<string> Entrypoint { get; init; } = [];

    /// <summary>The config's Cmd (<c>ContainerDefaultArgs</c>).</summary>
    public IReadOnlyList<string> Cmd { get; init; } = [];

    /// <summary>
    /// For an image that is already built: what <see cref="ImageFileSecretScanner"/> found in the files of its app
    /// layers while they were read. <see cref="SecretScanner.Scan"/> merges it with the config values' findings and
    /// applies the exclusions to all of them alike.
    /// </summary>
    public ImageFileSecretScan? ImageFiles { get; init; }
}

/// <summary>Knobs of the secret scan.</summary>
public sealed record SecretScanOptions
{
    /// <summary>Bytes of each file read for content rules; the rest is not read (SC7133). File-name rules always apply.</summary>
    public long MaxContentBytesPerFile { get; init; } = 10 * 1024 * 1024;

    public IReadOnlyList<SecretScanExclusion> Exclusions { get; init; } = [];
}

/// <summary>The outcome: every finding (suppressed ones included, for SARIF) and the scan's own diagnostics.</summary>
public sealed record SecretScanResult(IReadOnlyList<SecretFinding> Findings, IReadOnlyList<Diagnostic> ScanDiagnostics)
{
    public IEnumerable<SecretFinding> Reported => Findings.Where(f => !f.IsSuppressed);

    public IEnumerable<SecretFinding> Suppressed => Findings.Where(f => f.IsSuppressed);

    /// <summary>
    /// What to log: configuration errors and not-scanned warnings first, then one diagnostic per reported finding.
    /// Suppressed findings produce none (they are in the SARIF report with their justification).
    /// </summary>
    public IReadOnlyList<Diagnostic> Diagnostics => [.. ScanDiagnostics, .. Reported.Select(f => f.ToDiagnostic())];

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}

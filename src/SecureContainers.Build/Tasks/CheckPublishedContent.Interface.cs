using Microsoft.Build.Framework;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// The content gate, before push: secrets in what the image will carry from us (publish directory, environment
/// variables, labels, entrypoint and arguments), risky ports, and NuGet packages with known advisories. Writes one
/// SARIF report and, for the SBOM, the matched advisories.
/// </summary>
public sealed partial class CheckPublishedContent
{
    [Required]
    public string Image { get; set; } = string.Empty;

    /// <summary>The publish directory (<c>PublishDir</c>); empty skips the file walk (the outer build of a multi-RID publish).</summary>
    public string? PublishDirectory { get; set; }

    /// <summary>Scan environment variables, labels, entrypoint and arguments (once per build: single-RID or the outer build).</summary>
    public bool ScanConfiguration { get; set; }

    /// <summary>Environment variables the SDK adds (item spec = name, <c>Value</c> metadata).</summary>
    public ITaskItem[] EnvironmentVariables { get; set; } = [];

    /// <summary>Labels the SDK adds (item spec = name, <c>Value</c> metadata).</summary>
    public ITaskItem[] Labels { get; set; } = [];

    /// <summary>The entrypoint and its arguments (<c>ContainerEntrypoint</c>, <c>ContainerAppCommand</c> and their args).</summary>
    public string[] Entrypoint { get; set; } = [];

    /// <summary>The default arguments (<c>ContainerDefaultArgs</c>).</summary>
    public string[] Cmd { get; set; } = [];

    /// <summary><c>SecureContainerSecretScanExclude</c> items: a path glob or rule (item spec, or <c>Rule</c> metadata) and a required <c>Justification</c>.</summary>
    public ITaskItem[] SecretScanExclusions { get; set; } = [];

    /// <summary>Check ports (per image: needs the user the gate approved).</summary>
    public bool CheckPorts { get; set; }

    /// <summary><c>ContainerPort</c> items (number, <c>Type</c> metadata).</summary>
    public ITaskItem[] Ports { get; set; } = [];

    /// <summary>The base image's exposed ports and whether the image runs as non-root, from the gate's result item.</summary>
    public ITaskItem[] GateResults { get; set; } = [];

    /// <summary>Check the NuGet closure against advisories (once per build: single-RID or the outer build).</summary>
    public bool CheckVulnerabilities { get; set; }

    public string? ProjectAssetsFile { get; set; }

    public string? TargetFramework { get; set; }

    /// <summary>The RIDs whose closures to check (their union for a multi-RID build); empty for a portable app.</summary>
    public string[] RuntimeIdentifiers { get; set; } = [];

    public string? Profile { get; set; }

    /// <summary><c>SecureContainerVulnerabilitySeverity</c>: low, moderate, high (default) or critical.</summary>
    public string? VulnerabilitySeverity { get; set; }

    /// <summary><c>SecureContainerRequireVulnerabilityData</c>: no advisory data is an error rather than a warning.</summary>
    public string? RequireVulnerabilityData { get; set; }

    /// <summary>The SDK's <c>NuGetAuditSuppress</c> items (advisory URLs).</summary>
    public ITaskItem[] NuGetAuditSuppress { get; set; } = [];

    /// <summary><c>SecureContainerVulnerabilitySuppression</c> items: advisory id or URL, required <c>Justification</c>, optional <c>State</c>.</summary>
    public ITaskItem[] VulnerabilitySuppressions { get; set; } = [];

    /// <summary><c>RestoreSources</c>, when the project overrides nuget.config's sources.</summary>
    public string? RestoreSources { get; set; }

    /// <summary><c>RestoreConfigFile</c>, when the project names a nuget.config.</summary>
    public string? RestoreConfigFile { get; set; }

    /// <summary>Where to write the matched advisories for the SBOM (JSON); written whenever <see cref="CheckVulnerabilities"/> is set.</summary>
    public string? VulnerabilitiesFile { get; set; }

    /// <summary>The SARIF 2.1.0 report to write.</summary>
    public string? SarifFile { get; set; }
}

namespace SecureContainers.Core.Vulnerabilities;

/// <summary>
/// <c>--fail-on</c>: the lowest severity that fails a scan. <c>critical</c>, <c>high</c>, <c>medium</c> (NuGet's and
/// GitHub's "moderate") and <c>low</c> are the build's thresholds; <c>unknown</c> fails on every finding, those whose
/// record gives no severity included; <c>none</c> never fails (report only).
/// </summary>
public sealed record ScanThreshold(string Name, VulnerabilitySeverity? Level)
{
    public static readonly ScanThreshold Default = new("high", VulnerabilitySeverity.High);

    public static readonly IReadOnlyList<string> Names = ["critical", "high", "medium", "low", "unknown", "none"];

    /// <summary>
    /// The threshold the build's gate is given, so its messages name the same line: the level itself, <c>low</c> for
    /// <c>unknown</c>, and <c>critical</c> for <c>none</c> (nothing fails there anyway).
    /// </summary>
    public VulnerabilitySeverity GateLevel => Level ?? (Name == "unknown" ? VulnerabilitySeverity.Low : VulnerabilitySeverity.Critical);

    public static bool TryParse(string? value, out ScanThreshold threshold)
    {
        threshold = Default;
        string name = value?.Trim().ToLowerInvariant() ?? string.Empty;
        switch (name)
        {
            case "unknown":
            case "none":
                threshold = new ScanThreshold(name, null);
                return true;
            case "medium":
                threshold = new ScanThreshold(name, VulnerabilitySeverity.Moderate);
                return true;
            default:
                if (VulnerabilitySeverityNames.TryParseThreshold(name, out VulnerabilitySeverity level))
                {
                    threshold = new ScanThreshold(name, level);
                    return true;
                }

                return false;
        }
    }

    /// <summary>Whether a finding of <paramref name="severity"/> is at or above the threshold.</summary>
    public bool Fails(VulnerabilitySeverity severity) => Name switch
    {
        "none" => false,
        "unknown" => true,
        _ => severity != VulnerabilitySeverity.Unknown && severity >= Level,
    };
}

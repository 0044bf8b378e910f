namespace SecureContainers.Core.Sarif;

/// <summary>SARIF <c>level</c> (§3.27.10).</summary>
public enum SarifLevel
{
    None,
    Note,
    Warning,
    Error,
}

/// <summary>The tool that produced the run (<c>tool.driver</c>).</summary>
/// <param name="DiagnosticsHelpUri">
/// Absolute URI of docs/diagnostics.md; each rule's <c>helpUri</c> is it plus <c>#&lt;id in lower case&gt;</c>.
/// Null leaves helpUri out (SARIF requires an absolute URI there).
/// </param>
public sealed record SarifTool(string Name, string Version, Uri? InformationUri = null, Uri? DiagnosticsHelpUri = null);

/// <summary>A rule (<c>reportingDescriptor</c>). <see cref="Id"/> is the stable code, e.g. <c>SC7101</c>.</summary>
public sealed record SarifRule(string Id, string Name, string ShortDescription, string FullDescription, SarifLevel DefaultLevel);

/// <summary>
/// Where a result is: a file relative to a base (<see cref="UriBaseId"/>: <c>PUBLISHDIR</c>, <c>SRCROOT</c>) with an
/// optional line, or a logical place (an environment variable, a label, a package by purl).
/// </summary>
public abstract record SarifLocation
{
    /// <summary>The stable text that identifies the place in fingerprints (never a secret).</summary>
    internal abstract string FingerprintKey { get; }
}

/// <param name="RelativeUri">Relative path with '/', not escaped (the writer escapes it).</param>
public sealed record SarifPhysicalLocation(string UriBaseId, string RelativeUri, int? StartLine = null) : SarifLocation
{
    internal override string FingerprintKey => $"{UriBaseId}:{RelativeUri}";
}

/// <param name="Kind">SARIF's logical location kind, e.g. <c>variable</c>, <c>property</c>, <c>parameter</c>, <c>module</c>.</param>
/// <param name="FullyQualifiedName">For example <c>env:DB_PASSWORD</c> or a package URL.</param>
public sealed record SarifLogicalLocation(string Name, string FullyQualifiedName, string Kind) : SarifLocation
{
    internal override string FingerprintKey => $"{Kind}:{FullyQualifiedName}";
}

/// <summary>
/// One result. Its fingerprint is derived from <see cref="RuleId"/> and the location only, so it is stable across
/// builds and carries nothing about the value that was found.
/// </summary>
public sealed record SarifResult(string RuleId, SarifLevel Level, string Message, SarifLocation Location)
{
    /// <summary>Set when the result was excluded by a reviewed decision; written as a SARIF external suppression.</summary>
    public string? SuppressionJustification { get; init; }

    /// <summary>Extra string properties (SARIF property bag), written in ordinal key order.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
}

/// <summary>One SARIF run: a tool, its rules, its results, and the bases relative locations refer to.</summary>
public sealed record SarifRun(SarifTool Tool, IReadOnlyList<SarifRule> Rules, IReadOnlyList<SarifResult> Results)
{
    /// <summary>Descriptions of the uriBaseIds used (e.g. PUBLISHDIR → "The app's publish directory"); no absolute path, so the file is machine-independent.</summary>
    public IReadOnlyDictionary<string, string> UriBaseDescriptions { get; init; } = new Dictionary<string, string>();
}

namespace SecureContainers.Core.Configuration;

/// <summary>
/// The settings exactly as a front end holds them, before any interpretation: MSBuild property values by property name
/// (<c>SecureContainerProfile</c>, ...) and items by item name. <see cref="SettingsReader"/> is the only reader, so the
/// tasks and the CLI cannot disagree about what a value means.
/// </summary>
public sealed record RawSettings
{
    /// <summary>Values by property name; a missing or empty value means "the default".</summary>
    public IReadOnlyDictionary<string, string?> Properties { get; init; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<RawItem> TrustedBaseImages { get; init; } = [];

    public IReadOnlyList<RawItem> SecretScanExclusions { get; init; } = [];

    public IReadOnlyList<RawItem> VulnerabilitySuppressions { get; init; } = [];

    /// <summary>NuGet's own <c>NuGetAuditSuppress</c> items, honoured like NuGet does.</summary>
    public IReadOnlyList<RawItem> NuGetAuditSuppressions { get; init; } = [];

    public string? Get(string name) => Properties.TryGetValue(name, out string? value) ? value : null;
}

/// <summary>One item: its Include and the metadata the settings read (missing metadata is empty).</summary>
public sealed record RawItem(string Include, IReadOnlyDictionary<string, string> Metadata)
{
    public RawItem(string include)
        : this(include, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase))
    {
    }

    public string? this[string name] => Metadata.TryGetValue(name, out string? value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}

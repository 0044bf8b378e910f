namespace SecureContainers.Core.Sbom;

/// <summary>
/// The CycloneDX specification versions <see cref="SbomWriter"/> can emit. The values are explicit so that an
/// uninitialised value (0) is not a version and is refused by the writer.
/// </summary>
public enum CycloneDxSpecVersion
{
    /// <summary>CycloneDX 1.5: component authors are a single <c>author</c> string.</summary>
    V1_5 = 15,

    /// <summary>CycloneDX 1.6, the default: component <c>authors</c> are a list of contacts.</summary>
    V1_6 = 16,

    /// <summary>CycloneDX 1.7: as 1.6 for everything SecureContainers writes.</summary>
    V1_7 = 17,
}

/// <summary>
/// A CycloneDX bill of materials in memory. It holds what the spec says, not how it is laid out: the writer sorts
/// components and dependencies and derives <see cref="SerialNumber"/> from the content when it is <c>null</c>,
/// so equal documents always give equal bytes.
/// </summary>
public sealed record SbomDocument
{
    public CycloneDxSpecVersion SpecVersion { get; init; } = CycloneDxSpecVersion.V1_6;

    /// <summary><c>urn:uuid:...</c> in lowercase; <c>null</c> lets the writer derive it from the rest of the document.</summary>
    public string? SerialNumber { get; init; }

    /// <summary>The revision of this BOM for the same subject; 1 for a freshly generated one.</summary>
    public int Version { get; init; } = 1;

    public required SbomMetadata Metadata { get; init; }

    public IReadOnlyList<SbomComponent> Components { get; init; } = [];

    public IReadOnlyList<SbomDependency> Dependencies { get; init; } = [];

    public IReadOnlyList<Vulnerabilities.SbomVulnerability> Vulnerabilities { get; init; } = [];
}

/// <summary>CycloneDX <c>metadata</c>: when, by which tools, and about what the BOM was made.</summary>
public sealed record SbomMetadata
{
    /// <summary>Written in UTC to whole seconds; <c>null</c> leaves it out (fully content-addressed BOM).</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Written as <c>tools.components</c>.</summary>
    public IReadOnlyList<SbomComponent> Tools { get; init; } = [];

    /// <summary>The subject of the BOM: for SecureContainers, the container image.</summary>
    public SbomComponent? Component { get; init; }

    public IReadOnlyList<SbomProperty> Properties { get; init; } = [];
}

/// <summary>One node of the dependency graph: <see cref="Ref"/> directly depends on every bom-ref in <see cref="DependsOn"/>.</summary>
public sealed record SbomDependency(string Ref, IReadOnlyList<string> DependsOn);

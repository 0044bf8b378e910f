using SecureContainers.Core.Packages;
namespace SecureContainers.Core.Sbom;

/// <summary>The CycloneDX component types SecureContainers emits.</summary>
public enum SbomComponentType
{
    Application,
    Framework,
    Library,
    Container,
    OperatingSystem,
    File,
}

/// <summary>CycloneDX component scope; consumers assume <see cref="Required"/> when it is absent.</summary>
public enum SbomComponentScope
{
    Required,
    Optional,
    Excluded,
}

/// <summary>
/// A CycloneDX component: the image, the app, a NuGet package, an OS package, a .NET framework or the OS itself.
/// Only <see cref="Type"/> and <see cref="Name"/> are required by the spec; empty lists are not written.
/// </summary>
public sealed record SbomComponent
{
    public required SbomComponentType Type { get; init; }

    /// <summary>Unique within the document; dependencies refer to components by it.</summary>
    public string? BomRef { get; init; }

    /// <summary>Namespace-like grouping (e.g. a Maven group); NuGet ids and images leave it empty.</summary>
    public string? Group { get; init; }

    public required string Name { get; init; }

    public string? Version { get; init; }

    public string? Description { get; init; }

    /// <summary>
    /// The people or organisations that wrote the component, as the package names them. CycloneDX 1.6 and later get
    /// an <c>authors</c> list; 1.5, which has only the single <c>author</c> string, gets them joined with ", ".
    /// </summary>
    public IReadOnlyList<string> Authors { get; init; } = [];

    public SbomComponentScope? Scope { get; init; }

    public IReadOnlyList<SbomHash> Hashes { get; init; } = [];

    /// <summary>SPDX ids and names, or exactly one SPDX expression (the spec forbids mixing them).</summary>
    public IReadOnlyList<PackageLicense> Licenses { get; init; } = [];

    /// <summary>A CPE 2.3 name, for components vulnerability databases track by CPE rather than purl (the .NET runtime).</summary>
    public string? Cpe { get; init; }

    public string? Purl { get; init; }

    public IReadOnlyList<SbomExternalReference> ExternalReferences { get; init; } = [];

    /// <summary>Written in the given order; names may repeat (several tags, several layers).</summary>
    public IReadOnlyList<SbomProperty> Properties { get; init; } = [];

    /// <summary>Written as <c>pedigree.ancestors</c>: what this component was derived from (an image's base image).</summary>
    public IReadOnlyList<SbomComponent> Ancestors { get; init; } = [];
}

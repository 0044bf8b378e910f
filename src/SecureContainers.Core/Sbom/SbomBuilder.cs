using SecureContainers.Core.Oci;
using SecureContainers.Core.Sbom.NuGetAssets;

namespace SecureContainers.Core.Sbom;

/// <summary>
/// Turns <see cref="SbomInputs"/> into a CycloneDX document: the image is the subject (<c>metadata.component</c>),
/// the app and every library it ships are components, and the graph runs image → app → direct references →
/// their dependencies. Every component has a dependencies entry, empty when it depends on nothing, because
/// CycloneDX reads a missing entry as "unknown".
/// </summary>
public static class SbomBuilder
{
    public static SbomDocument Build(SbomInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputs.ImageName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputs.AppName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputs.AppVersion);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputs.ToolName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputs.ToolVersion);
        if (inputs.Tags.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Image tags must not be empty.", nameof(inputs));
        }

        Dictionary<string, string> libraryRefs = new(StringComparer.OrdinalIgnoreCase);
        foreach (NuGetLibrary library in inputs.NuGetLibraries)
        {
            if (!libraryRefs.TryAdd(library.Id, LibraryBomRef(library)))
            {
                throw new ArgumentException($"NuGet library '{library.Id}' is listed twice.", nameof(inputs));
            }
        }

        SbomComponent image = ImageComponent(inputs);
        SbomComponent app = AppComponent(inputs);
        List<SbomComponent> components = [app];
        List<SbomDependency> dependencies =
        [
            new(image.BomRef!, [app.BomRef!]),
            new(app.BomRef!, inputs.NuGetLibraries.Where(l => l.IsDirect).Select(l => libraryRefs[l.Id]).ToArray()),
        ];

        foreach (NuGetLibrary library in inputs.NuGetLibraries)
        {
            components.Add(LibraryComponent(library, libraryRefs[library.Id]));
            dependencies.Add(new SbomDependency(libraryRefs[library.Id], library.Dependencies.Select(d =>
                libraryRefs.TryGetValue(d, out string? target)
                    ? target
                    : throw new ArgumentException($"NuGet library '{library.Id}' depends on '{d}', which is not in the list.", nameof(inputs))).ToArray()));
        }

        return new SbomDocument
        {
            SpecVersion = inputs.SpecVersion,
            Metadata = new SbomMetadata
            {
                Timestamp = inputs.Timestamp,
                Tools = [new SbomComponent { Type = SbomComponentType.Application, Name = inputs.ToolName, Version = inputs.ToolVersion }],
                Component = image,
            },
            Components = components,
            Dependencies = dependencies,
        };
    }

    private static SbomComponent ImageComponent(SbomInputs inputs)
    {
        string? firstTag = inputs.Tags.Count > 0 ? inputs.Tags[0] : null;
        string? purl = inputs.ManifestDigest is Digest digest ? PackageUrl.Oci(inputs.ImageName, digest, firstTag) : null;
        return new SbomComponent
        {
            Type = SbomComponentType.Container,
            BomRef = purl ?? "image:" + inputs.ImageName.ToLowerInvariant(),
            Name = inputs.ImageName,
            Version = firstTag ?? inputs.ManifestDigest?.ToString(),
            Hashes = DigestHashes(inputs.ManifestDigest),
            Purl = purl,
            Properties = inputs.Tags.Select(t => new SbomProperty(SbomPropertyNames.ImageTag, t)).ToArray(),
            Ancestors = BaseImage(inputs) is SbomComponent baseImage ? [baseImage] : [],
        };
    }

    private static SbomComponent? BaseImage(SbomInputs inputs)
    {
        if (string.IsNullOrWhiteSpace(inputs.BaseImageName))
        {
            return null;
        }

        string? purl = inputs.BaseImageDigest is Digest digest ? PackageUrl.Oci(inputs.BaseImageName, digest, tag: null) : null;
        return new SbomComponent
        {
            Type = SbomComponentType.Container,
            BomRef = purl ?? "base-image:" + inputs.BaseImageName.ToLowerInvariant(),
            Name = inputs.BaseImageName,
            Version = inputs.BaseImageDigest?.ToString(),
            Hashes = DigestHashes(inputs.BaseImageDigest),
            Purl = purl,
        };
    }

    private static SbomComponent AppComponent(SbomInputs inputs)
    {
        List<SbomProperty> properties = [new(SbomPropertyNames.TargetFramework, inputs.TargetFramework)];
        if (!string.IsNullOrEmpty(inputs.RuntimeIdentifier))
        {
            properties.Add(new SbomProperty(SbomPropertyNames.RuntimeIdentifier, inputs.RuntimeIdentifier));
        }

        return new SbomComponent
        {
            Type = SbomComponentType.Application,
            BomRef = $"app:{inputs.AppName}@{inputs.AppVersion}",
            Name = inputs.AppName,
            Version = inputs.AppVersion,
            ExternalReferences = string.IsNullOrWhiteSpace(inputs.RepositoryUrl) ? [] : [new SbomExternalReference(SbomExternalReferenceType.Vcs, inputs.RepositoryUrl)],
            Properties = properties,
        };
    }

    private static SbomComponent LibraryComponent(NuGetLibrary library, string bomRef) => new()
    {
        Type = SbomComponentType.Library,
        BomRef = bomRef,
        Name = library.Id,
        Version = library.Version,
        Hashes = library.Sha512Hex is null ? [] : [new SbomHash(SbomHashAlgorithm.Sha512, library.Sha512Hex)],
        Purl = library.Kind == NuGetLibraryKind.Package ? bomRef : null,
        Properties =
        [
            new SbomProperty(SbomPropertyNames.NuGetDirect, library.IsDirect ? "true" : "false"),
            new SbomProperty(SbomPropertyNames.NuGetRuntimeAssets, library.HasRuntimeAssets ? "true" : "false"),
        ],
    };

    // Packages are identified by their purl; a referenced project has no registry identity, so it gets a local ref.
    private static string LibraryBomRef(NuGetLibrary library) => library.Kind == NuGetLibraryKind.Package
        ? PackageUrl.NuGet(library.Id, library.Version)
        : $"project:{library.Id}@{library.Version}";

    private static IReadOnlyList<SbomHash> DigestHashes(Digest? digest) => digest switch
    {
        Digest { Algorithm: "sha256" } d => [new SbomHash(SbomHashAlgorithm.Sha256, d.Hex)],
        Digest { Algorithm: "sha512" } d => [new SbomHash(SbomHashAlgorithm.Sha512, d.Hex)],
        _ => [],
    };
}

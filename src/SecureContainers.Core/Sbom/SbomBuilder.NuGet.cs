using SecureContainers.Core.Packages;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.NuGet;

namespace SecureContainers.Core.Sbom;

public static partial class SbomBuilder
{
    /// <summary>
    /// The app's NuGet packages and project references (scope <c>required</c>), the runtime-graph packages the image does
    /// not contain (scope <c>excluded</c>, with why) and, with IncludeBuildDependencies, the build-only ones (scope
    /// <c>excluded</c>); app → direct references → their dependencies.
    /// </summary>
    private static void AddNuGetLibraries(SbomInputs inputs, string appRef, List<SbomComponent> components, Graph graph, IDiagnosticSink? diagnostics)
    {
        Dictionary<string, string> notShippedReasons = inputs.NotShippedNuGetLibraries.ToDictionary(n => n.Library.Id, n => n.Reason, StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<NuGetLibrary> buildOnly =
            [.. inputs.NotShippedNuGetLibraries.Select(n => n.Library), .. inputs.IncludeBuildDependencies ? inputs.BuildOnlyNuGetLibraries : []];
        Dictionary<string, string> refs = new(StringComparer.OrdinalIgnoreCase);
        foreach (NuGetLibrary library in inputs.NuGetLibraries.Concat(buildOnly))
        {
            if (!refs.TryAdd(library.Id, LibraryBomRef(library)))
            {
                throw new ArgumentException($"NuGet library '{library.Id}' is listed twice.", nameof(inputs));
            }
        }

        HashSet<string> shipped = new(inputs.NuGetLibraries.Select(l => l.Id), StringComparer.OrdinalIgnoreCase);
        foreach (NuGetLibrary library in inputs.NuGetLibraries.Concat(buildOnly))
        {
            bool isShipped = shipped.Contains(library.Id);
            string bomRef = refs[library.Id];
            NuGetPackageMetadata? metadata = library.Kind == NuGetLibraryKind.Package && inputs.NuGetPackageFolders.Count > 0
                ? NuspecReader.Find(inputs.NuGetPackageFolders, library.Id, library.Version, library.PackagePath, diagnostics)
                : null;
            components.Add(LibraryComponent(library, bomRef, isShipped, metadata, isShipped ? inputs.AppLayerDigest : null,
                notShippedReasons.GetValueOrDefault(library.Id)));

            // Shipped libraries may only depend on shipped ones: anything else would put a build-only package in the runtime graph.
            graph.Add(bomRef, library.Dependencies.Select(d =>
                refs.TryGetValue(d, out string? target) && (!isShipped || shipped.Contains(d))
                    ? target
                    : throw new ArgumentException($"NuGet library '{library.Id}' depends on '{d}', which is not in the list.", nameof(inputs))));
            if (library.IsDirect)
            {
                graph.Add(appRef, bomRef);
            }
        }
    }

    private static SbomComponent LibraryComponent(NuGetLibrary library, string bomRef, bool shipped, NuGetPackageMetadata? metadata, Oci.Digest? layer, string? notShipped)
    {
        List<SbomProperty> properties =
        [
            new(SbomPropertyNames.NuGetDirect, library.IsDirect ? "true" : "false"),
            new(SbomPropertyNames.NuGetRuntimeAssets, library.HasRuntimeAssets ? "true" : "false"),
        ];
        if (notShipped is not null)
        {
            properties.Add(new(SbomPropertyNames.NuGetNotShipped, notShipped));
        }

        properties.AddRange(LayerProperties(layer));
        return new SbomComponent
        {
            Type = SbomComponentType.Library,
            BomRef = bomRef,
            Name = library.Id,
            Version = library.Version,
            Scope = shipped ? SbomComponentScope.Required : SbomComponentScope.Excluded,
            Description = metadata?.Description,
            Authors = metadata?.Authors ?? [],
            Licenses = metadata?.Licenses ?? [],
            Hashes = library.Sha512Hex is null ? [] : [new SbomHash(SbomHashAlgorithm.Sha512, library.Sha512Hex)],
            Purl = library.Kind == NuGetLibraryKind.Package ? bomRef : null,
            ExternalReferences = References(metadata),
            Properties = properties,
        };
    }

    private static IReadOnlyList<SbomExternalReference> References(NuGetPackageMetadata? metadata)
    {
        List<SbomExternalReference> references = [];
        if (metadata?.ProjectUrl is string website)
        {
            references.Add(new SbomExternalReference(SbomExternalReferenceType.Website, website));
        }

        if (metadata?.RepositoryUrl is string vcs)
        {
            references.Add(new SbomExternalReference(SbomExternalReferenceType.Vcs, vcs));
        }

        return references;
    }

    // Packages are identified by their purl; a referenced project has no registry identity, so it gets a local ref.
    private static string LibraryBomRef(NuGetLibrary library) => library.Kind == NuGetLibraryKind.Package
        ? PackageUrl.NuGet(library.Id, library.Version)
        : $"project:{library.Id}@{library.Version}";
}

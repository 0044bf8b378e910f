using SecureContainers.Core.Packages;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Sbom;

/// <summary>
/// Turns <see cref="SbomInputs"/> into a CycloneDX document: the image is the subject (<c>metadata.component</c>);
/// the app, its project references and NuGet packages, the .NET runtime (shared frameworks in the base image, or the
/// runtime packs of a self-contained app), the OS and its packages are components. The graph runs image → app, .NET
/// frameworks, OS and OS packages; app → direct references and the runtime it runs on; package → its dependencies.
/// Every component has a dependencies entry, empty when it depends on nothing, because CycloneDX reads a missing
/// entry as "unknown". Only reading nuspecs touches the disk; everything else is a pure function of the inputs.
/// </summary>
public static partial class SbomBuilder
{
    /// <param name="diagnostics">Receives SC5008/SC5009 warnings about nuspecs; may be <c>null</c>.</param>
    public static SbomDocument Build(SbomInputs inputs, IDiagnosticSink? diagnostics = null)
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

        SbomComponent image = ImageComponent(inputs);
        SbomComponent app = AppComponent(inputs);
        var graph = new Graph();
        graph.Add(image.BomRef!, app.BomRef!);
        graph.Add(app.BomRef!);
        List<SbomComponent> components = [app];

        AddNuGetLibraries(inputs, app.BomRef!, components, graph, diagnostics);
        AddDotNetRuntime(inputs, image.BomRef!, app.BomRef!, components, graph, diagnostics);
        AddOperatingSystem(inputs, image.BomRef!, components, graph);

        return new SbomDocument
        {
            SpecVersion = inputs.SpecVersion,
            Metadata = new SbomMetadata
            {
                Timestamp = inputs.Timestamp,
                Tools = [new SbomComponent { Type = SbomComponentType.Application, Name = inputs.ToolName, Version = inputs.ToolVersion, Purl = ToolPurl(inputs) }],
                Component = image,
            },
            Components = components,
            Dependencies = graph.ToDependencies(),
            Vulnerabilities = AffectingComponents(inputs.Vulnerabilities, components),
        };
    }

    private static IReadOnlyList<Vulnerabilities.SbomVulnerability> AffectingComponents(IReadOnlyList<Vulnerabilities.SbomVulnerability> vulnerabilities, List<SbomComponent> components)
    {
        HashSet<string> refs = components.Where(c => c.BomRef is not null).Select(c => c.BomRef!).ToHashSet(StringComparer.Ordinal);
        return vulnerabilities
            .Select(v => v with { Affects = v.Affects.Where(a => refs.Contains(a.Ref)).ToArray() })
            .Where(v => v.Affects.Count > 0)
            .ToArray();
    }

    private static SbomComponent ImageComponent(SbomInputs inputs)
    {
        string? firstTag = inputs.Tags.Count > 0 ? inputs.Tags[0] : null;
        string? purl = inputs.ManifestDigest is Digest digest ? PackageUrl.Oci(inputs.ImageName, digest, firstTag) : null;
        List<SbomProperty> properties = inputs.Tags.Select(t => new SbomProperty(SbomPropertyNames.ImageTag, t)).ToList();
        if (!string.IsNullOrWhiteSpace(inputs.BaseImageName))
        {
            properties.Add(new SbomProperty(SbomPropertyNames.BaseImageName, inputs.BaseImageName));
        }

        if (inputs.BaseImageDigest is Digest baseDigest)
        {
            properties.Add(new SbomProperty(SbomPropertyNames.BaseImageDigest, baseDigest.ToString()));
        }

        return new SbomComponent
        {
            Type = SbomComponentType.Container,
            BomRef = purl ?? "image:" + inputs.ImageName.ToLowerInvariant(),
            Name = inputs.ImageName,
            Version = firstTag ?? inputs.ManifestDigest?.ToString(),
            Hashes = DigestHashes(inputs.ManifestDigest),
            Purl = purl,
            Properties = properties,
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
            Properties = NotaryProperties(inputs.BaseImageSignature),
        };
    }

    /// <summary>What the pre-push check proved about the base's Notary signature: the policy, the signer, the signature, when.</summary>
    private static IReadOnlyList<SbomProperty> NotaryProperties(Signing.Notary.NotaryBaseSignature? signature)
    {
        if (signature is null)
        {
            return [];
        }

        List<SbomProperty> properties =
        [
            new(SbomPropertyNames.NotaryPolicy, signature.Policy),
            new(SbomPropertyNames.NotarySigner, signature.Manifest.Signer),
            new(SbomPropertyNames.NotarySignature, signature.Manifest.Signature.ToString()),
        ];
        if ((signature.Manifest.TimestampTime ?? signature.Manifest.SigningTime) is { } signedAt)
        {
            properties.Add(new(SbomPropertyNames.NotarySignedAt, signedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (signature.Index is { } index)
        {
            properties.Add(new(SbomPropertyNames.NotaryIndexSignature, index.Signature.ToString()));
        }

        return properties;
    }

    private static SbomComponent AppComponent(SbomInputs inputs)
    {
        List<SbomProperty> properties = [new(SbomPropertyNames.TargetFramework, inputs.TargetFramework)];
        if (!string.IsNullOrEmpty(inputs.RuntimeIdentifier))
        {
            properties.Add(new SbomProperty(SbomPropertyNames.RuntimeIdentifier, inputs.RuntimeIdentifier));
        }

        properties.Add(new SbomProperty(SbomPropertyNames.SelfContained, inputs.SelfContained ? "true" : "false"));
        properties.AddRange(LayerProperties(inputs.AppLayerDigest));

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

    // The tool is this package; its purl lets consumers tell our SBOMs apart from other generators' by identity.
    private static string? ToolPurl(SbomInputs inputs) =>
        inputs.ToolName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') ? PackageUrl.NuGet(inputs.ToolName, inputs.ToolVersion) : null;

    private static IEnumerable<SbomProperty> LayerProperties(Digest? layer) =>
        layer is Digest d ? [new SbomProperty(SbomPropertyNames.LayerDigest, d.ToString())] : [];

    private static IReadOnlyList<SbomHash> DigestHashes(Digest? digest) => digest switch
    {
        Digest { Algorithm: "sha256" } d => [new SbomHash(SbomHashAlgorithm.Sha256, d.Hex)],
        Digest { Algorithm: "sha512" } d => [new SbomHash(SbomHashAlgorithm.Sha512, d.Hex)],
        _ => [],
    };

    /// <summary>The dependency graph under construction: one entry per bom-ref, edges deduplicated.</summary>
    private sealed class Graph
    {
        private readonly Dictionary<string, HashSet<string>> _edges = new(StringComparer.Ordinal);

        public void Add(string from, params IEnumerable<string> to)
        {
            if (!_edges.TryGetValue(from, out HashSet<string>? targets))
            {
                _edges[from] = targets = new HashSet<string>(StringComparer.Ordinal);
            }

            targets.UnionWith(to);
        }

        public IReadOnlyList<SbomDependency> ToDependencies() =>
            _edges.Select(e => new SbomDependency(e.Key, e.Value.Order(StringComparer.Ordinal).ToArray())).ToArray();
    }
}

using SecureContainers.Core.Packages;
using SecureContainers.Core.IO;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Sbom;

/// <summary>
/// Writes an <see cref="SbomDocument"/> as CycloneDX JSON, byte-for-byte reproducibly: UTF-8 without BOM, two-space
/// indentation, <c>\n</c> line ends, components and dependencies in ordinal bom-ref order, no culture-dependent or
/// floating-point formatting. A missing serial number is derived from the SHA-256 of the document written without
/// it, so the same inputs give the same file and any change to a component gives a new serial number.
/// </summary>
public static partial class SbomWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        IndentCharacter = ' ',
        IndentSize = 2,
        NewLine = "\n",

        // The file is not embedded in HTML, so '+' in versions and '&' in purls stay readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serializes <paramref name="document"/>; throws <see cref="ArgumentException"/> if it is inconsistent.</summary>
    public static byte[] Write(SbomDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        Validate(document);

        string serialNumber = document.SerialNumber ?? DeriveSerialNumber(Serialize(document, serialNumber: null));
        return Serialize(document, serialNumber);
    }

    /// <summary>
    /// Writes the SBOM to <paramref name="path"/> atomically: the bytes go to a temporary file in the same folder
    /// that is then renamed over the target, so readers never see a half-written SBOM and a failure leaves the
    /// previous file untouched. I/O failures are SC5007.
    /// </summary>
    public static void WriteToFile(SbomDocument document, string path) =>
        AtomicFile.Write(path, Write(document), (target, message) => SbomDiagnostics.WriteFailed.Create(target, message));

    /// <summary>CycloneDX date-time in UTC to whole seconds, e.g. <c>2023-11-14T22:13:20Z</c>.</summary>
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.ToUniversalTime().ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    internal static string DeriveSerialNumber(ReadOnlySpan<byte> canonicalContent)
    {
        // An RFC 9562 version 8 UUID carrying the first 122 bits of the SHA-256: name-based like v5, but with SHA-256.
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(canonicalContent, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        string hex = Convert.ToHexStringLower(hash[..16]);
        return $"urn:uuid:{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }

    private static byte[] Serialize(SbomDocument document, string? serialNumber)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUrl(document.SpecVersion));
            json.WriteString("bomFormat", "CycloneDX");
            json.WriteString("specVersion", SpecVersionText(document.SpecVersion));
            if (serialNumber is not null)
            {
                json.WriteString("serialNumber", serialNumber);
            }

            json.WriteNumber("version", document.Version);
            WriteMetadata(json, document.Metadata, document.SpecVersion);

            json.WriteStartArray("components");
            foreach (SbomComponent component in Sorted(document.Components))
            {
                WriteComponent(json, component, document.SpecVersion);
            }

            json.WriteEndArray();

            json.WriteStartArray("dependencies");
            foreach (SbomDependency dependency in document.Dependencies.OrderBy(d => d.Ref, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("ref", dependency.Ref);
                json.WriteStartArray("dependsOn");
                foreach (string target in dependency.DependsOn.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    json.WriteStringValue(target);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();

            if (document.Vulnerabilities.Count > 0)
            {
                json.WritePropertyName("vulnerabilities");
                Vulnerabilities.SbomVulnerabilityWriter.WriteArray(json, document.Vulnerabilities);
            }

            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void WriteMetadata(Utf8JsonWriter json, SbomMetadata metadata, CycloneDxSpecVersion version)
    {
        json.WriteStartObject("metadata");
        if (metadata.Timestamp is DateTimeOffset timestamp)
        {
            json.WriteString("timestamp", FormatTimestamp(timestamp));
        }

        if (metadata.Tools.Count > 0)
        {
            json.WriteStartObject("tools");
            json.WriteStartArray("components");
            foreach (SbomComponent tool in metadata.Tools)
            {
                WriteComponent(json, tool, version);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        if (metadata.Component is not null)
        {
            json.WritePropertyName("component");
            WriteComponent(json, metadata.Component, version);
        }

        WriteProperties(json, metadata.Properties);
        json.WriteEndObject();
    }

    private static void WriteComponent(Utf8JsonWriter json, SbomComponent component, CycloneDxSpecVersion version)
    {
        json.WriteStartObject();
        json.WriteString("type", ComponentTypeText(component.Type));
        WriteOptional(json, "bom-ref", component.BomRef);
        WriteAuthors(json, component.Authors, version);
        WriteOptional(json, "group", component.Group);
        json.WriteString("name", component.Name);
        WriteOptional(json, "version", component.Version);
        WriteOptional(json, "description", component.Description);
        if (component.Scope is SbomComponentScope scope)
        {
            json.WriteString("scope", scope.ToString().ToLowerInvariant());
        }

        if (component.Hashes.Count > 0)
        {
            json.WriteStartArray("hashes");
            foreach (SbomHash hash in component.Hashes)
            {
                json.WriteStartObject();
                json.WriteString("alg", HashAlgorithmText(hash.Algorithm));
                json.WriteString("content", hash.Content.ToLowerInvariant());
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        WriteLicenses(json, component.Licenses);
        WriteOptional(json, "cpe", component.Cpe);
        WriteOptional(json, "purl", component.Purl);

        if (component.ExternalReferences.Count > 0)
        {
            json.WriteStartArray("externalReferences");
            foreach (SbomExternalReference reference in component.ExternalReferences)
            {
                json.WriteStartObject();
                json.WriteString("url", reference.Url);
                json.WriteString("type", reference.Type.ToString().ToLowerInvariant());
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        WriteProperties(json, component.Properties);

        if (component.Ancestors.Count > 0)
        {
            json.WriteStartObject("pedigree");
            json.WriteStartArray("ancestors");
            foreach (SbomComponent ancestor in Sorted(component.Ancestors))
            {
                WriteComponent(json, ancestor, version);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteAuthors(Utf8JsonWriter json, IReadOnlyList<string> authors, CycloneDxSpecVersion version)
    {
        if (authors.Count == 0)
        {
            return;
        }

        // 1.6 deprecated the free-text "author" for a list of organizational contacts; 1.5 knows only the string.
        if (version == CycloneDxSpecVersion.V1_5)
        {
            json.WriteString("author", string.Join(", ", authors));
            return;
        }

        json.WriteStartArray("authors");
        foreach (string author in authors)
        {
            json.WriteStartObject();
            json.WriteString("name", author);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteLicenses(Utf8JsonWriter json, IReadOnlyList<PackageLicense> licenses)
    {
        if (licenses.Count == 0)
        {
            return;
        }

        json.WriteStartArray("licenses");
        foreach (PackageLicense license in licenses)
        {
            json.WriteStartObject();
            if (license.Expression is not null)
            {
                json.WriteString("expression", license.Expression);
            }
            else
            {
                json.WriteStartObject("license");
                WriteOptional(json, "id", license.SpdxId);
                WriteOptional(json, "name", license.Name);
                WriteOptional(json, "url", license.Url);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteProperties(Utf8JsonWriter json, IReadOnlyList<SbomProperty> properties)
    {
        if (properties.Count == 0)
        {
            return;
        }

        json.WriteStartArray("properties");
        foreach (SbomProperty property in properties)
        {
            json.WriteStartObject();
            json.WriteString("name", property.Name);
            json.WriteString("value", property.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    // Components without a bom-ref (rare) sort after the others, by name then version, so order never depends on input.
    private static IEnumerable<SbomComponent> Sorted(IEnumerable<SbomComponent> components) => components
        .OrderBy(c => c.BomRef is null ? 1 : 0)
        .ThenBy(c => c.BomRef, StringComparer.Ordinal)
        .ThenBy(c => c.Name, StringComparer.Ordinal)
        .ThenBy(c => c.Version, StringComparer.Ordinal);

    /// <summary>Rejects documents the schema or the graph would make invalid, before anything is written.</summary>
    private static void Validate(SbomDocument document)
    {
        if (document.SerialNumber is not null && !SerialNumberPattern().IsMatch(document.SerialNumber))
        {
            throw new ArgumentException($"SBOM serial number '{document.SerialNumber}' is not a lowercase urn:uuid.", nameof(document));
        }

        _ = CycloneDxSpecVersions.ToText(document.SpecVersion);
        if (document.Version < 1)
        {
            throw new ArgumentException("SBOM version must be 1 or more.", nameof(document));
        }

        HashSet<string> bomRefs = new(StringComparer.Ordinal);
        IEnumerable<SbomComponent> all = document.Components;
        if (document.Metadata.Component is not null)
        {
            all = all.Prepend(document.Metadata.Component);
        }

        foreach (SbomComponent component in Flatten(all))
        {
            if (component.BomRef is not null && !bomRefs.Add(component.BomRef))
            {
                throw new ArgumentException($"bom-ref '{component.BomRef}' is used by more than one component.", nameof(document));
            }
        }

        foreach (SbomComponent component in Flatten(all.Concat(document.Metadata.Tools)))
        {
            ValidateComponent(component);
        }

        HashSet<string> refs = new(StringComparer.Ordinal);
        foreach (SbomDependency dependency in document.Dependencies)
        {
            if (!refs.Add(dependency.Ref))
            {
                throw new ArgumentException($"bom-ref '{dependency.Ref}' has more than one dependencies entry.", nameof(document));
            }

            foreach (string target in dependency.DependsOn.Prepend(dependency.Ref))
            {
                if (!bomRefs.Contains(target))
                {
                    throw new ArgumentException($"The dependency graph names '{target}', which no component has as bom-ref.", nameof(document));
                }
            }
        }
    }

    private static void ValidateComponent(SbomComponent component)
    {
        if (string.IsNullOrEmpty(component.Name) || component.BomRef is { Length: 0 })
        {
            throw new ArgumentException($"Component '{component.BomRef ?? component.Name}' needs a non-empty name and bom-ref.");
        }

        if (component.Authors.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"Component '{component.BomRef ?? component.Name}' has an empty author.");
        }

        foreach (SbomHash hash in component.Hashes)
        {
            int expected = hash.Algorithm switch { SbomHashAlgorithm.Sha256 => 64, SbomHashAlgorithm.Sha384 => 96, _ => 128 };
            if (hash.Content.Length != expected || !hash.Content.All(char.IsAsciiHexDigit))
            {
                throw new ArgumentException($"Hash '{hash.Content}' of '{component.Name}' is not {expected} hex digits for {HashAlgorithmText(hash.Algorithm)}.");
            }
        }

        if (component.Licenses.Any(l => l.Expression is not null) && component.Licenses.Count > 1)
        {
            throw new ArgumentException($"Component '{component.Name}' mixes an SPDX expression with other licenses; CycloneDX allows one expression alone.");
        }
    }

    private static IEnumerable<SbomComponent> Flatten(IEnumerable<SbomComponent> components) =>
        components.SelectMany(c => Flatten(c.Ancestors).Prepend(c));

    private static string SpecVersionText(CycloneDxSpecVersion version) => CycloneDxSpecVersions.ToText(version);

    private static string SchemaUrl(CycloneDxSpecVersion version) => $"http://cyclonedx.org/schema/bom-{SpecVersionText(version)}.schema.json";

    private static string ComponentTypeText(SbomComponentType type) => type switch
    {
        SbomComponentType.Application => "application",
        SbomComponentType.Framework => "framework",
        SbomComponentType.Library => "library",
        SbomComponentType.Container => "container",
        SbomComponentType.OperatingSystem => "operating-system",
        SbomComponentType.File => "file",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown component type."),
    };

    private static string HashAlgorithmText(SbomHashAlgorithm algorithm) => algorithm switch
    {
        SbomHashAlgorithm.Sha256 => "SHA-256",
        SbomHashAlgorithm.Sha384 => "SHA-384",
        SbomHashAlgorithm.Sha512 => "SHA-512",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown hash algorithm."),
    };

    [GeneratedRegex("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex SerialNumberPattern();
}

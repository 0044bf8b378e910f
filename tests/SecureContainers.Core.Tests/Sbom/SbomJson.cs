using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Core.Tests.Sbom;

/// <summary>Reads back what the writer produced, the way a consumer would.</summary>
internal static class SbomJson
{
    public static JsonElement Written(SbomInputs inputs, IDiagnosticSink? diagnostics = null) =>
        JsonDocument.Parse(SbomWriter.Write(SbomBuilder.Build(inputs, diagnostics))).RootElement.Clone();

    public static JsonElement Component(JsonElement bom, string bomRef) =>
        bom.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("bom-ref").GetString() == bomRef);

    public static string[] ComponentRefs(JsonElement bom) =>
        bom.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("bom-ref").GetString()!).ToArray();

    public static string[] Properties(JsonElement component, string name) => component.TryGetProperty("properties", out JsonElement properties)
        ? properties.EnumerateArray().Where(p => p.GetProperty("name").GetString() == name).Select(p => p.GetProperty("value").GetString()!).ToArray()
        : [];

    public static Dictionary<string, string[]> Graph(JsonElement bom) => bom.GetProperty("dependencies").EnumerateArray().ToDictionary(
        d => d.GetProperty("ref").GetString()!,
        d => d.GetProperty("dependsOn").EnumerateArray().Select(x => x.GetString()!).ToArray());

    public static string ImageRef(JsonElement bom) => bom.GetProperty("metadata").GetProperty("component").GetProperty("bom-ref").GetString()!;

    public static string? Text(JsonElement element, string name) => element.TryGetProperty(name, out JsonElement value) ? value.GetString() : null;
}

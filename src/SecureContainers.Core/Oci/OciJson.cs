using System.Text.Json;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Oci;

/// <summary>
/// Names the document being read ("manifest", "config blob sha256:…") and the image it belongs to, so every
/// parse failure becomes a coded error that tells the user which image is broken.
/// </summary>
internal readonly record struct DocumentSource(string What, string Image)
{
    public static DocumentSource Unknown(string what) => new(what, "(unknown image)");

    public SecureContainerException Malformed(string detail) =>
        new(OciDiagnostics.MalformedDocument.Create(What, Image, detail));

    public SecureContainerException BadDigest(string? value) =>
        new(OciDiagnostics.InvalidDigest.Create(What, Image, Truncate(value ?? "(missing)")));

    internal static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}

/// <summary>Small typed readers over <see cref="JsonElement"/> that fail with coded errors instead of exceptions.</summary>
internal static class OciJson
{
    // Depth is bounded because these documents come from a network peer.
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static JsonDocument ParseDocument(ReadOnlyMemory<byte> json, DocumentSource source)
    {
        try
        {
            JsonDocument doc = JsonDocument.Parse(json, Options);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw source.Malformed("the top level is not a JSON object");
            }

            return doc;
        }
        catch (JsonException ex)
        {
            // Only the position: the message of a JsonException can quote the offending content.
            throw source.Malformed($"invalid JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}");
        }
    }

    public static string? OptionalString(JsonElement obj, string name, DocumentSource source)
    {
        if (!obj.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.String ? e.GetString() : throw source.Malformed($"'{name}' is not a string");
    }

    public static string RequiredString(JsonElement obj, string name, DocumentSource source) =>
        OptionalString(obj, name, source) ?? throw source.Malformed($"'{name}' is missing");

    public static JsonElement? OptionalObject(JsonElement obj, string name, DocumentSource source)
    {
        if (!obj.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.Object ? e : throw source.Malformed($"'{name}' is not an object");
    }

    public static JsonElement? OptionalArray(JsonElement obj, string name, DocumentSource source)
    {
        if (!obj.TryGetProperty(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return e.ValueKind == JsonValueKind.Array ? e : throw source.Malformed($"'{name}' is not an array");
    }

    public static IReadOnlyList<string>? OptionalStringArray(JsonElement obj, string name, DocumentSource source)
    {
        if (OptionalArray(obj, name, source) is not JsonElement array)
        {
            return null;
        }

        List<string> items = new();
        foreach (JsonElement item in array.EnumerateArray())
        {
            items.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw source.Malformed($"'{name}' holds a non-string item"));
        }

        return items;
    }

    public static IReadOnlyDictionary<string, string> StringMap(JsonElement obj, string name, DocumentSource source)
    {
        Dictionary<string, string> map = new(StringComparer.Ordinal);
        if (OptionalObject(obj, name, source) is JsonElement o)
        {
            foreach (JsonProperty p in o.EnumerateObject())
            {
                map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw source.Malformed($"'{name}.{p.Name}' is not a string");
            }
        }

        return map;
    }
}

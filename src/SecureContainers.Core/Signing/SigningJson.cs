using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SecureContainers.Core.Signing;

/// <summary>
/// Compact JSON with properties in the order the writer emits them, so the same inputs always give the same bytes.
/// '+' stays literal (as Go writes it); the values written here are image names, digests, URLs and base64.
/// </summary>
internal static class SigningJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Documents read here come from a registry: depth is bounded like every other parse of network input.
    public static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = 64 };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        ArrayBufferWriter<byte> buffer = new();
        using (Utf8JsonWriter writer = new(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static JsonDocument? TryParse(ReadOnlyMemory<byte> json, out string problem)
    {
        try
        {
            JsonDocument doc = JsonDocument.Parse(json, ReadOptions);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                problem = "the top level is not a JSON object";
                return null;
            }

            problem = "";
            return doc;
        }
        catch (JsonException ex)
        {
            // Only the position: a JsonException message can quote the content.
            problem = $"invalid JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}";
            return null;
        }
    }

    public static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    public static JsonElement? Object(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.Object ? e : null;
}

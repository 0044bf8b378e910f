using System.Text.Json;
using System.Text.Json.Serialization;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>Writes a <see cref="Digest"/> as its string form and validates it on the way back in.</summary>
internal sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Digest.TryParse(reader.GetString(), out Digest d) ? d : throw new JsonException("not a valid digest");

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

using System.Text.Json.Serialization;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Compile-time JSON metadata for the layer scan cache's files. Every build reads the cache in a fresh MSBuild
/// process; with reflection-based metadata the first read spent most of its 25–40 ms building converters and
/// accessors, while the generated code is compiled ahead of time with the rest of the assembly. The options are the
/// ones the files were always written with, so existing cache entries read the same.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(DigestJsonConverter)])]
[JsonSerializable(typeof(LayerScanResult))]
internal sealed partial class LayerScanJsonContext : JsonSerializerContext;

using System.Globalization;
using System.Text.Json;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Cli;

/// <summary>A CycloneDX JSON file given to <c>--sbom</c>, read and checked before anything is written to a registry.</summary>
/// <param name="Timestamp">The SBOM's own <c>metadata.timestamp</c>, when it has a readable one.</param>
internal sealed record SbomFile(string Path, byte[] Content, DateTimeOffset? Timestamp)
{
    /// <summary>What <c>securecontainers sbom</c> reads back at most; a larger file could be attached but never fetched.</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    /// <summary>SC1104 when the file cannot be read, SC1103 when it is not a CycloneDX JSON document.</summary>
    public static SbomFile Read(string path)
    {
        byte[] content;
        try
        {
            FileInfo info = new(path);
            if (info.Exists && info.Length > MaxBytes)
            {
                throw new SecureContainerException(CommandLineDiagnostics.SbomFileNotCycloneDx.Create(path, $"it is {info.Length} bytes, over the {MaxBytes}-byte limit"));
            }

            content = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecureContainerException(CommandLineDiagnostics.SbomFileUnreadable.Create(path, ex is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : ex.GetType().Name));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content);
        }
        catch (JsonException ex)
        {
            throw new SecureContainerException(CommandLineDiagnostics.SbomFileNotCycloneDx.Create(path, $"it is not JSON ({ex.Message})"));
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("bomFormat", out JsonElement format) || format.ValueKind != JsonValueKind.String || format.GetString() != "CycloneDX")
            {
                throw new SecureContainerException(CommandLineDiagnostics.SbomFileNotCycloneDx.Create(path, "it has no \"bomFormat\": \"CycloneDX\""));
            }

            if (!root.TryGetProperty("specVersion", out JsonElement spec) || spec.ValueKind != JsonValueKind.String)
            {
                throw new SecureContainerException(CommandLineDiagnostics.SbomFileNotCycloneDx.Create(path, "it has no \"specVersion\""));
            }

            return new SbomFile(path, content, ReadTimestamp(root));
        }
    }

    private static DateTimeOffset? ReadTimestamp(JsonElement root) =>
        root.TryGetProperty("metadata", out JsonElement metadata) && metadata.ValueKind == JsonValueKind.Object
        && metadata.TryGetProperty("timestamp", out JsonElement t) && t.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset value)
            ? value
            : null;
}

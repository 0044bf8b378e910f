using System.Text.Json;
using System.Text.Unicode;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using ZstdSharp;

namespace SecureContainers.Core.Layers.Chisel;

/// <summary>
/// Reads chisel's <c>manifest.wall</c>: a zstd-compressed jsonwall database (a header line
/// <c>{"jsonwall":"1.0","schema":"1.0","count":N}</c>, where N counts every line including the header, then one JSON
/// object a line) whose entries are of kind <c>package</c>, <c>slice</c>, <c>path</c> and <c>content</c>. A manifest
/// that cannot be read is a warning, never an error: the dpkg records beside it still list the packages.
/// </summary>
public static class ChiselManifestReader
{
    private static ReadOnlySpan<byte> ZstdMagic => [0x28, 0xB5, 0x2F, 0xFD];

    /// <summary>
    /// The manifest in <paramref name="compressed"/>, or null with one SC4034–SC4036 warning added to
    /// <paramref name="warnings"/> when it is not zstd, expands beyond <paramref name="maxBytes"/>, or is not a
    /// consistent schema 1.0 manifest.
    /// </summary>
    public static ChiselManifest? Read(byte[] compressed, string path, Digest layer, int maxBytes, ICollection<Diagnostic> warnings)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        ArgumentNullException.ThrowIfNull(warnings);
        try
        {
            return Parse(Decompress(compressed, maxBytes));
        }
        catch (ManifestRejectedException e)
        {
            warnings.Add(e.Descriptor == LayerDiagnostics.ChiselManifestTooLarge
                ? e.Descriptor.Create(path, layer, maxBytes)
                : e.Descriptor.Create(path, layer, e.Message));
            return null;
        }
    }

    /// <summary>Decompresses under the cap: a few KiB of zstd can claim gigabytes, so output is counted as it comes.</summary>
    private static ReadOnlyMemory<byte> Decompress(byte[] compressed, int maxBytes)
    {
        if (!compressed.AsSpan().StartsWith(ZstdMagic))
        {
            throw Malformed("it is not zstd-compressed (chisel always compresses it with zstd)");
        }

        try
        {
            using var input = new MemoryStream(compressed, writable: false);
            using var zstd = new DecompressionStream(input);
            using var output = new MemoryStream();
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = zstd.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    throw new ManifestRejectedException(LayerDiagnostics.ChiselManifestTooLarge, "too large");
                }

                output.Write(buffer, 0, read);
            }

            // The stream's own buffer, not a copy: the manifest is only read from here on.
            return output.GetBuffer().AsMemory(0, (int)output.Length);
        }
        catch (Exception e) when (e is ZstdException or EndOfStreamException or InvalidDataException)
        {
            throw Malformed($"its zstd stream is corrupt or truncated ({e.Message.TrimEnd('.')})");
        }
    }

    private static ChiselManifest Parse(ReadOnlyMemory<byte> data)
    {
        List<ReadOnlyMemory<byte>> lines = SplitLines(data);
        if (lines.Count == 0)
        {
            throw Malformed("it is empty");
        }

        int count = ReadHeader(lines[0]);
        if (count != lines.Count)
        {
            throw Malformed($"its header counts {count} lines but it has {lines.Count} (truncated or edited after chisel wrote it)");
        }

        var packages = new Dictionary<string, (string Version, string Arch, string Sha256)>(StringComparer.Ordinal);
        var slices = new SortedSet<string>(StringComparer.Ordinal);
        var referenced = new List<(int Line, string Slice)>();
        for (int i = 1; i < lines.Count; i++)
        {
            int number = i + 1;
            using JsonDocument entry = ParseObject(lines[i], number);
            JsonElement root = entry.RootElement;
            switch (RequiredString(root, "kind", number))
            {
                case "package":
                    string name = RequiredString(root, "name", number);
                    string sha256 = RequiredString(root, "sha256", number);
                    if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit))
                    {
                        throw Malformed($"line {number}: package '{name}' has sha256 '{sha256}', not 64 hex digits");
                    }

                    if (!packages.TryAdd(name, (RequiredString(root, "version", number), RequiredString(root, "arch", number), sha256.ToLowerInvariant())))
                    {
                        throw Malformed($"line {number}: package '{name}' is listed twice");
                    }

                    break;
                case "slice":
                    string slice = RequiredString(root, "name", number);
                    if (!slices.Add(slice))
                    {
                        throw Malformed($"line {number}: slice '{slice}' is listed twice");
                    }

                    break;
                case "path":
                    RequiredString(root, "path", number);
                    if (!root.TryGetProperty("slices", out JsonElement owners) || owners.ValueKind != JsonValueKind.Array || owners.GetArrayLength() == 0)
                    {
                        throw Malformed($"line {number}: a path entry names no slices");
                    }

                    foreach (JsonElement owner in owners.EnumerateArray())
                    {
                        referenced.Add((number, owner.ValueKind == JsonValueKind.String ? owner.GetString()! : throw Malformed($"line {number}: a slice name is not a string")));
                    }

                    break;
                case "content":
                    RequiredString(root, "path", number);
                    referenced.Add((number, RequiredString(root, "slice", number)));
                    break;

                // Schema 1.0 has only these four kinds; anything else is ignored, as chisel's own reader does.
            }
        }

        var slicesByPackage = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string slice in slices)
        {
            // Debian package names cannot hold '_', so the first one separates package and slice (chisel's slice key).
            int underscore = slice.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || underscore == slice.Length - 1 || slice.IndexOf('_', underscore + 1) >= 0)
            {
                throw Malformed($"slice '{slice}' is not of the form package_slice");
            }

            string package = slice[..underscore];
            if (!packages.ContainsKey(package))
            {
                throw Malformed($"slice '{slice}' refers to package '{package}', which the manifest does not list");
            }

            (slicesByPackage.TryGetValue(package, out List<string>? list) ? list : slicesByPackage[package] = []).Add(slice);
        }

        if (referenced.FirstOrDefault(r => !slices.Contains(r.Slice)) is { Slice: not null } missing)
        {
            throw Malformed($"line {missing.Line} refers to slice '{missing.Slice}', which the manifest does not list");
        }

        return new ChiselManifest(packages
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new ChiselPackage(p.Key, p.Value.Version, p.Value.Arch, p.Value.Sha256,
                slicesByPackage.TryGetValue(p.Key, out List<string>? s) ? s : []))
            .ToArray());
    }

    /// <summary>The header's line count; its jsonwall version must be 1.x and its schema 1.0, as chisel's reader requires.</summary>
    private static int ReadHeader(ReadOnlyMemory<byte> line)
    {
        using JsonDocument header = ParseObject(line, 1);
        JsonElement root = header.RootElement;
        if (!root.TryGetProperty("jsonwall", out JsonElement version) || version.ValueKind != JsonValueKind.String)
        {
            throw Malformed("its first line is not a jsonwall header");
        }

        if (!version.GetString()!.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new ManifestRejectedException(LayerDiagnostics.UnsupportedChiselManifest, $"jsonwall version '{version.GetString()}'");
        }

        string? schema = root.TryGetProperty("schema", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (schema != "1.0")
        {
            throw new ManifestRejectedException(LayerDiagnostics.UnsupportedChiselManifest, schema is null ? "no manifest schema" : $"manifest schema '{schema}'");
        }

        if (!root.TryGetProperty("count", out JsonElement count) || count.ValueKind != JsonValueKind.Number || !count.TryGetInt32(out int n) || n < 1)
        {
            throw Malformed("its header has no valid line count");
        }

        return n;
    }

    /// <summary>Lines without their '\n'; the newline after the last line is not the start of another one.</summary>
    private static List<ReadOnlyMemory<byte>> SplitLines(ReadOnlyMemory<byte> data)
    {
        var lines = new List<ReadOnlyMemory<byte>>();
        int start = 0;
        while (start < data.Length)
        {
            int newline = data.Span[start..].IndexOf((byte)'\n');
            int end = newline < 0 ? data.Length : start + newline;
            lines.Add(data[start..end]);
            start = end + 1;
        }

        return lines;
    }

    private static JsonDocument ParseObject(ReadOnlyMemory<byte> line, int number)
    {
        // System.Text.Json checks string contents only when they are read, and then throws InvalidOperationException.
        if (!Utf8.IsValid(line.Span))
        {
            throw Malformed($"line {number} is not UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            throw Malformed($"line {number} is not JSON");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw Malformed($"line {number} is not a JSON object");
        }

        return document;
    }

    private static string RequiredString(JsonElement entry, string property, int number) =>
        entry.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
            ? s
            : throw Malformed($"line {number} has no '{property}'");

    private static ManifestRejectedException Malformed(string detail) => new(LayerDiagnostics.CorruptChiselManifest, detail);

    /// <summary>Why a manifest was not read; becomes the warning <see cref="Descriptor"/> names.</summary>
    private sealed class ManifestRejectedException(DiagnosticDescriptor descriptor, string detail) : Exception(detail)
    {
        public DiagnosticDescriptor Descriptor { get; } = descriptor;
    }
}

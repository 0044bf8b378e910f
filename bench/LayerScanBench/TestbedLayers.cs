using System.IO.Compression;
using System.Text.Json;

namespace LayerScanBench;

/// <summary>
/// The gzip layers of the test bed's OCI layouts (artifacts/testbed/oci/&lt;layout&gt;), found from the current folder
/// upwards. These are real base layers built from Debian packages and the host's .NET runtime.
/// </summary>
internal static class TestbedLayers
{
    public static IEnumerable<BenchLayer> Find(string[] layouts)
    {
        if (layouts.Length == 0)
        {
            yield break;
        }

        string? oci = FindOciRoot();
        if (oci is null)
        {
            Console.Error.WriteLine("artifacts/testbed/oci not found: run `bash eng/testbed/build-fixtures.sh` first; skipping real layers.");
            yield break;
        }

        var seen = new HashSet<string>();
        foreach (string name in layouts)
        {
            string layout = Path.Combine(oci, name);
            string blobs = Path.Combine(layout, "blobs", "sha256");
            using JsonDocument index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, "index.json")));
            string manifestDigest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
            using JsonDocument manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(blobs, manifestDigest["sha256:".Length..])));
            if (!manifest.RootElement.TryGetProperty("layers", out JsonElement list))
            {
                Console.Error.WriteLine($"{name}: not a single-platform manifest; skipped.");
                continue;
            }

            int i = 0;
            foreach (JsonElement layer in list.EnumerateArray())
            {
                string hex = layer.GetProperty("digest").GetString()!["sha256:".Length..];
                if (!layer.GetProperty("mediaType").GetString()!.EndsWith("gzip", StringComparison.Ordinal) || !seen.Add(hex))
                {
                    continue;
                }

                string path = Path.Combine(blobs, hex);
                yield return SyntheticLayer.Describe($"testbed {name}[{i++}]", path, UncompressedSize(path));
            }
        }
    }

    private static long UncompressedSize(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        byte[] buffer = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = gz.Read(buffer)) > 0)
        {
            total += n;
        }

        return total;
    }

    private static string? FindOciRoot()
    {
        for (string? dir = Directory.GetCurrentDirectory(); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "artifacts", "testbed", "oci");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

using System.Text.Json;
using SecureContainers.Core.Signing.Bundles;

namespace SecureContainers.Cli.Commands;

/// <summary>The <c>"bundles"</c> array of sign's and attest's JSON result.</summary>
internal static class BundleJson
{
    public static void Write(Utf8JsonWriter w, IReadOnlyList<ImageBundle> bundles)
    {
        w.WriteStartArray("bundles");
        foreach (ImageBundle b in bundles)
        {
            w.WriteStartObject();
            w.WriteString("predicateType", b.PredicateType);
            w.WriteString("reference", b.Reference);
            w.WriteString("manifest", b.Manifest.ToString());
            w.WriteBoolean("added", b.Added);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static string Text(ImageBundle b) =>
        $"Sigstore bundle ({b.PredicateType}) {b.Reference}" + (b.Added ? "" : " (already there, nothing added)");
}

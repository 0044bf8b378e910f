using System.Text.Json;

namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>Facts the test bed recorded about each base image fixture (eng/testbed/README.md describes the schema).</summary>
public static class Fixtures
{
    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllBytes(TestBed.FixturesFile)));

    public static JsonElement Get(string name) => Document.Value.RootElement.GetProperty("fixtures").GetProperty(name);

    public static string Digest(string name) => Get(name).GetProperty("digest").GetString()!;

    private static readonly Lazy<JsonDocument> DebLicenses = new(() => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(TestBed.FixturesFile)!, "deb-licenses.json"))));

    /// <summary>
    /// Per package of a Debian fixture, the license short names its machine-readable copyright file states (computed by
    /// build-fixtures.sh with awk from the image's merged tree), or null when it has none (missing or free-form).
    /// </summary>
    public static IReadOnlyDictionary<string, string[]?> DebLicenseNames(string name) =>
        DebLicenses.Value.RootElement.GetProperty(name).EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray(),
            StringComparer.Ordinal);

    /// <summary>The fixture as a digest-pinned reference in the test registry: <c>registry/base/name:tag@sha256:…</c>.</summary>
    public static string Pinned(string name) => $"{TestBed.BaseImage(name)}:{Get(name).GetProperty("tag").GetString()}@{Digest(name)}";
}

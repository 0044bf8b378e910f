using System.Text.Json;

namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>Facts the test bed recorded about each base image fixture (eng/testbed/README.md describes the schema).</summary>
public static class Fixtures
{
    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllBytes(TestBed.FixturesFile)));

    public static JsonElement Get(string name) => Document.Value.RootElement.GetProperty("fixtures").GetProperty(name);

    public static string Digest(string name) => Get(name).GetProperty("digest").GetString()!;

    /// <summary>The fixture as a digest-pinned reference in the test registry: <c>registry/base/name:tag@sha256:…</c>.</summary>
    public static string Pinned(string name) => $"{TestBed.BaseImage(name)}:{Get(name).GetProperty("tag").GetString()}@{Digest(name)}";
}

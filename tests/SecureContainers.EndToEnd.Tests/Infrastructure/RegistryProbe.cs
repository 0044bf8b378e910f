using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace SecureContainers.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Looks into the test registry with plain HTTP calls, independent of the product's own registry client, to prove
/// what was and was not pushed.
/// </summary>
public static class RegistryProbe
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static readonly string[] ManifestTypes =
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ];

    /// <summary>The repository's tags, or an empty list when the registry has never heard of it.</summary>
    public static async Task<IReadOnlyList<string>> TagsAsync(string repository)
    {
        using HttpResponseMessage response = await Http.GetAsync($"http://{TestBed.Registry}/v2/{repository}/tags/list");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.TryGetProperty("tags", out JsonElement tags) && tags.ValueKind == JsonValueKind.Array
            ? tags.EnumerateArray().Select(t => t.GetString()!).ToArray()
            : [];
    }

    /// <summary>
    /// Whether the registry holds anything of the repository: a tag, or (since blobs are pushed before the manifest that
    /// names them) any blob. Distribution lists a repository in its catalog once its first blob link exists.
    /// </summary>
    public static async Task<bool> RepositoryExistsAsync(string repository)
    {
        // Distribution caps a catalog page at 1,000 names and links the next page in the Link header.
        string? next = "/v2/_catalog?n=1000";
        while (next is not null)
        {
            using HttpResponseMessage response = await Http.GetAsync($"http://{TestBed.Registry}{next}");
            response.EnsureSuccessStatusCode();
            using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (doc.RootElement.GetProperty("repositories").EnumerateArray().Any(r => r.GetString() == repository))
            {
                return true;
            }

            next = response.Headers.TryGetValues("Link", out IEnumerable<string>? links) && links.FirstOrDefault() is { } link
                ? link[(link.IndexOf('<', StringComparison.Ordinal) + 1)..link.IndexOf('>', StringComparison.Ordinal)]
                : null;
        }

        return (await TagsAsync(repository)).Count > 0;
    }

    /// <summary>
    /// Upload sessions still open in the repository, read from the registry's own storage (SC_TEST_REGISTRY_STORAGE,
    /// exported by eng/testbed/registry.sh): a session keeps its <c>startedat</c> until it is completed or cancelled.
    /// </summary>
    public static string[] OpenUploadSessions(string repository)
    {
        string storage = Environment.GetEnvironmentVariable("SC_TEST_REGISTRY_STORAGE") is { Length: > 0 } s
            ? s
            : throw new InvalidOperationException("SC_TEST_REGISTRY_STORAGE is not set; start the test registry with eng/testbed/registry.sh and source its env file.");
        string uploads = Path.Combine(storage, "docker", "registry", "v2", "repositories", repository, "_uploads");
        return Directory.Exists(uploads) ? Directory.GetDirectories(uploads).Where(d => File.Exists(Path.Combine(d, "startedat"))).ToArray() : [];
    }

    /// <summary>The manifest (or index) a tag or digest names, with its computed digest and media type; null when absent.</summary>
    public static async Task<(string Digest, string MediaType, JsonDocument Json)?> ManifestAsync(string repository, string reference)
    {
        using HttpRequestMessage request = new(HttpMethod.Get, $"http://{TestBed.Registry}/v2/{repository}/manifests/{reference}");
        foreach (string type in ManifestTypes)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        using HttpResponseMessage response = await Http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        string digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        return (digest, response.Content.Headers.ContentType?.MediaType ?? string.Empty, JsonDocument.Parse(bytes));
    }

    public static async Task<byte[]> BlobAsync(string repository, string digest) =>
        await Http.GetByteArrayAsync($"http://{TestBed.Registry}/v2/{repository}/blobs/{digest}");

    /// <summary>The tag cosign gives an image digest's signatures (<c>sig</c>) or attestations (<c>att</c>): <c>sha256-&lt;hex&gt;.sig</c>.</summary>
    public static string CosignTag(string imageDigest, string suffix) => $"sha256-{imageDigest["sha256:".Length..]}.{suffix}";

    /// <summary>How many layers the manifest at a tag has (one per signature or attestation at a cosign tag); 0 when the tag is absent.</summary>
    public static async Task<int> LayerCountAsync(string repository, string tag) =>
        await ManifestAsync(repository, tag) is { } manifest ? manifest.Json.RootElement.GetProperty("layers").GetArrayLength() : 0;

    /// <summary>
    /// The artifact types of an image manifest's referrers, one per entry of its <c>sha256-&lt;hex&gt;</c> referrers tag
    /// index (the test registry has no referrers API); empty when there is no such tag.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReferrerArtifactTypesAsync(string repository, string imageDigest) =>
        await ManifestAsync(repository, "sha256-" + imageDigest["sha256:".Length..]) is { } index
            ? index.Json.RootElement.GetProperty("manifests").EnumerateArray()
                .Select(m => m.TryGetProperty("artifactType", out JsonElement t) ? t.GetString() ?? string.Empty : string.Empty).ToArray()
            : [];

    /// <summary>
    /// The SBOM attached to an image manifest, read the way the OCI referrers tag schema defines (the test registry,
    /// Distribution 2.8, has no referrers API): the <c>sha256-&lt;hex&gt;</c> index, the artifact manifest, its layer.
    /// </summary>
    public static async Task<(int Referrers, string Subject, byte[] Sbom)?> AttachedSbomAsync(string repository, string imageDigest)
    {
        var index = await ManifestAsync(repository, "sha256-" + imageDigest["sha256:".Length..]);
        if (index is null)
        {
            return null;
        }

        JsonElement[] entries = index.Value.Json.RootElement.GetProperty("manifests").EnumerateArray()
            .Where(m => m.TryGetProperty("artifactType", out JsonElement t) && t.GetString() == "application/vnd.cyclonedx+json").ToArray();
        if (entries.Length == 0)
        {
            return null;
        }

        var artifact = await ManifestAsync(repository, entries[0].GetProperty("digest").GetString()!);
        JsonElement root = artifact!.Value.Json.RootElement;
        string subject = root.GetProperty("subject").GetProperty("digest").GetString()!;
        byte[] sbom = await BlobAsync(repository, root.GetProperty("layers")[0].GetProperty("digest").GetString()!);
        return (entries.Length, subject, sbom);
    }
}

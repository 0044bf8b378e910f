using SecureContainers.Core.IO;
using System.Globalization;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Sbom;

/// <summary>An SBOM read back from a registry, with what it was verified against.</summary>
/// <param name="Image">The reference as given, pinned to the digest it resolved to (the tag is kept for messages).</param>
/// <param name="ImageDigest">The platform image manifest the SBOM describes and refers to.</param>
/// <param name="Platform">The platform picked from an index, or null when the reference named a single manifest.</param>
/// <param name="Artifact">The referrers entry that was chosen (the SBOM artifact manifest).</param>
/// <param name="Layer">The CycloneDX layer of that artifact.</param>
/// <param name="Content">The SBOM bytes exactly as stored, digest-verified.</param>
/// <param name="Candidates">How many CycloneDX referrers the image had; the rule in <see cref="SbomFetcher.Choose"/> picked one.</param>
public sealed record FetchedSbom(ImageReference Image, Digest ImageDigest, Platform? Platform, Descriptor Artifact, Descriptor Layer, byte[] Content, int Candidates);

/// <summary>
/// Reads the CycloneDX SBOM attached to an image (an OCI artifact whose <c>subject</c> is the image manifest), the way
/// SecureContainers.Build attaches it. Every link is checked: the tag is resolved once to a digest, the artifact's
/// subject must be that digest, the layer must match its digest, and the SBOM's own <c>metadata.component</c> must name
/// the same digest. Shared by the CLI (<c>securecontainers sbom</c>) and anything else that needs the SBOM back.
/// </summary>
public sealed class SbomFetcher
{
    /// <summary>The artifactType and layer media type of a CycloneDX JSON SBOM.</summary>
    public const string CycloneDxJsonMediaType = "application/vnd.cyclonedx+json";

    /// <summary>The annotation that orders several attached SBOMs (newest first).</summary>
    public const string CreatedAnnotation = "org.opencontainers.image.created";

    /// <summary>Used when an index has several platforms and none was asked for; the SDK's default RID is linux-x64.</summary>
    public static readonly Platform DefaultPlatform = new("linux", "amd64");

    private readonly RegistryClient _client;

    public SbomFetcher(RegistryClient client) => _client = client;

    /// <summary>SBOM layers larger than this are refused before download (a real image SBOM is a few MiB at most).</summary>
    public long MaxSbomBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Resolves <paramref name="image"/> once, picks the platform manifest of an index (<paramref name="platform"/>, else
    /// the index's only platform, else <see cref="DefaultPlatform"/>), and returns the verified SBOM attached to it.
    /// When <paramref name="platform"/> is given for a single-platform image, the image's config must match it.
    /// Errors: SC5201 none attached, SC5202–SC5204 an attached SBOM that fails a check, SC3xxx registry and reference problems.
    /// </summary>
    public async Task<FetchedSbom> FetchAsync(ImageReference image, Platform? platform, CancellationToken ct)
    {
        (Digest imageDigest, Platform? picked, ImageReference pinned) = await ResolveOnceAsync(image, platform, ct).ConfigureAwait(false);

        IReadOnlyList<Descriptor> referrers = await _client.GetReferrersAsync(image.Registry, image.Repository, imageDigest, CycloneDxJsonMediaType, ct).ConfigureAwait(false);
        Descriptor artifact = Choose(referrers)
            ?? throw new SecureContainerException(SbomRetrievalDiagnostics.NoSbomAttached.Create(pinned, imageDigest, CycloneDxJsonMediaType));

        (Digest _, string mediaType, byte[] manifestBytes) = await _client.GetManifestAsync(image.Registry, image.Repository, artifact.Digest.ToString(), ct).ConfigureAwait(false);
        if (!MediaTypes.IsImageManifest(mediaType))
        {
            throw Unusable(artifact, pinned, $"it is a {mediaType}, not an OCI manifest");
        }

        ImageManifest manifest = ImageManifest.Parse(manifestBytes, mediaType);
        if (manifest.Subject?.Digest != imageDigest)
        {
            throw new SecureContainerException(SbomRetrievalDiagnostics.SubjectMismatch.Create(artifact.Digest, pinned, imageDigest,
                manifest.Subject is null ? "no subject" : $"subject {manifest.Subject.Digest}"));
        }

        List<Descriptor> layers = manifest.Layers.Where(l => l.MediaType == CycloneDxJsonMediaType).ToList();
        if (layers.Count != 1)
        {
            throw Unusable(artifact, pinned, $"it has {layers.Count} layers of media type {CycloneDxJsonMediaType} where exactly one is expected");
        }

        Descriptor layer = layers[0];
        if (layer.Size > MaxSbomBytes)
        {
            throw Unusable(artifact, pinned, $"its SBOM layer is {layer.Size} bytes, over the {MaxSbomBytes}-byte limit");
        }

        byte[] content = await ReadBlobAsync(image, layer, ct).ConfigureAwait(false);
        CheckNamesImage(content, imageDigest, artifact.Digest, pinned);
        return new FetchedSbom(pinned, imageDigest, picked, artifact, layer, content, referrers.Count);
    }

    /// <summary>
    /// The one SBOM to return when several are attached: the newest by the <see cref="CreatedAnnotation"/> annotation
    /// (RFC 3339; entries without a readable one come after all that have one), ties broken by the smaller digest in
    /// ordinal order. The result depends only on the list's contents, never on the registry's order.
    /// </summary>
    public static Descriptor? Choose(IReadOnlyList<Descriptor> referrers) => referrers
        .OrderByDescending(d => Created(d) is DateTimeOffset t ? t.UtcTicks : long.MinValue)
        .ThenBy(d => d.Digest.ToString(), StringComparer.Ordinal)
        .FirstOrDefault();

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> through a temporary file in the same folder and a
    /// rename, so no half-written SBOM is ever seen and a failure keeps the previous file. I/O failures are SC5007.
    /// </summary>
    public static void WriteFile(ReadOnlySpan<byte> content, string path) =>
        AtomicFile.Write(path, content, (target, message) => SbomDiagnostics.WriteFailed.Create(target, message));

    private async Task<(Digest Digest, Platform? Platform, ImageReference Pinned)> ResolveOnceAsync(ImageReference image, Platform? platform, CancellationToken ct)
    {
        // The only request by tag; everything after goes by digest, so a tag moved meanwhile cannot mix two images.
        (Digest topDigest, string topType, byte[] topBytes) = await _client.GetManifestAsync(image.Registry, image.Repository, image.ReferenceForApi, ct).ConfigureAwait(false);
        ImageReference pinned = image with { Digest = topDigest };

        if (MediaTypes.IsIndex(topType))
        {
            Platform wanted = platform ?? OnlyPlatform(ImageIndex.Parse(topBytes, topType)) ?? DefaultPlatform;
            ResolvedImage resolved = await _client.ResolveAsync(pinned, wanted, ct).ConfigureAwait(false);
            return (resolved.ManifestDigest, resolved.Platform, pinned);
        }

        if (!MediaTypes.IsImageManifest(topType))
        {
            throw new SecureContainerException(OciDiagnostics.UnsupportedMediaType.Create(pinned, topType));
        }

        if (platform is not null)
        {
            // Asked for a platform explicitly: a single-platform image for another one is an error, not a silent answer.
            ResolvedImage resolved = await _client.ResolveAsync(pinned, platform, ct).ConfigureAwait(false);
            return (resolved.ManifestDigest, resolved.Platform, pinned);
        }

        return (topDigest, null, pinned);
    }

    /// <summary>The index's platform when it has exactly one real one (attestation entries are unknown/unknown).</summary>
    private static Platform? OnlyPlatform(ImageIndex index)
    {
        List<Platform> platforms = index.Manifests
            .Where(m => MediaTypes.IsImageManifest(m.MediaType) && m.Platform is { } p && p.Os != "unknown")
            .Select(m => m.Platform!)
            .Distinct()
            .ToList();
        return platforms.Count == 1 ? platforms[0] : null;
    }

    private async Task<byte[]> ReadBlobAsync(ImageReference image, Descriptor layer, CancellationToken ct)
    {
        try
        {
            await using DigestVerifyingStream stream = await _client.OpenBlobAsync(image.Registry, image.Repository, layer, ct).ConfigureAwait(false);
            using MemoryStream buffer = new(checked((int)layer.Size));
            await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (DigestMismatchException ex)
        {
            throw new SecureContainerException(RegistryClient.ToDiagnostic(ex), ex);
        }
    }

    /// <summary>
    /// The SBOM must say it describes this image: its metadata.component purl (pkg:oci/…@digest) and its SHA-256/512
    /// hash, whichever it has (at least one), name <paramref name="imageDigest"/>. This catches an SBOM of one image
    /// attached to another, which the subject link alone cannot.
    /// </summary>
    private static void CheckNamesImage(byte[] content, Digest imageDigest, Digest artifact, ImageReference image)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(content);
        }
        catch (JsonException ex)
        {
            throw NotNaming($"it is not valid JSON ({ex.Message})");
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("bomFormat", out JsonElement format)
                || format.ValueKind != JsonValueKind.String || format.GetString() != "CycloneDX")
            {
                throw NotNaming("it is not a CycloneDX document (no \"bomFormat\": \"CycloneDX\")");
            }

            if (!root.TryGetProperty("metadata", out JsonElement metadata) || metadata.ValueKind != JsonValueKind.Object
                || !metadata.TryGetProperty("component", out JsonElement component) || component.ValueKind != JsonValueKind.Object)
            {
                throw NotNaming("it has no metadata.component");
            }

            List<string> named = new();
            if (component.TryGetProperty("purl", out JsonElement purl) && purl.ValueKind == JsonValueKind.String)
            {
                string text = purl.GetString()!;
                if (OciPurlDigest(text) is not Digest purlDigest)
                {
                    throw NotNaming($"its metadata.component purl '{DocumentSource.Truncate(text)}' is not a pkg:oci purl with a digest version");
                }

                named.Add(purlDigest.ToString());
            }

            if (component.TryGetProperty("hashes", out JsonElement hashes) && hashes.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement hash in hashes.EnumerateArray())
                {
                    string? alg = hash.ValueKind == JsonValueKind.Object && hash.TryGetProperty("alg", out JsonElement a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                    string? value = hash.ValueKind == JsonValueKind.Object && hash.TryGetProperty("content", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    string? algorithm = alg switch { "SHA-256" => "sha256", "SHA-512" => "sha512", _ => null };
                    if (algorithm is not null && value is not null)
                    {
                        named.Add($"{algorithm}:{value.ToLowerInvariant()}");
                    }
                }
            }

            if (named.Count == 0)
            {
                throw NotNaming("its metadata.component has neither a pkg:oci purl nor a SHA-256/SHA-512 hash");
            }

            // A hash in another algorithm than the image digest's cannot be compared and is not counted against it.
            string expected = imageDigest.ToString();
            string? wrong = named.FirstOrDefault(n => n.StartsWith(imageDigest.Algorithm + ":", StringComparison.Ordinal) && n != expected);
            if (wrong is not null || !named.Contains(expected))
            {
                throw NotNaming($"its metadata.component names {wrong ?? string.Join(", ", named)}");
            }
        }

        SecureContainerException NotNaming(string why) =>
            new(SbomRetrievalDiagnostics.SbomNamesOtherImage.Create(artifact, image, imageDigest, why));
    }

    /// <summary>The digest in the version of a <c>pkg:oci/name@sha256%3A…?…</c> purl, or null.</summary>
    internal static Digest? OciPurlDigest(string purl)
    {
        if (!purl.StartsWith("pkg:oci/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string path = purl;
        int end = path.IndexOfAny(['?', '#']);
        if (end >= 0)
        {
            path = path[..end];
        }

        int at = path.LastIndexOf('@');
        if (at < 0)
        {
            return null;
        }

        return Digest.TryParse(Uri.UnescapeDataString(path[(at + 1)..]), out Digest digest) ? digest : null;
    }

    private static DateTimeOffset? Created(Descriptor d) =>
        d.Annotations is { } a && a.TryGetValue(CreatedAnnotation, out string? text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t)
            ? t
            : null;

    private static SecureContainerException Unusable(Descriptor artifact, ImageReference image, string why) =>
        new(SbomRetrievalDiagnostics.SbomArtifactUnusable.Create(artifact.Digest, image, why));
}

/// <summary>Reading an attached SBOM back from a registry (SC52xx).</summary>
public static class SbomRetrievalDiagnostics
{
    public static readonly DiagnosticDescriptor NoSbomAttached = new("SC5201", DiagnosticSeverity.Error,
        "Image {0} (manifest {1}) has no SBOM attached: no referrer with artifactType {2}. Publish it with SecureContainers.Build to a registry (the SBOM is attached after the push), or check that the reference and --platform name the image you published.")
    {
        CliMessageFormat = "Image {0} (manifest {1}) has no SBOM attached: no referrer with artifactType {2}. Attach one with `securecontainers attach IMAGE --sbom FILE` (or publish with SecureContainers.Build), or check that the image argument and --platform name the image you meant.",
    };

    public static readonly DiagnosticDescriptor SubjectMismatch = new("SC5202", DiagnosticSeverity.Error,
        "The SBOM artifact {0} is listed as referring to image {1} (manifest {2}) but its manifest has {3}. It does not describe this image and was refused; the referrers list (or its sha256-<hex> tag) is wrong, so republish the image or repair that tag.");

    public static readonly DiagnosticDescriptor SbomArtifactUnusable = new("SC5203", DiagnosticSeverity.Error,
        "The SBOM artifact {0} attached to image {1} cannot be used: {2}. It was not written by SecureContainers.Build or is damaged; republish the image to attach a fresh SBOM.");

    public static readonly DiagnosticDescriptor SbomNamesOtherImage = new("SC5204", DiagnosticSeverity.Error,
        "The SBOM in artifact {0} attached to image {1} does not name that image's manifest {2}: {3}. An SBOM of another image (or a damaged one) was attached here, so it was refused; republish the image to attach its own SBOM.");
}

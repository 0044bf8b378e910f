using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>The Sigstore bundles read for one digest and their verdicts.</summary>
/// <param name="Truncated">True when there were more than <see cref="BundleReferrerVerifier.MaxBundles"/>.</param>
public sealed record BundleVerification(IReadOnlyList<BundleCheck> Bundles, bool Truncated)
{
    /// <summary>cosign's image signature among the bundles: the sign/v1 statement or a message signature, valid.</summary>
    public bool HasValidSignature => Bundles.Any(b => b.Valid && b.IsSignature);

    /// <summary>Predicate types of the valid attestation bundles (not the signature statement), distinct, in order.</summary>
    public IReadOnlyList<string> ValidPredicateTypes => Bundles.Where(b => b.Valid && !b.IsSignature && b.PredicateType is not null)
        .Select(b => b.PredicateType!).Distinct(StringComparer.Ordinal).ToArray();
}

/// <summary>
/// Reads the Sigstore bundles attached to an image as OCI referrers (cosign v3's layout, <c>specs/BUNDLE_SPEC.md</c>:
/// an artifact manifest of type <see cref="SigstoreBundle.MediaTypeV03"/> whose one layer is the bundle), through the
/// referrers API or its tag fallback, and verifies each one. Counts and sizes are capped so that a hostile registry
/// cannot make verification read without end.
/// </summary>
public static class BundleReferrerVerifier
{
    public const int MaxBundles = 100;

    /// <summary>
    /// An attestation bundle embeds its predicate: a 16 MiB SBOM, base64 in the envelope, and room to spare. The size is
    /// checked before reading.
    /// </summary>
    public const long MaxBundleBytes = 32 * 1024 * 1024;

    public static async Task<BundleVerification> VerifyAsync(RegistryClient client, string registry, string repository, Digest digest,
        BundleVerificationPolicy policy, CancellationToken ct)
    {
        IReadOnlyList<Descriptor> referrers = await client.GetReferrersAsync(registry, repository, digest, SigstoreBundle.MediaTypeV03, ct).ConfigureAwait(false);
        List<BundleCheck> checks = new();
        foreach (Descriptor referrer in referrers.Take(MaxBundles))
        {
            BundleCheck check = await CheckAsync(client, registry, repository, digest, policy, referrer, ct).ConfigureAwait(false);
            checks.Add(check with { Artifact = referrer.Digest });
        }

        return new BundleVerification(checks, referrers.Count > MaxBundles);
    }

    private static async Task<BundleCheck> CheckAsync(RegistryClient client, string registry, string repository, Digest digest,
        BundleVerificationPolicy policy, Descriptor referrer, CancellationToken ct)
    {
        (SigstoreBundle? bundle, string problem) = await ReadAsync(client, registry, repository, referrer, ct).ConfigureAwait(false);
        return bundle is null ? BundleCheck.Fail(BundleFailure.Unreadable, problem) : BundleVerifier.Verify(bundle, digest, policy);
    }

    /// <summary>
    /// One bundle referrer read and parsed: its manifest, the bundle layer (within <see cref="MaxBundleBytes"/>), the
    /// bundle. Null with the reason when any of it is missing or malformed: the referrer is unusable, the registry is not.
    /// Shared by verification and by the writer's duplicate detection.
    /// </summary>
    internal static async Task<(SigstoreBundle? Bundle, string Problem)> ReadAsync(RegistryClient client, string registry, string repository, Descriptor referrer, CancellationToken ct)
    {
        ImageManifest manifest;
        try
        {
            (_, string mediaType, byte[] bytes) = await client.GetManifestAsync(registry, repository, referrer.Digest.ToString(), ct).ConfigureAwait(false);
            manifest = ImageManifest.Parse(bytes, mediaType);
        }
        catch (SecureContainerException ex) when (ex.Diagnostic.Descriptor == RegistryDiagnostics.ManifestNotFound || ex.Diagnostic.Code.StartsWith("SC30", StringComparison.Ordinal))
        {
            return (null, $"its manifest was not read: {ex.Diagnostic.Code}");
        }

        Descriptor? layer = manifest.Layers.FirstOrDefault(l => SigstoreBundle.ReadableMediaTypes.Contains(l.MediaType)) ?? manifest.Layers.FirstOrDefault();
        if (layer is null)
        {
            return (null, "its manifest has no layer");
        }

        (byte[]? json, string problem) = await TaggedLayers.ReadBlobAsync(client, registry, repository, layer, MaxBundleBytes, ct).ConfigureAwait(false);
        if (json is null)
        {
            return (null, $"the bundle was not read: {problem}");
        }

        return SigstoreBundleReader.TryParse(json, out string parseProblem) is SigstoreBundle bundle ? (bundle, "") : (null, $"not a Sigstore bundle: {parseProblem}");
    }
}

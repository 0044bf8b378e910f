using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>One manifest of the image and what its Notary signatures proved; no verification when the policy skips.</summary>
public sealed record NotaryManifestReport(Descriptor Target, NotaryArtifactVerification? Verification)
{
    public bool Verified => Verification is null || Verification.Verified is not null;
}

/// <summary>What <c>securecontainers verify --notary</c> established for an image: the policy, and each manifest's verdict.</summary>
public sealed record NotaryImageReport(string Image, Digest Digest, NotaryTrustPolicy? Policy, IReadOnlyList<NotaryManifestReport> Manifests)
{
    /// <summary>True when a policy covers the image and every manifest verified (or the policy's level is skip, as in notation).</summary>
    public bool Verified => Policy is not null && Manifests.All(m => m.Verified);
}

/// <summary>
/// The release pipeline's Notary check of an image, as notation verifies it and as Microsoft asks for its images: the
/// index and every platform manifest it lists (or the one platform asked for), each needing one signature that
/// satisfies the trust policy whose scope covers the repository. No policy covering the image fails, as the
/// specification requires.
/// </summary>
public static class NotaryImageVerifier
{
    public static async Task<NotaryImageReport> VerifyAsync(RegistryClient client, ImageReference image, Platform? platform,
        IReadOnlyList<NotaryTrustPolicy> policies, DateTimeOffset now, CancellationToken ct)
    {
        (Digest digest, string mediaType, byte[] bytes) = await client.GetManifestAsync(image.Registry, image.Repository, image.ReferenceForApi, ct).ConfigureAwait(false);
        string name = $"{image.Registry}/{image.Repository}";
        NotaryTrustPolicy? policy = NotaryTrustPolicy.Select(policies, name);
        if (policy is null)
        {
            return new NotaryImageReport(name, digest, null, []);
        }

        List<Descriptor> targets = [];
        if (MediaTypes.IsIndex(mediaType))
        {
            ImageIndex index = ImageIndex.Parse(bytes, mediaType);
            if (platform is null)
            {
                targets.Add(new Descriptor(mediaType, digest, bytes.Length));
            }

            // Attestation manifests (buildx's unknown/unknown) are not images; they carry no platform signature.
            targets.AddRange(index.Manifests.Where(m => m.Platform is { } p && p.Os != "unknown" && (platform is null || platform.Matches(p))));
        }
        else
        {
            targets.Add(new Descriptor(mediaType, digest, bytes.Length));
        }

        List<NotaryManifestReport> manifests = [];
        foreach (Descriptor target in targets)
        {
            NotaryArtifactVerification? verification = policy.Level == NotaryVerificationLevel.Skip
                ? null
                : await NotaryReferrerVerifier.VerifyAsync(client, image.Registry, image.Repository, target with { Platform = null, Annotations = null }, policy, now, ct).ConfigureAwait(false);
            manifests.Add(new NotaryManifestReport(target, verification));
        }

        return new NotaryImageReport(name, digest, policy, manifests);
    }
}

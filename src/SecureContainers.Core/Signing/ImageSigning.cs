using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Provenance;

namespace SecureContainers.Core.Signing;

/// <summary>What to sign and attest for one pushed image digest, and in which format.</summary>
public sealed record ImageSigningRequest(string Registry, string Repository, Digest Digest, ISigner Signer)
{
    public SignatureFormat Format { get; init; } = SignatureFormat.Both;

    /// <summary>Sign the digest; false when only attesting (<c>securecontainers attest</c>).</summary>
    public bool Sign { get; init; } = true;

    /// <summary>The CycloneDX SBOM to attest, or null.</summary>
    public byte[]? Sbom { get; init; }

    /// <summary>What the SLSA provenance to attest says, or null.</summary>
    public ProvenanceInputs? Provenance { get; init; }

    /// <summary>The bundle's verification material; null for the signer's public-key hint (key-based signing).</summary>
    public IBundleWitness? Witness { get; init; }

    /// <summary>
    /// <c>org.opencontainers.image.created</c> of each bundle: SOURCE_DATE_EPOCH when the build pins time, so bundle
    /// manifests stay reproducible up to the (randomized) ECDSA signature.
    /// </summary>
    public DateTimeOffset Created { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>What was stored in the registry for one image digest.</summary>
/// <param name="Signature">The legacy <c>.sig</c> signature; null when the format writes bundles only or nothing was signed.</param>
/// <param name="Attestations">The legacy <c>.att</c> attestations.</param>
/// <param name="Bundles">The Sigstore bundles pushed as referrers: the signature first, then each attestation.</param>
public sealed record SigningResult(SignatureFormat Format, CosignSignature? Signature, IReadOnlyList<ImageAttestation> Attestations, IReadOnlyList<ImageBundle> Bundles)
{
    /// <summary>One line of what was written where, for the "signed" message.</summary>
    public string Describe()
    {
        List<string> parts = new();
        if (Signature is not null)
        {
            parts.Add($"signature {Signature.SignatureReference}");
        }

        if (Attestations.Count > 0)
        {
            parts.Add($"{Attestations.Count} attestation(s) {Attestations[0].AttestationReference}");
        }

        if (Bundles.Count > 0)
        {
            parts.Add($"{Bundles.Count} Sigstore bundle(s) as OCI referrers: "
                + string.Join(", ", Bundles.Select(b => $"{b.PredicateType} {b.Manifest}{(b.Added ? "" : " (already there)")}")));
        }

        return $"format {Format.ToWord()}: " + (parts.Count == 0 ? "nothing to write" : string.Join("; ", parts));
    }
}

/// <summary>
/// Signs one pushed image digest and attests its SBOM and SLSA provenance in the formats asked for: cosign's legacy
/// layout (a signature in <c>sha256-&lt;hex&gt;.sig</c>, DSSE envelopes in <c>sha256-&lt;hex&gt;.att</c>, appended to what is
/// there), cosign v3's Sigstore bundles pushed as OCI referrers (<see cref="BundleReferrers"/>), or both. Every write is
/// idempotent: the same statement already signed by the same key is not written again.
/// </summary>
public static class ImageSigning
{
    public static async Task<SigningResult> SignAsync(RegistryClient client, ImageSigningRequest request, CancellationToken ct)
    {
        (string registry, string repository, Digest digest, ISigner signer) = (request.Registry, request.Repository, request.Digest, request.Signer);
        List<(string Type, byte[] Predicate)> predicates = new();
        if (request.Sbom is not null)
        {
            predicates.Add((InTotoStatement.CycloneDxPredicateType, request.Sbom));
        }

        if (request.Provenance is not null)
        {
            predicates.Add((ProvenancePredicate.PredicateType, ProvenancePredicate.Create(request.Provenance)));
        }

        CosignSignature? signature = null;
        List<ImageAttestation> attestations = new();
        if (request.Format.WritesLegacy())
        {
            if (request.Sign)
            {
                signature = await CosignSigner.SignImageAsync(client, registry, repository, digest, signer, ct).ConfigureAwait(false);
            }

            foreach ((string type, byte[] predicate) in predicates)
            {
                attestations.Add(await CosignAttestor.AttestImageAsync(client, registry, repository, digest, type, predicate, signer, ct).ConfigureAwait(false));
            }
        }

        List<ImageBundle> bundles = new();
        if (request.Format.WritesBundles())
        {
            IBundleWitness witness = request.Witness ?? new PublicKeyWitness(signer.PublicKey);
            if (request.Sign)
            {
                bundles.Add(await BundleReferrers.SignImageAsync(client, registry, repository, digest, signer, witness, request.Created, ct).ConfigureAwait(false));
            }

            foreach ((string type, byte[] predicate) in predicates)
            {
                bundles.Add(await BundleReferrers.AttestImageAsync(client, registry, repository, digest, type, predicate, signer, witness, request.Created, ct).ConfigureAwait(false));
            }
        }

        return new SigningResult(request.Format, signature, attestations, bundles);
    }
}

using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Keys;
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

    /// <summary>
    /// The party of a <see cref="JointAttachment"/> the bundles attach as (the build's SBOM is another), or null. It leaves when
    /// the bundles are written or fail, so the other parties never wait for the legacy lanes.
    /// </summary>
    public JointAttachment.Party? BundleParty { get; init; }

    /// <summary>
    /// The manifest <see cref="Digest"/> names, as its pusher reports it (the SDK's <c>GeneratedContainerManifest</c>), or null:
    /// when it hashes to the digest the bundles take their subject from it instead of asking the registry.
    /// </summary>
    public byte[]? PushedManifest { get; init; }
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
        (string registry, string repository, Digest digest) = (request.Registry, request.Repository, request.Digest);
        // The lanes below sign at the same time; a key object is not promised to be safe for that, so they take turns.
        ISigner signer = new OneAtATimeSigner(request.Signer);
        List<(string Type, byte[] Predicate)> predicates = new();
        if (request.Sbom is not null)
        {
            predicates.Add((InTotoStatement.CycloneDxPredicateType, request.Sbom));
        }

        if (request.Provenance is not null)
        {
            predicates.Add((ProvenancePredicate.PredicateType, ProvenancePredicate.Create(request.Provenance)));
        }

        // The .att layers and the attestation bundles sign the same statements: made once (the SBOM's is the largest document here).
        List<(string PredicateType, byte[] Statement)> statements = predicates
            .Select(p => BundleReferrers.AttestStatement(registry, repository, digest, p.Type, p.Predicate))
            .ToList();

        // Three lanes, each the only writer of its shared document: the referrers tag, the .att tag, the .sig tag. They run
        // at the same time, and each lane writes all of its entries in one update of its document: every update waits out a
        // settling pause, so updates in a row would add up. The bundles start first: their update may be the SBOM's too.
        Task<List<ImageBundle>> bundling = request.Format.WritesBundles() ? BundlesAsync() : NoBundles();
        Task<List<ImageAttestation>> attesting = request.Format.WritesLegacy() ? AttestLegacyAsync() : Task.FromResult(new List<ImageAttestation>());
        Task<CosignSignature?> signing = request.Format.WritesLegacy() && request.Sign
            ? SignLegacyAsync()
            : Task.FromResult<CosignSignature?>(null);
        await Task.WhenAll(signing, attesting, bundling).ConfigureAwait(false);
        CosignSignature? signature = await signing.ConfigureAwait(false);
        List<ImageAttestation> attestations = await attesting.ConfigureAwait(false);
        List<ImageBundle> bundles = await bundling.ConfigureAwait(false);

        async Task<CosignSignature?> SignLegacyAsync() =>
            await CosignSigner.SignImageAsync(client, registry, repository, digest, signer, ct).ConfigureAwait(false);

        async Task<List<ImageAttestation>> AttestLegacyAsync() => statements.Count == 0 ? new()
            : [.. await CosignAttestor.AttestStatementsAsync(client, registry, repository, digest, statements, signer, ct).ConfigureAwait(false)];

        Task<List<ImageBundle>> NoBundles()
        {
            request.BundleParty?.Dispose();
            return Task.FromResult(new List<ImageBundle>());
        }

        async Task<List<ImageBundle>> BundlesAsync()
        {
            using JointAttachment.Party? party = request.BundleParty;
            List<(string, byte[])> signed = new();
            if (request.Sign)
            {
                signed.Add(BundleReferrers.SignStatement(digest));
            }

            signed.AddRange(statements);
            IBundleWitness witness = request.Witness ?? new PublicKeyWitness(signer.PublicKey);
            return signed.Count == 0 ? new()
                : [.. await BundleReferrers.PublishAsync(client, registry, repository, digest, signed, signer, witness, request.Created, ct, party, request.PushedManifest).ConfigureAwait(false)];
        }

        return new SigningResult(request.Format, signature, attestations, bundles);
    }
}

/// <summary>An <see cref="ISigner"/> whose <see cref="Sign"/> calls never overlap (each takes well under a millisecond).</summary>
internal sealed class OneAtATimeSigner(ISigner inner) : ISigner
{
    private readonly object _gate = new();

    public string KeyId => inner.KeyId;

    public string Algorithm => inner.Algorithm;

    public VerificationKey PublicKey => inner.PublicKey;

    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            return inner.Sign(data);
        }
    }
}

using System.Globalization;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Dsse;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>What <see cref="BundleReferrers"/> stored for one statement.</summary>
/// <param name="PredicateType">The statement's predicate type (<see cref="CosignSignStatement.PredicateType"/> for the signature).</param>
/// <param name="Reference"><c>registry/repository@sha256:&lt;hex&gt;</c> of the bundle's referrer manifest.</param>
/// <param name="Manifest">Digest of that manifest.</param>
/// <param name="Statement">The in-toto statement signed (the DSSE payload).</param>
/// <param name="Added">False when a bundle of the same statement signed by the same key was already there, so nothing was pushed.</param>
public sealed record ImageBundle(string PredicateType, string Reference, Digest Manifest, byte[] Statement, bool Added);

/// <summary>
/// Writes an image's signature and attestations as cosign v3 does by default: each one an in-toto statement signed in a
/// DSSE envelope inside a Sigstore bundle v0.3, pushed as an OCI referrer of the image (cosign <c>specs/BUNDLE_SPEC.md</c>,
/// <c>pkg/oci/remote/write.go</c> <c>WriteReferrer</c>): artifact type and layer media type
/// <see cref="SigstoreBundle.MediaTypeV03"/>, the empty config (carrying the artifact type too, as cosign writes it),
/// manifest annotations <see cref="ContentAnnotation"/>, <see cref="PredicateTypeAnnotation"/> and
/// <see cref="CreatedAnnotation"/>. On registries without the referrers API the client adds the manifest, with its
/// artifact type and annotations, to the <c>sha256-&lt;hex&gt;</c> referrers index.
/// </summary>
public static class BundleReferrers
{
    public const string ContentAnnotation = "dev.sigstore.bundle.content";
    public const string PredicateTypeAnnotation = "dev.sigstore.bundle.predicateType";
    public const string CreatedAnnotation = "org.opencontainers.image.created";

    /// <summary>Existing bundles read to find one already there; more of the same type means something is piling up.</summary>
    public const int MaxBundlesRead = 100;

    /// <summary>Signs <paramref name="digest"/> as bundle-format <c>cosign sign</c> does (<see cref="CosignSignStatement"/>).</summary>
    public static async Task<ImageBundle> SignImageAsync(RegistryClient client, string registry, string repository, Digest digest,
        ISigner signer, IBundleWitness witness, DateTimeOffset created, CancellationToken ct) =>
        (await PublishAsync(client, registry, repository, digest, [SignStatement(digest)], signer, witness, created, ct).ConfigureAwait(false))[0];

    /// <summary>
    /// Attests <paramref name="digest"/> as bundle-format <c>cosign attest</c> does: the same in-toto statement as the
    /// legacy <c>.att</c> path (subject named after the repository), signed into a bundle instead of a tagged layer.
    /// </summary>
    /// <param name="predicateJson">A JSON object (the CycloneDX SBOM, or a SLSA provenance predicate). SC6011 otherwise.</param>
    public static async Task<ImageBundle> AttestImageAsync(RegistryClient client, string registry, string repository, Digest digest,
        string predicateType, ReadOnlyMemory<byte> predicateJson, ISigner signer, IBundleWitness witness, DateTimeOffset created, CancellationToken ct) =>
        (await PublishAsync(client, registry, repository, digest, [AttestStatement(registry, repository, digest, predicateType, predicateJson)], signer, witness, created, ct).ConfigureAwait(false))[0];

    /// <summary>The statement bundle-format <c>cosign sign</c> signs for <paramref name="digest"/>.</summary>
    public static (string PredicateType, byte[] Statement) SignStatement(Digest digest) => (CosignSignStatement.PredicateType, CosignSignStatement.Create(digest));

    /// <summary>The in-toto statement bundle-format <c>cosign attest</c> signs: SC6011 when the predicate is not a JSON object.</summary>
    public static (string PredicateType, byte[] Statement) AttestStatement(string registry, string repository, Digest digest, string predicateType, ReadOnlyMemory<byte> predicateJson) =>
        (predicateType, InTotoStatement.ForImage(registry, repository, digest, predicateType, predicateJson));

    /// <summary>
    /// Signs each statement into a bundle and attaches the new ones to <paramref name="digest"/> together: one look at the
    /// subject and at its referrers for all of them, and one update of the referrers tag on registries without the API.
    /// A statement this key already signed there is not signed again. The result follows the order of <paramref name="statements"/>.
    /// </summary>
    /// <param name="party">Attach as this party of a <see cref="JointAttachment"/> (the build's SBOM is another).</param>
    /// <param name="pushedManifest">The manifest as its pusher reports it (<see cref="PushedManifest"/>): the registry is then not asked for it.</param>
    public static async Task<IReadOnlyList<ImageBundle>> PublishAsync(RegistryClient client, string registry, string repository, Digest digest,
        IReadOnlyList<(string PredicateType, byte[] Statement)> statements, ISigner signer, IBundleWitness witness, DateTimeOffset created, CancellationToken ct,
        JointAttachment.Party? party = null, byte[]? pushedManifest = null)
    {
        // The subject descriptor must carry the media type and size the registry holds (an index or a manifest).
        Descriptor subject = await client.DescribeManifestAsync(registry, repository, digest, pushedManifest, ct).ConfigureAwait(false)
            ?? throw new SecureContainerException(BundleDiagnostics.SubjectNotInRegistry.Create($"{registry}/{repository}", digest));

        IReadOnlyList<Descriptor> referrers = await client.GetReferrersAsync(registry, repository, digest, SigstoreBundle.MediaTypeV03, ct).ConfigureAwait(false);
        ImageBundle?[] results = new ImageBundle?[statements.Count];
        List<(int Index, ArtifactRequest Request)> fresh = new();
        for (int i = 0; i < statements.Count; i++)
        {
            (string predicateType, byte[] statement) = statements[i];
            if (await FindExistingAsync(client, registry, repository, referrers, predicateType, statement, signer, ct).ConfigureAwait(false) is Digest existing)
            {
                results[i] = new ImageBundle(predicateType, $"{registry}/{repository}@{existing}", existing, statement, false);
                continue;
            }

            DsseEnvelope envelope = DsseEnvelope.Sign(DsseEnvelope.InTotoPayloadType, statement, signer);
            VerificationMaterial material = await witness.WitnessAsync(envelope, null, ct).ConfigureAwait(false);
            SigstoreBundle bundle = new(material, envelope, null);
            fresh.Add((i, new ArtifactRequest(registry, repository, subject, SigstoreBundle.MediaTypeV03,
                [new ArtifactLayer(bundle.ToJson(), SigstoreBundle.MediaTypeV03)])
            {
                Annotations = new Dictionary<string, string>
                {
                    [ContentAnnotation] = bundle.Content,
                    [PredicateTypeAnnotation] = predicateType,
                    // cosign writes time.RFC3339 in UTC: whole seconds, 'Z'.
                    [CreatedAnnotation] = created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                },
                ArtifactTypeOnConfig = true,
            }));
        }

        IReadOnlyList<Descriptor> pushed = await client.AttachArtifactsAsync(fresh.Select(f => f.Request).ToArray(), ct, party).ConfigureAwait(false);
        for (int j = 0; j < fresh.Count; j++)
        {
            (string predicateType, byte[] statement) = statements[fresh[j].Index];
            results[fresh[j].Index] = new ImageBundle(predicateType, $"{registry}/{repository}@{pushed[j].Digest}", pushed[j].Digest, statement, true);
        }

        return results.Select(r => r!).ToArray();
    }

    /// <summary>
    /// ECDSA signatures differ on every run, so a repeated publish would push a new bundle each time; like the legacy
    /// path's duplicate detection, a bundle whose envelope carries the same statement signed by this key counts as present.
    /// Entries another tool wrote, or that cannot be read, are skipped, never removed.
    /// </summary>
    private static async Task<Digest?> FindExistingAsync(RegistryClient client, string registry, string repository, IReadOnlyList<Descriptor> referrers,
        string predicateType, byte[] statement, ISigner signer, CancellationToken ct)
    {
        IEnumerable<Descriptor> candidates = referrers
            .Where(d => d.Annotations?.GetValueOrDefault(PredicateTypeAnnotation) is null || d.Annotations[PredicateTypeAnnotation] == predicateType)
            .Take(MaxBundlesRead);
        foreach (Descriptor candidate in candidates)
        {
            (SigstoreBundle? bundle, _) = await BundleReferrerVerifier.ReadAsync(client, registry, repository, candidate, ct).ConfigureAwait(false);
            if (bundle is { Envelope: DsseEnvelope envelope }
                && envelope.PayloadType == DsseEnvelope.InTotoPayloadType
                && envelope.TryDecodePayload() is byte[] payload
                && payload.AsSpan().SequenceEqual(statement)
                && envelope.IsSignedBy(signer.PublicKey))
            {
                return candidate.Digest;
            }
        }

        return null;
    }
}

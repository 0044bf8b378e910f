using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Dsse;

namespace SecureContainers.Core.Signing.Attestations;

/// <summary>What <see cref="CosignAttestor.AttestImageAsync"/> stored.</summary>
/// <param name="AttestationReference"><c>registry/repository:sha256-&lt;hex&gt;.att</c>.</param>
/// <param name="AttestationManifest">Digest of the manifest now at that tag.</param>
/// <param name="Statement">The in-toto statement (the DSSE payload).</param>
/// <param name="Added">False when the same statement signed by the same key was already there, so nothing was pushed.</param>
public sealed record ImageAttestation(string AttestationReference, Digest AttestationManifest, byte[] Statement, bool Added);

/// <summary>
/// Attests an image as <c>cosign attest --key</c> does: an in-toto statement about the image digest, signed in a DSSE
/// envelope, stored as a layer (<c>application/vnd.dsse.envelope.v1+json</c>, annotation <c>predicateType</c>) of the
/// manifest tagged <c>sha256-&lt;hex&gt;.att</c>, appended to the attestations already there.
/// </summary>
public static class CosignAttestor
{
    /// <param name="predicateJson">The predicate: a JSON object (the CycloneDX SBOM itself, or a SLSA provenance predicate). SC6011 otherwise.</param>
    public static async Task<ImageAttestation> AttestImageAsync(RegistryClient client, string registry, string repository, Digest manifestDigest,
        string predicateType, ReadOnlyMemory<byte> predicateJson, ISigner signer, CancellationToken ct) =>
        (await AttestImageAsync(client, registry, repository, manifestDigest, [(predicateType, predicateJson)], signer, ct).ConfigureAwait(false))[0];

    /// <summary>
    /// Attests several predicates at once: the tag is read once to find those this key already attested, and the new
    /// envelopes are appended in one update (one settling pause instead of one each). The result follows the order of
    /// <paramref name="predicates"/>.
    /// </summary>
    public static async Task<IReadOnlyList<ImageAttestation>> AttestImageAsync(RegistryClient client, string registry, string repository, Digest manifestDigest,
        IReadOnlyList<(string PredicateType, ReadOnlyMemory<byte> PredicateJson)> predicates, ISigner signer, CancellationToken ct) =>
        await AttestStatementsAsync(client, registry, repository, manifestDigest,
            predicates.Select(p => (p.PredicateType, InTotoStatement.ForImage(registry, repository, manifestDigest, p.PredicateType, p.PredicateJson))).ToList(),
            signer, ct).ConfigureAwait(false);

    /// <summary>
    /// <see cref="AttestImageAsync(RegistryClient, string, string, Digest, IReadOnlyList{ValueTuple{string, ReadOnlyMemory{byte}}}, ISigner, CancellationToken)"/>
    /// for statements already made (<see cref="InTotoStatement.ForImage"/>): the bundles sign the same ones.
    /// </summary>
    public static async Task<IReadOnlyList<ImageAttestation>> AttestStatementsAsync(RegistryClient client, string registry, string repository, Digest manifestDigest,
        IReadOnlyList<(string PredicateType, byte[] Statement)> statements, ISigner signer, CancellationToken ct)
    {
        string tag = CosignNames.AttestationTag(manifestDigest);
        string reference = $"{registry}/{repository}:{tag}";
        (Digest Digest, string MediaType, byte[] Bytes)? current = await client.TryGetManifestAsync(registry, repository, tag, ct).ConfigureAwait(false);
        Digest?[] existing = new Digest?[statements.Count];
        List<ArtifactLayer> layers = new();
        for (int i = 0; i < statements.Count; i++)
        {
            (string predicateType, byte[] statement) = statements[i];
            existing[i] = await FindExistingAsync(client, registry, repository, current, predicateType, statement, signer, ct).ConfigureAwait(false);
            if (existing[i] is null)
            {
                DsseEnvelope envelope = DsseEnvelope.Sign(DsseEnvelope.InTotoPayloadType, statement, signer);
                layers.Add(new ArtifactLayer(envelope.ToJson(), CosignNames.DsseEnvelopeMediaType,
                    new Dictionary<string, string> { [CosignNames.PredicateTypeAnnotation] = predicateType }));
            }
        }

        Digest? stored = layers.Count == 0 ? null : await client.AppendLayersToTaggedManifestAsync(registry, repository, tag, layers, null, ct).ConfigureAwait(false);
        return statements.Select((s, i) => existing[i] is Digest found
                ? new ImageAttestation(reference, found, s.Statement, false)
                : new ImageAttestation(reference, stored!.Value, s.Statement, true))
            .ToArray();
    }

    /// <summary>
    /// ECDSA signatures differ on every run, so a repeated attestation would add a new layer each time; like cosign's
    /// duplicate detection, an envelope with the same statement that this key already signed counts as present.
    /// </summary>
    private static async Task<Digest?> FindExistingAsync(RegistryClient client, string registry, string repository,
        (Digest Digest, string MediaType, byte[] Bytes)? current, string predicateType, byte[] statement, ISigner signer, CancellationToken ct)
    {
        if (current is null)
        {
            return null;
        }

        ImageManifest manifest = ImageManifest.Parse(current.Value.Bytes, current.Value.MediaType);
        IEnumerable<Descriptor> candidates = manifest.Layers
            .Take(AttestationVerifier.MaxAttestations)
            .Where(l => l.MediaType == CosignNames.DsseEnvelopeMediaType
                && l.Annotations?.GetValueOrDefault(CosignNames.PredicateTypeAnnotation) == predicateType);
        foreach (Descriptor layer in candidates)
        {
            (byte[]? bytes, _) = await TaggedLayers.ReadBlobAsync(client, registry, repository, layer, AttestationVerifier.MaxEnvelopeBytes, ct).ConfigureAwait(false);
            if (bytes is not null
                && DsseEnvelope.TryParse(bytes, out _) is DsseEnvelope envelope
                && envelope.PayloadType == DsseEnvelope.InTotoPayloadType
                && envelope.TryDecodePayload() is byte[] payload
                && payload.AsSpan().SequenceEqual(statement)
                && envelope.IsSignedBy(signer.PublicKey))
            {
                return current.Value.Digest;
            }
        }

        return null;
    }
}

using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Provenance;

namespace SecureContainers.Core.Signing;

/// <summary>What was stored in the registry for one image digest.</summary>
public sealed record SigningResult(CosignSignature Signature, IReadOnlyList<ImageAttestation> Attestations);

/// <summary>
/// Signs one pushed image digest the way cosign does and attests its SBOM and SLSA provenance: a signature in
/// <c>sha256-&lt;hex&gt;.sig</c> and DSSE envelopes in <c>sha256-&lt;hex&gt;.att</c>, both appended to what is there.
/// </summary>
public static class ImageSigning
{
    public static async Task<SigningResult> SignAsync(
        RegistryClient client, string registry, string repository, Digest digest, ISigner signer, byte[]? sbom, ProvenanceInputs? provenance, CancellationToken ct)
    {
        CosignSignature signature = await CosignSigner.SignImageAsync(client, registry, repository, digest, signer, ct).ConfigureAwait(false);
        List<ImageAttestation> attestations = new();
        if (sbom is not null)
        {
            attestations.Add(await CosignAttestor.AttestImageAsync(client, registry, repository, digest, InTotoStatement.CycloneDxPredicateType, sbom, signer, ct).ConfigureAwait(false));
        }

        if (provenance is not null)
        {
            attestations.Add(await CosignAttestor.AttestImageAsync(client, registry, repository, digest, ProvenancePredicate.PredicateType, ProvenancePredicate.Create(provenance), signer, ct).ConfigureAwait(false));
        }

        return new SigningResult(signature, attestations);
    }
}

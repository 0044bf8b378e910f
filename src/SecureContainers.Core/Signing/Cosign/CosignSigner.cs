using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Signing.Cosign;

/// <summary>What <see cref="CosignSigner.SignImageAsync"/> stored.</summary>
/// <param name="SignatureReference"><c>registry/repository:sha256-&lt;hex&gt;.sig</c>.</param>
/// <param name="SignatureManifest">Digest of the signature manifest now at that tag.</param>
/// <param name="Payload">The simple-signing payload that was signed.</param>
/// <param name="Signature">The base64 DER signature just made. When this key had already signed the same payload, the manifest kept the earlier (equally valid) layer and was not changed.</param>
public sealed record CosignSignature(string SignatureReference, Digest SignatureManifest, byte[] Payload, string Signature);

/// <summary>
/// Signs an image manifest digest as <c>cosign sign --key</c> does and stores the signature where cosign looks for it:
/// a simple-signing payload layer with the base64 DER signature annotation, in the OCI manifest tagged
/// <c>sha256-&lt;hex&gt;.sig</c> in the image's repository, appended to the signatures already there.
/// </summary>
public static class CosignSigner
{
    public static async Task<CosignSignature> SignImageAsync(RegistryClient client, string registry, string repository, Digest manifestDigest, ISigner signer, CancellationToken ct)
    {
        byte[] payload = SimpleSigningPayload.Create(CosignNames.RepositoryName(registry, repository), manifestDigest);
        string signature = Convert.ToBase64String(signer.Sign(payload));
        ArtifactLayer layer = new(payload, CosignNames.SimpleSigningMediaType,
            new Dictionary<string, string> { [CosignNames.SignatureAnnotation] = signature });
        string tag = CosignNames.SignatureTag(manifestDigest);

        // As cosign's duplicate detector does: the same payload already signed by this key is not signed again, so
        // re-running a publish for the same digest leaves the signature manifest unchanged.
        bool AlreadySigned(Descriptor existing, Descriptor added) =>
            existing.Digest == added.Digest
            && existing.MediaType == CosignNames.SimpleSigningMediaType
            && existing.Annotations?.GetValueOrDefault(CosignNames.SignatureAnnotation) is string existingSignature
            && TryBase64(existingSignature) is byte[] der
            && signer.PublicKey.Verify(payload, der);

        Digest stored = await client.AppendLayersToTaggedManifestAsync(registry, repository, tag, [layer], AlreadySigned, ct).ConfigureAwait(false);
        return new CosignSignature($"{registry}/{repository}:{tag}", stored, payload, signature);
    }

    internal static byte[]? TryBase64(string text)
    {
        byte[] buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out int written) ? buffer[..written] : null;
    }
}

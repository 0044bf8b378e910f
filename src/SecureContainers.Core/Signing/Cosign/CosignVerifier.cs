using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Signing.Cosign;

/// <summary>Why a signature layer was not accepted.</summary>
public enum SignatureFailure
{
    /// <summary>The layer is not a simple-signing payload (another tool's layer).</summary>
    NotASignature,

    /// <summary>No <c>dev.cosignproject.cosign/signature</c> annotation, or it is not base64.</summary>
    MissingSignature,

    /// <summary>The payload is over the size cap, missing from the registry, or does not match its digest.</summary>
    PayloadUnreadable,

    /// <summary>The signature does not verify with the public key over the payload bytes.</summary>
    BadSignature,

    /// <summary>The (authentic) payload is not a cosign simple-signing document.</summary>
    PayloadMalformed,

    /// <summary>The payload was signed for another image digest.</summary>
    DigestMismatch,

    /// <summary>The payload was signed for the same digest in another repository.</summary>
    RepositoryMismatch,
}

/// <summary>The verdict on one layer of the signature manifest.</summary>
/// <param name="Layer">Digest of the payload blob.</param>
/// <param name="Failure">Null when valid.</param>
/// <param name="Reason">Why it failed, in words (empty when valid).</param>
public sealed record SignatureCheck(Digest Layer, bool Valid, SignatureFailure? Failure, string Reason);

/// <summary>All signature layers read for one image digest.</summary>
/// <param name="Tag">The <c>.sig</c> tag that was read.</param>
/// <param name="TagExists">False when the image has no signature manifest at all.</param>
/// <param name="Truncated">True when there were more than <see cref="CosignVerifier.MaxSignatures"/> layers.</param>
public sealed record SignatureVerification(string Tag, bool TagExists, IReadOnlyList<SignatureCheck> Signatures, bool Truncated)
{
    public bool HasValidSignature => Signatures.Any(s => s.Valid);
}

/// <summary>
/// Verifies cosign key-based signatures: each layer's signature over the payload bytes with the public key, then the
/// payload's claims: <c>docker-manifest-digest</c> must be the digest being verified (what binds a detached signature to
/// the image) and <c>docker-reference</c> must be this repository (cosign ignores it; we bind it so a signature copied
/// from another repository along with the image does not vouch for this one).
/// </summary>
public static class CosignVerifier
{
    public const int MaxSignatures = 100;

    /// <summary>Simple-signing payloads are a few hundred bytes; anything over this is not one.</summary>
    public const long MaxPayloadBytes = 1024 * 1024;

    public static async Task<SignatureVerification> VerifyAsync(RegistryClient client, string registry, string repository, Digest manifestDigest, VerificationKey key, CancellationToken ct)
    {
        string tag = CosignNames.SignatureTag(manifestDigest);
        IReadOnlyList<Descriptor>? layers = await TaggedLayers.ReadAsync(client, registry, repository, tag, ct).ConfigureAwait(false);
        if (layers is null)
        {
            return new SignatureVerification(tag, false, [], false);
        }

        List<SignatureCheck> checks = new();
        foreach (Descriptor layer in layers.Take(MaxSignatures))
        {
            checks.Add(await CheckAsync(client, registry, repository, manifestDigest, key, layer, ct).ConfigureAwait(false));
        }

        return new SignatureVerification(tag, true, checks, layers.Count > MaxSignatures);
    }

    private static async Task<SignatureCheck> CheckAsync(RegistryClient client, string registry, string repository, Digest manifestDigest, VerificationKey key, Descriptor layer, CancellationToken ct)
    {
        SignatureCheck Fail(SignatureFailure failure, string reason) => new(layer.Digest, false, failure, reason);

        if (layer.MediaType != CosignNames.SimpleSigningMediaType)
        {
            return Fail(SignatureFailure.NotASignature, $"media type {layer.MediaType} is not {CosignNames.SimpleSigningMediaType}");
        }

        if (layer.Annotations?.GetValueOrDefault(CosignNames.SignatureAnnotation) is not string signatureText
            || CosignSigner.TryBase64(signatureText) is not byte[] signature)
        {
            return Fail(SignatureFailure.MissingSignature, $"no base64 '{CosignNames.SignatureAnnotation}' annotation");
        }

        (byte[]? payload, string problem) = await TaggedLayers.ReadBlobAsync(client, registry, repository, layer, MaxPayloadBytes, ct).ConfigureAwait(false);
        if (payload is null)
        {
            return Fail(SignatureFailure.PayloadUnreadable, $"the payload was not read: {problem}");
        }

        // Authenticity first: claims inside an unauthenticated payload mean nothing.
        if (!key.Verify(payload, signature))
        {
            return Fail(SignatureFailure.BadSignature, $"the signature does not verify with public key {key.Fingerprint}");
        }

        if (!SimpleSigningPayload.TryParse(payload, out string dockerReference, out Digest signedDigest, out string parseProblem))
        {
            return Fail(SignatureFailure.PayloadMalformed, $"the signed payload is not a cosign payload: {parseProblem}");
        }

        if (signedDigest != manifestDigest)
        {
            return Fail(SignatureFailure.DigestMismatch, $"it signs {signedDigest}, not {manifestDigest}");
        }

        if (!CosignNames.SameRepository(dockerReference, registry, repository))
        {
            return Fail(SignatureFailure.RepositoryMismatch,
                $"it signs the image in repository '{Truncate(dockerReference)}', not {CosignNames.RepositoryName(registry, repository)}");
        }

        return new SignatureCheck(layer.Digest, true, null, "");
    }

    internal static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}

using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Dsse;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Signing.Attestations;

/// <summary>Why an attestation layer was not accepted.</summary>
public enum AttestationFailure
{
    /// <summary>The layer is not a DSSE envelope.</summary>
    NotAnEnvelope,

    /// <summary>Over 16 MiB, missing from the registry, or not matching its digest.</summary>
    Unreadable,

    /// <summary>Not a DSSE envelope, or its payload is not base64.</summary>
    EnvelopeMalformed,

    /// <summary>The payload type is not <c>application/vnd.in-toto+json</c>.</summary>
    WrongPayloadType,

    /// <summary>No signature verifies over PAE with the public key.</summary>
    BadSignature,

    /// <summary>The (authentic) payload is not an in-toto statement.</summary>
    StatementMalformed,

    /// <summary>No subject of the statement has the image digest.</summary>
    SubjectMismatch,
}

/// <summary>The verdict on one attestation layer.</summary>
/// <param name="PredicateType">From the signed statement when it could be read, else the layer's annotation (unauthenticated), else null.</param>
public sealed record AttestationCheck(Digest Layer, string? PredicateType, bool Valid, AttestationFailure? Failure, string Reason);

/// <summary>All attestation layers read for one image digest.</summary>
public sealed record AttestationVerification(string Tag, bool TagExists, IReadOnlyList<AttestationCheck> Attestations, bool Truncated)
{
    /// <summary>Predicate types of the valid attestations, distinct, in order of appearance.</summary>
    public IReadOnlyList<string> ValidPredicateTypes => Attestations.Where(a => a.Valid).Select(a => a.PredicateType!).Distinct(StringComparer.Ordinal).ToArray();
}

/// <summary>
/// Verifies cosign-style attestations: the DSSE signature over PAE(payloadType, payload) with the public key, the in-toto
/// payload type, and that a subject of the statement is the image digest.
/// </summary>
public static class AttestationVerifier
{
    public const int MaxAttestations = 100;

    /// <summary>An envelope holding a large SBOM stays well under this; the size is checked before any byte is read.</summary>
    public const long MaxEnvelopeBytes = 16 * 1024 * 1024;

    public static async Task<AttestationVerification> VerifyAsync(RegistryClient client, string registry, string repository, Digest manifestDigest, VerificationKey key, CancellationToken ct)
    {
        string tag = CosignNames.AttestationTag(manifestDigest);
        IReadOnlyList<Descriptor>? layers = await TaggedLayers.ReadAsync(client, registry, repository, tag, ct).ConfigureAwait(false);
        if (layers is null)
        {
            return new AttestationVerification(tag, false, [], false);
        }

        List<AttestationCheck> checks = new();
        foreach (Descriptor layer in layers.Take(MaxAttestations))
        {
            checks.Add(await CheckAsync(client, registry, repository, manifestDigest, key, layer, ct).ConfigureAwait(false));
        }

        return new AttestationVerification(tag, true, checks, layers.Count > MaxAttestations);
    }

    private static async Task<AttestationCheck> CheckAsync(RegistryClient client, string registry, string repository, Digest manifestDigest, VerificationKey key, Descriptor layer, CancellationToken ct)
    {
        string? annotated = layer.Annotations?.GetValueOrDefault(CosignNames.PredicateTypeAnnotation);
        AttestationCheck Fail(AttestationFailure failure, string reason, string? predicateType = null) =>
            new(layer.Digest, predicateType ?? annotated, false, failure, reason);

        if (layer.MediaType != CosignNames.DsseEnvelopeMediaType)
        {
            return Fail(AttestationFailure.NotAnEnvelope, $"media type {layer.MediaType} is not {CosignNames.DsseEnvelopeMediaType}");
        }

        (byte[]? bytes, string problem) = await TaggedLayers.ReadBlobAsync(client, registry, repository, layer, MaxEnvelopeBytes, ct).ConfigureAwait(false);
        if (bytes is null)
        {
            return Fail(AttestationFailure.Unreadable, $"the envelope was not read: {problem}");
        }

        if (DsseEnvelope.TryParse(bytes, out string envelopeProblem) is not DsseEnvelope envelope)
        {
            return Fail(AttestationFailure.EnvelopeMalformed, $"not a DSSE envelope: {envelopeProblem}");
        }

        if (envelope.PayloadType != DsseEnvelope.InTotoPayloadType)
        {
            return Fail(AttestationFailure.WrongPayloadType, $"payload type '{CosignVerifier.Truncate(envelope.PayloadType)}' is not {DsseEnvelope.InTotoPayloadType}");
        }

        if (envelope.TryDecodePayload() is not byte[] statement)
        {
            return Fail(AttestationFailure.EnvelopeMalformed, "the envelope's payload is not base64");
        }

        if (!envelope.IsSignedBy(key))
        {
            return Fail(AttestationFailure.BadSignature, $"no signature verifies with public key {key.Fingerprint}");
        }

        if (!InTotoStatement.TryRead(statement, manifestDigest, out string predicateType, out bool subjectMatches, out string statementProblem))
        {
            return Fail(AttestationFailure.StatementMalformed, $"the signed payload is not an in-toto statement: {statementProblem}");
        }

        if (!subjectMatches)
        {
            return Fail(AttestationFailure.SubjectMismatch, $"no subject of the statement has digest {manifestDigest}", predicateType);
        }

        return new AttestationCheck(layer.Digest, predicateType, true, null, "");
    }
}

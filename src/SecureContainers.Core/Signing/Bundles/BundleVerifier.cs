using System.Security.Cryptography;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Dsse;
using SecureContainers.Core.Signing.Keys;
using SecureContainers.Core.Signing.Trust;

namespace SecureContainers.Core.Signing.Bundles;

/// <summary>
/// Verifies one Sigstore bundle for one artifact digest under a <see cref="BundleVerificationPolicy"/>, in the order
/// sigstore's verifiers use: the signature with the key (or the certificate's key), then what it signs (the in-toto
/// statement's subject, or the message digest), then the transparency-log entries (each recording this signature, and
/// proven by its signed entry timestamp and inclusion proof), then, keyless, the certificate at the log's signed time:
/// valid then, chained to a trusted Fulcio CA, allowed to sign code, naming the expected identity and issuer.
/// Hostile input yields a failed <see cref="BundleCheck"/> with its reason, never an exception.
/// </summary>
public static class BundleVerifier
{
    /// <summary>The predicate type of the statement a bundle-mode <c>cosign sign</c> signs: "this image is signed".</summary>
    public const string CosignSignPredicateType = "https://sigstore.dev/cosign/sign/v1";

    public static BundleCheck Verify(SigstoreBundle bundle, Digest expected, BundleVerificationPolicy policy)
    {
        if (policy.Key is null && policy.Identity is null)
        {
            throw new ArgumentException("A policy names a key or a certificate identity.", nameof(policy));
        }

        try
        {
            return VerifyContent(bundle, expected, policy);
        }
        catch (CryptographicException)
        {
            // Certificates and keys are parsed defensively above; this is the last line, not the expected path.
            return BundleCheck.Fail(BundleFailure.Unsupported, "a key or certificate in the bundle could not be used", bundle.Content);
        }
    }

    private static BundleCheck VerifyContent(SigstoreBundle bundle, Digest expected, BundleVerificationPolicy policy)
    {
        string content = bundle.Content;
        BundleCheck Fail(BundleFailure failure, string reason, string? predicateType = null) => BundleCheck.Fail(failure, reason, content, predicateType);

        // The signer's key: the policy's own, or the one the certificate certifies (trusted only once the certificate is).
        FulcioCertificate? certificate = null;
        VerificationKey key;
        bool ownsKey = false;
        byte[] signerDer;
        if (policy.Key is VerificationKey policyKey)
        {
            key = policyKey;
            signerDer = key.SubjectPublicKeyInfo;
        }
        else
        {
            if (policy.TrustedRoot is null)
            {
                return Fail(BundleFailure.Unsupported, "keyless verification needs a trusted root, and none was given");
            }

            if (bundle.Material.Certificate is not byte[] der)
            {
                return Fail(BundleFailure.Unsupported, "the bundle names a public key, not a certificate: it was signed with a key, so verify it with that public key");
            }

            certificate = FulcioCertificate.TryRead(der, out string certificateProblem);
            if (certificate is null)
            {
                return Fail(BundleFailure.Unsupported, certificateProblem);
            }

            try
            {
                key = VerificationKey.FromSubjectPublicKeyInfo(certificate.Certificate.PublicKey.ExportSubjectPublicKeyInfo(), "the bundle's certificate");
            }
            catch (SecureContainerException)
            {
                return Fail(BundleFailure.Unsupported, "the certificate's key is not an ECDSA P-256 or P-384 key");
            }

            ownsKey = true;
            signerDer = der;
        }

        try
        {
            return VerifyWithKey(bundle, expected, policy, key, signerDer, certificate, Fail);
        }
        finally
        {
            if (ownsKey)
            {
                key.Dispose();
            }
        }
    }

    private static BundleCheck VerifyWithKey(SigstoreBundle bundle, Digest expected, BundleVerificationPolicy policy, VerificationKey key, byte[] signerDer,
        FulcioCertificate? certificate, Func<BundleFailure, string, string?, BundleCheck> fail)
    {
        string? predicateType = null;
        SignedContent signed;
        if (bundle.Envelope is DsseEnvelope envelope)
        {
            if (envelope.PayloadType != DsseEnvelope.InTotoPayloadType)
            {
                return fail(BundleFailure.Unsupported, $"the envelope's payload type '{Short(envelope.PayloadType)}' is not {DsseEnvelope.InTotoPayloadType}", null);
            }

            // Sigstore bundles carry exactly one signature: the log entry records one, and only one can be tied to it.
            if (envelope.Signatures.Count != 1)
            {
                return fail(BundleFailure.Unsupported, $"the envelope has {envelope.Signatures.Count} signatures, a Sigstore bundle has one", null);
            }

            if (envelope.TryDecodePayload() is not byte[] payload || TryBase64(envelope.Signatures[0].Sig) is not byte[] signature)
            {
                return fail(BundleFailure.Unreadable, "the envelope's payload or signature is not base64", null);
            }

            if (!envelope.IsSignedBy(key))
            {
                return fail(BundleFailure.BadSignature, $"the envelope's signature does not verify with {SignerKey(key, certificate)}", null);
            }

            if (!InTotoStatement.TryRead(payload, expected, out string type, out bool subjectMatches, out string problem))
            {
                return fail(BundleFailure.StatementMalformed, $"the signed payload is not an in-toto statement: {problem}", null);
            }

            predicateType = type;
            if (!subjectMatches)
            {
                return fail(BundleFailure.SubjectMismatch, $"no subject of the signed statement has digest {expected}", predicateType);
            }

            signed = new SignedContent(signature, SHA256.HashData(payload), true, signerDer);
        }
        else
        {
            MessageSignature message = bundle.Message!;
            if (message.DigestAlgorithm != "SHA2_256" || message.Digest.Length != 32)
            {
                return fail(BundleFailure.Unsupported, $"the message digest is '{Short(message.DigestAlgorithm)}' with {message.Digest.Length} bytes, not SHA2_256", null);
            }

            if (!key.VerifyHash(message.Digest, message.Signature))
            {
                return fail(BundleFailure.BadSignature, $"the message signature does not verify with {SignerKey(key, certificate)}", null);
            }

            if (expected.Algorithm != "sha256" || !Convert.ToHexStringLower(message.Digest).Equals(expected.Hex, StringComparison.OrdinalIgnoreCase))
            {
                return fail(BundleFailure.SubjectMismatch, $"it signs sha256:{Convert.ToHexStringLower(message.Digest)}, not {expected}", null);
            }

            signed = new SignedContent(message.Signature, message.Digest, false, signerDer);
        }

        // The log: optional for a key (the key is the anchor), but what a bundle carries is checked when a root is given.
        DateTimeOffset? signedAt = null;
        if (policy.TrustedRoot is TrustedRoot root)
        {
            bool requireProof = bundle.MediaType.EndsWith("0.1", StringComparison.Ordinal) is false;
            HashSet<(long, string)> seen = new();
            foreach (TransparencyLogEntry entry in bundle.Material.TlogEntries)
            {
                if (!seen.Add((entry.LogIndex, Convert.ToHexString(entry.LogId))))
                {
                    return fail(BundleFailure.TlogInvalid, $"log entry {entry.LogIndex} appears twice", predicateType);
                }

                if (RekorBodyCheck.Check(entry, signed) is string bodyProblem)
                {
                    return fail(BundleFailure.TlogInvalid, $"log entry {entry.LogIndex}: {bodyProblem}", predicateType);
                }

                LogEntryInclusion.Result inclusion = LogEntryInclusion.Verify(entry, root, requireProof, policy.Now);
                if (inclusion.Problem is string inclusionProblem)
                {
                    return fail(BundleFailure.TlogInvalid, $"log entry {entry.LogIndex}: {inclusionProblem}", predicateType);
                }

                signedAt ??= inclusion.SignedTime;
            }
        }

        if (certificate is null)
        {
            return new BundleCheck(true, null, "", bundle.Content, predicateType, $"key {key.Fingerprint}", signedAt);
        }

        if (bundle.Material.TlogEntries.Count == 0)
        {
            return fail(BundleFailure.TlogMissing, "the bundle has no transparency-log entry, so nothing proves the short-lived certificate was valid when it signed", predicateType);
        }

        if (signedAt is not DateTimeOffset time)
        {
            return fail(BundleFailure.TlogMissing, "no log entry has a signed entry timestamp, so no trusted time proves the certificate was valid when it signed (RFC 3161 timestamps are not read)", predicateType);
        }

        return CheckCertificate(certificate, policy, time, bundle.Content, predicateType, fail);
    }

    private static BundleCheck CheckCertificate(FulcioCertificate certificate, BundleVerificationPolicy policy, DateTimeOffset time, string content, string? predicateType,
        Func<BundleFailure, string, string?, BundleCheck> fail)
    {
        if (time < certificate.NotBefore || time > certificate.NotAfter)
        {
            return fail(BundleFailure.CertificateUntrusted,
                $"the certificate is valid from {certificate.NotBefore:yyyy-MM-ddTHH:mm:ssZ} to {certificate.NotAfter:yyyy-MM-ddTHH:mm:ssZ}, but the log integrated the signature at {time:yyyy-MM-ddTHH:mm:ssZ}", predicateType);
        }

        if (certificate.CheckChain(policy.TrustedRoot!, time) is string chainProblem)
        {
            return fail(BundleFailure.CertificateUntrusted, $"the certificate is not trusted: {chainProblem}", predicateType);
        }

        if (!certificate.CodeSigning)
        {
            return fail(BundleFailure.CertificateUntrusted, "the certificate does not allow code signing (extended key usage 1.3.6.1.5.5.7.3.3)", predicateType);
        }

        CertificateIdentityPolicy identity = policy.Identity!;
        string? matched = certificate.Identities.FirstOrDefault(identity.MatchesIdentity);
        if (matched is null)
        {
            string found = certificate.Identities.Count == 0 ? "none" : string.Join(", ", certificate.Identities.Take(5).Select(Short));
            return fail(BundleFailure.IdentityMismatch, $"the certificate's identities ({found}) do not match {identity}", predicateType);
        }

        if (!string.Equals(certificate.Issuer, identity.Issuer, StringComparison.Ordinal))
        {
            return fail(BundleFailure.IssuerMismatch, $"the certificate was issued for OIDC issuer '{Short(certificate.Issuer ?? "(none)")}', not '{identity.Issuer}'", predicateType);
        }

        return new BundleCheck(true, null, "", content, predicateType, $"{matched} from issuer {certificate.Issuer}", time);
    }

    private static string SignerKey(VerificationKey key, FulcioCertificate? certificate) =>
        certificate is null ? $"public key {key.Fingerprint}" : "the certificate's key";

    private static byte[]? TryBase64(string text)
    {
        byte[] buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out int written) ? buffer[..written] : null;
    }

    private static string Short(string value) => value.Length > 120 ? value[..120] + "…" : value;
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>
/// Verifies one Notary Project signature envelope of an OCI artifact against a trust policy, as notation does:
/// integrity (envelope, signature, payload), authenticity (chain, identity), authentic timestamp, expiry; revocation
/// is not checked (offline). Hostile input yields failures, never exceptions.
/// </summary>
public static class NotarySignatureVerifier
{
    public static NotaryVerificationResult Verify(byte[] envelope, string envelopeMediaType, Descriptor target,
        NotaryTrustPolicy policy, DateTimeOffset now)
    {
        var failures = new List<NotaryFailure>();
        void Fail(NotaryValidation validation, Diagnostic reason)
        {
            NotaryAction action = policy.ActionFor(validation);
            if (action == NotaryAction.Skip)
            {
                return;
            }

            bool enforced = action == NotaryAction.Enforce;
            failures.Add(new NotaryFailure(validation, reason with { Severity = enforced ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning }, enforced));
        }

        NotaryVerificationResult Result(NotaryEnvelope? e, VerifiedTimestamp? ts) => new(
            policy.Name, policy.Level, e?.Leaf.Subject, e?.SigningScheme, e?.AuthenticSigningTime ?? e?.SigningTime,
            ts?.Time, ts?.Authority, e?.Expiry, failures);

        if (envelope.Length > policy.MaxEnvelopeBytes)
        {
            Fail(NotaryValidation.Integrity, NotaryDiagnostics.EnvelopeTooLarge.Create(envelope.Length, policy.MaxEnvelopeBytes));
            return Result(null, null);
        }

        Diagnostic? malformed = null;
        NotaryEnvelope? env = envelopeMediaType switch
        {
            NotaryEnvelope.CoseMediaType => CoseEnvelopeReader.Read(envelope, policy.MaxChainLength, out malformed),
            NotaryEnvelope.JwsMediaType => JwsEnvelopeReader.Read(envelope, policy.MaxChainLength, out malformed),
            _ => null,
        };
        malformed ??= env is null ? NotaryDiagnostics.EnvelopeMediaTypeUnsupported.Create(envelopeMediaType) : null;
        if (env is null)
        {
            Fail(NotaryValidation.Integrity, malformed!);
            return Result(null, null);
        }

        VerifiedTimestamp? timestamp;
        try
        {
            if (CheckIntegrity(env, target) is { } broken)
            {
                Fail(NotaryValidation.Integrity, broken);
                return Result(env, null);
            }

            // The trusted signing time comes first: the chain is built as of that time (an expired self-signed
            // leaf otherwise fails path building on some platforms even with time checks off).
            timestamp = VerifyTimestamp(env, policy, Fail);
            DateTimeOffset signedAt = env.SigningScheme == NotaryEnvelope.SchemeSigningAuthority ? env.AuthenticSigningTime!.Value
                : timestamp?.Time ?? now;
            CheckAuthenticity(env, policy, signedAt, Fail);
            CheckSigningTimeValidity(env, timestamp, now, Fail);
        }
        catch (CryptographicException e)
        {
            // A certificate field the platform cannot decode (keys and dates are parsed lazily).
            Fail(NotaryValidation.Integrity, NotaryDiagnostics.CertificateChainInvalid.Create($"holds a certificate that cannot be decoded ({e.Message})"));
            return Result(null, null);
        }

        if (env.Expiry is { } expiry && expiry < now)
        {
            Fail(NotaryValidation.Expiry, NotaryDiagnostics.SignatureExpired.Create(expiry, now));
        }

        return Result(env, timestamp);
    }

    private static Diagnostic? CheckIntegrity(NotaryEnvelope env, Descriptor target)
    {
        X509Certificate2 leaf = env.Leaf;
        using AsymmetricAlgorithm? key = (AsymmetricAlgorithm?)leaf.GetRSAPublicKey() ?? leaf.GetECDsaPublicKey();
        if (key is null)
        {
            return NotaryDiagnostics.AlgorithmNotAllowed.Create(env.Algorithm, leaf.PublicKey.Oid.FriendlyName ?? leaf.PublicKey.Oid.Value);
        }

        string? expected = key switch
        {
            RSA rsa => rsa.KeySize switch { 2048 => "PS256", 3072 => "PS384", 4096 => "PS512", _ => null },
            ECDsa ec => ec.KeySize switch { 256 => "ES256", 384 => "ES384", 521 => "ES512", _ => null },
            _ => null,
        };
        if (expected != env.Algorithm)
        {
            return NotaryDiagnostics.AlgorithmNotAllowed.Create(env.Algorithm, $"{(key is RSA ? "RSA" : "ECDSA")} {key.KeySize}-bit");
        }

        bool valid;
        try
        {
            valid = env.VerifySignature(key);
        }
        catch (CryptographicException)
        {
            valid = false;
        }

        return valid ? NotaryPayload.Check(env.Payload, target) : NotaryDiagnostics.SignatureInvalid.Create(leaf.Subject);
    }

    private static void CheckAuthenticity(NotaryEnvelope env, NotaryTrustPolicy policy, DateTimeOffset signedAt,
        Action<NotaryValidation, Diagnostic> fail)
    {
        X509Certificate2Collection roots = env.SigningScheme == NotaryEnvelope.SchemeSigningAuthority ? policy.SigningAuthorityRoots : policy.TrustedRoots;
        if (NotaryCertificateChain.Build(env.Chain, roots, policy.Name, signedAt, out Diagnostic? untrusted) is null)
        {
            fail(NotaryValidation.Authenticity, untrusted!);
        }

        if (NotaryCertificateChain.LeafUsageProblem(env.Leaf, NotaryCertificateChain.CodeSigningEku) is { } usage)
        {
            fail(NotaryValidation.Authenticity, NotaryDiagnostics.NotCodeSigning.Create(env.Leaf.Subject, usage));
        }

        if (!TrustedIdentity.Matches(policy.TrustedIdentities, env.Leaf))
        {
            fail(NotaryValidation.Authenticity, NotaryDiagnostics.IdentityNotTrusted.Create(env.Leaf.Subject, policy.Name,
                policy.TrustedIdentities.Count == 0 ? "none listed" : string.Join("; ", policy.TrustedIdentities)));
        }
    }

    // The countersignature counts only under notary.x509; under signingAuthority the signing time header is authentic.
    private static VerifiedTimestamp? VerifyTimestamp(NotaryEnvelope env, NotaryTrustPolicy policy, Action<NotaryValidation, Diagnostic> fail)
    {
        if (env.SigningScheme != NotaryEnvelope.SchemeX509 || env.TimestampToken is null)
        {
            return null;
        }

        VerifiedTimestamp? ts = NotaryTimestamp.Verify(env.TimestampToken, env.SignatureValue, policy.TimestampRoots, policy.Name,
            out Diagnostic? invalid);
        if (ts is null)
        {
            fail(NotaryValidation.AuthenticTimestamp, invalid!);
        }

        return ts;
    }

    // The signing chain must be valid at the trusted signing time: the timestamp's whole accuracy window, the signing
    // authority's header, or, with neither, now.
    private static void CheckSigningTimeValidity(NotaryEnvelope env, VerifiedTimestamp? ts, DateTimeOffset now,
        Action<NotaryValidation, Diagnostic> fail)
    {
        Diagnostic? reason = env.SigningScheme == NotaryEnvelope.SchemeSigningAuthority
            ? NotaryCertificateChain.CheckValidity(env.Chain, env.AuthenticSigningTime!.Value, env.AuthenticSigningTime.Value, "the authentic signing time")
            : ts is not null
                ? NotaryCertificateChain.CheckValidity(env.Chain, ts.Earliest, ts.Latest, "the timestamp")
                : NotaryCertificateChain.CheckValidity(env.Chain, now, now, "the verification time (no valid timestamp)");
        if (reason is not null)
        {
            fail(NotaryValidation.AuthenticTimestamp, reason);
        }
    }
}

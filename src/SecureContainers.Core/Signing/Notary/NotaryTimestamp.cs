using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>A verified RFC 3161 countersignature: when the TSA saw the signature, with the TSA's stated accuracy.</summary>
internal sealed record VerifiedTimestamp(DateTimeOffset Time, TimeSpan Accuracy, string Authority)
{
    public DateTimeOffset Earliest => Time - Accuracy;

    public DateTimeOffset Latest => Time + Accuracy;
}

/// <summary>
/// Checks the <c>io.cncf.notary.timestampSignature</c> token: it must be a TimeStampToken over the envelope's signature
/// value, signed by a timeStamping certificate that chains to the policy's timestamping roots and was valid then.
/// </summary>
internal static class NotaryTimestamp
{
    public static VerifiedTimestamp? Verify(byte[] token, ReadOnlySpan<byte> signature, X509Certificate2Collection roots, string policyName,
        out Diagnostic? reason)
    {
        reason = null;
        Rfc3161TimestampToken? tst;
        try
        {
            if (!Rfc3161TimestampToken.TryDecode(token, out tst, out int consumed) || consumed != token.Length)
            {
                reason = NotaryDiagnostics.TimestampInvalid.Create("it is not a DER TimeStampToken");
                return null;
            }
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            reason = NotaryDiagnostics.TimestampInvalid.Create($"it is not a DER TimeStampToken ({e.Message})");
            return null;
        }

        string hash = tst.TokenInfo.HashAlgorithmId.Value ?? "";
        if (hash is not ("2.16.840.1.101.3.4.2.1" or "2.16.840.1.101.3.4.2.2" or "2.16.840.1.101.3.4.2.3"))
        {
            reason = NotaryDiagnostics.TimestampInvalid.Create($"its message imprint uses hash {hash}, not SHA-256/384/512");
            return null;
        }

        X509Certificate2? signer;
        try
        {
            if (!tst.VerifySignatureForData(signature, out signer) || signer is null)
            {
                reason = NotaryDiagnostics.TimestampInvalid.Create("it is not over this signature's value, or the TSA's signature on it does not verify");
                return null;
            }
        }
        catch (CryptographicException e)
        {
            reason = NotaryDiagnostics.TimestampInvalid.Create($"the TSA's signature cannot be checked ({e.Message})");
            return null;
        }

        DateTimeOffset time = tst.TokenInfo.Timestamp;
        var candidates = new List<X509Certificate2> { signer };
        candidates.AddRange(tst.AsSignedCms().Certificates.Cast<X509Certificate2>().Where(c => c.Thumbprint != signer.Thumbprint));
        IReadOnlyList<X509Certificate2>? chain = NotaryCertificateChain.Build(candidates, roots, policyName, time, out Diagnostic? chainReason);
        if (chain is null)
        {
            reason = NotaryDiagnostics.TimestampInvalid.Create($"the TSA certificate {signer.Subject} does not chain to a timestamping root of the policy ({chainReason!.Message})");
            return null;
        }

        if (NotaryCertificateChain.LeafUsageProblem(signer, NotaryCertificateChain.TimeStampingEku) is { } usage)
        {
            reason = NotaryDiagnostics.TimestampInvalid.Create($"the TSA certificate {signer.Subject} {usage}");
            return null;
        }

        if (NotaryCertificateChain.CheckValidity(chain, time, time, "the timestamp") is { } expired)
        {
            reason = NotaryDiagnostics.TimestampInvalid.Create($"the TSA's chain was not valid when it stamped ({expired.Message})");
            return null;
        }

        long micros = tst.TokenInfo.AccuracyInMicroseconds ?? 0;
        TimeSpan accuracy = TimeSpan.FromTicks(Math.Min(micros, TimeSpan.MaxValue.Ticks / 20) * 10);
        return new VerifiedTimestamp(time, accuracy, signer.Subject);
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>
/// Path validation against a trust policy's own roots (never the machine's store), without revocation (offline) and
/// without time checks: notation judges time separately, against the trusted signing time.
/// </summary>
internal static class NotaryCertificateChain
{
    public const string CodeSigningEku = "1.3.6.1.5.5.7.3.3";
    public const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";

    /// <summary>
    /// Builds the chain from <paramref name="certificates"/>[0] to one of <paramref name="roots"/>; returns the chain
    /// (leaf first) as of <paramref name="at"/>, or null with <paramref name="reason"/> set.
    /// </summary>
    public static IReadOnlyList<X509Certificate2>? Build(IReadOnlyList<X509Certificate2> certificates, X509Certificate2Collection roots,
        string policyName, DateTimeOffset at, out Diagnostic? reason)
    {
        reason = null;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.ExtraStore.AddRange(certificates.Skip(1).ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;

        bool built;
        try
        {
            built = chain.Build(certificates[0]);
        }
        catch (CryptographicException e)
        {
            reason = NotaryDiagnostics.ChainNotTrusted.Create(certificates[0].Subject, policyName, e.Message);
            return null;
        }

        if (!built)
        {
            string statuses = string.Join("; ", chain.ChainStatus
                .Where(s => s.Status != X509ChainStatusFlags.NoError)
                .Select(s => s.StatusInformation.Trim().Length > 0 ? s.StatusInformation.Trim() : s.Status.ToString())
                .Distinct());
            reason = NotaryDiagnostics.ChainNotTrusted.Create(certificates[0].Subject, policyName, statuses.Length > 0 ? statuses : "no path");
            return null;
        }

        return chain.ChainElements.Select(e => e.Certificate).ToList();
    }

    /// <summary>Why <paramref name="leaf"/> is not a leaf for <paramref name="eku"/>, or null when it is.</summary>
    public static string? LeafUsageProblem(X509Certificate2 leaf, string eku)
    {
        if (leaf.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { CertificateAuthority: true })
        {
            return "is a CA certificate";
        }

        if (leaf.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage
            && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature))
        {
            return "lacks the digitalSignature key usage";
        }

        X509EnhancedKeyUsageExtension? ekus = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        return ekus is null || !ekus.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == eku)
            ? $"does not have extended key usage {eku}"
            : null;
    }

    /// <summary>The first certificate of <paramref name="chain"/> not valid throughout [from, to], with a reason.</summary>
    public static Diagnostic? CheckValidity(IEnumerable<X509Certificate2> chain, DateTimeOffset from, DateTimeOffset to, string what)
    {
        foreach (X509Certificate2 cert in chain)
        {
            var notBefore = new DateTimeOffset(cert.NotBefore.ToUniversalTime());
            var notAfter = new DateTimeOffset(cert.NotAfter.ToUniversalTime());
            if (from < notBefore || to > notAfter)
            {
                return NotaryDiagnostics.CertificateNotValidAtSigningTime.Create(cert.Subject, notBefore, notAfter, what, from);
            }
        }

        return null;
    }
}

using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SecureContainers.Core.Signing.Trust;

/// <summary>
/// What a Fulcio signing certificate says about its holder: the identity (SAN URI or email) and the OIDC issuer that
/// vouched for it (Fulcio extension 1.3.6.1.4.1.57264.1.8, a DER UTF8String, falling back to the deprecated 1.1,
/// raw bytes), and whether it may sign code. Read leniently: a malformed extension yields no value, never an exception.
/// </summary>
public sealed class FulcioCertificate
{
    public const string IssuerV2Oid = "1.3.6.1.4.1.57264.1.8";
    public const string IssuerV1Oid = "1.3.6.1.4.1.57264.1.1";
    public const string CodeSigningOid = "1.3.6.1.5.5.7.3.3";
    private const string SubjectAltNameOid = "2.5.29.17";

    private FulcioCertificate(X509Certificate2 certificate, IReadOnlyList<string> identities, string? issuer, bool codeSigning)
    {
        Certificate = certificate;
        Identities = identities;
        Issuer = issuer;
        CodeSigning = codeSigning;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The SAN URIs and email addresses, in certificate order.</summary>
    public IReadOnlyList<string> Identities { get; }

    public string? Issuer { get; }

    public bool CodeSigning { get; }

    public DateTimeOffset NotBefore => new(Certificate.NotBefore.ToUniversalTime());

    public DateTimeOffset NotAfter => new(Certificate.NotAfter.ToUniversalTime());

    /// <summary>The certificate in <paramref name="der"/>, or null with <paramref name="problem"/>.</summary>
    public static FulcioCertificate? TryRead(byte[] der, out string problem)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            problem = "the certificate is not a DER X.509 certificate";
            return null;
        }

        List<string> identities = new();
        string? issuer = null;
        string? legacyIssuer = null;
        bool codeSigning = false;
        foreach (X509Extension extension in certificate.Extensions)
        {
            switch (extension.Oid?.Value)
            {
                case SubjectAltNameOid:
                    identities.AddRange(ReadNames(extension.RawData));
                    break;
                case IssuerV2Oid:
                    issuer = ReadUtf8String(extension.RawData);
                    break;
                case IssuerV1Oid:
                    legacyIssuer = Encoding.UTF8.GetString(extension.RawData);
                    break;
                case "2.5.29.37" when extension is X509EnhancedKeyUsageExtension eku:
                    codeSigning = eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == CodeSigningOid);
                    break;
            }
        }

        problem = "";
        return new FulcioCertificate(certificate, identities, issuer ?? legacyIssuer, codeSigning);
    }

    /// <summary>
    /// Whether the certificate chains to one of the trusted root's Fulcio authorities at <paramref name="time"/> (the
    /// log's integrated time: a Fulcio certificate lives ten minutes, so "now" would reject every old signature),
    /// with the authority itself valid then. Null when it does, else why not.
    /// </summary>
    public string? CheckChain(TrustedRoot root, DateTimeOffset time)
    {
        if (root.CertificateAuthorities.Count == 0)
        {
            return "the trusted root lists no certificate authority";
        }

        string last = "";
        foreach (CertificateAuthority ca in root.CertificateAuthorities)
        {
            if (!ca.ValidFor.Contains(time))
            {
                last = $"the certificate authority {ca.Uri} is trusted for {ca.ValidFor}, not at {time:yyyy-MM-ddTHH:mm:ssZ}";
                continue;
            }

            using X509Chain chain = new();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = time.UtcDateTime;
            chain.ChainPolicy.VerificationTimeIgnored = false;
            chain.ChainPolicy.CustomTrustStore.Add(ca.Chain[^1]);
            foreach (X509Certificate2 intermediate in ca.Chain.Take(ca.Chain.Count - 1))
            {
                chain.ChainPolicy.ExtraStore.Add(intermediate);
            }

            if (chain.Build(Certificate))
            {
                return null;
            }

            string status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
            last = $"it does not chain to certificate authority {ca.Uri} at {time:yyyy-MM-ddTHH:mm:ssZ} ({status})";
        }

        return last;
    }

    // GeneralNames ::= SEQUENCE OF GeneralName; rfc822Name [1] IA5String, uniformResourceIdentifier [6] IA5String.
    private static IEnumerable<string> ReadNames(byte[] der)
    {
        List<string> names = new();
        try
        {
            AsnReader sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            while (sequence.HasData)
            {
                Asn1Tag tag = sequence.PeekTag();
                if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue is 1 or 6)
                {
                    names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag));
                }
                else
                {
                    sequence.ReadEncodedValue();
                }
            }
        }
        catch (Exception ex) when (ex is AsnContentException or ArgumentException)
        {
            // A malformed SAN names nobody: the identity check then fails with "no identity".
        }

        return names;
    }

    private static string? ReadUtf8String(byte[] der)
    {
        try
        {
            return new AsnReader(der, AsnEncodingRules.DER).ReadCharacterString(UniversalTagNumber.UTF8String);
        }
        catch (Exception ex) when (ex is AsnContentException or ArgumentException)
        {
            return null;
        }
    }
}

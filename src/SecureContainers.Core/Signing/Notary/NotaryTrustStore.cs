using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>
/// notation's trust store directory (trust-store-trust-policy.md): <c>&lt;root&gt;/x509/{ca,tsa,signingAuthority}/&lt;name&gt;/</c>
/// holding <c>.pem</c>, <c>.crt</c> or <c>.cer</c> files (PEM or DER, several certificates per PEM file). Symlinked stores
/// and files are refused, as the specification requires; sub directories are ignored, as notation does.
/// </summary>
public static class NotaryTrustStore
{
    public static readonly IReadOnlyList<string> Types = ["ca", "tsa", "signingAuthority"];

    private static readonly string[] Extensions = [".pem", ".crt", ".cer"];

    /// <summary>A store's certificates: 1 to 1000 certificates, each a CA (roots belong in a trust store, not leaves).</summary>
    public static X509Certificate2Collection Load(string root, string type, string name, string setting)
    {
        string directory = Path.Combine(root, "x509", type, name);
        var info = new DirectoryInfo(directory);
        if (!info.Exists)
        {
            throw Problem(setting, $"{type}:{name}", $"the directory {directory} does not exist");
        }

        if (info.LinkTarget is not null)
        {
            throw Problem(setting, $"{type}:{name}", $"{directory} is a symbolic link, which the Notary Project forbids for named stores");
        }

        X509Certificate2Collection certificates = [];
        foreach (FileInfo file in info.EnumerateFiles().Where(f => Extensions.Contains(f.Extension, StringComparer.OrdinalIgnoreCase)).OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (file.LinkTarget is not null)
            {
                throw Problem(setting, $"{type}:{name}", $"{file.FullName} is a symbolic link, which the Notary Project forbids for certificate files");
            }

            if (file.Length > 1024 * 1024)
            {
                throw Problem(setting, $"{type}:{name}", $"{file.FullName} is {file.Length} bytes, too large for certificates");
            }

            foreach (X509Certificate2 certificate in Read(file.FullName, setting, $"{type}:{name}"))
            {
                if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
                {
                    throw Problem(setting, $"{type}:{name}", $"{file.Name} holds {certificate.Subject}, which is not a CA certificate (a trust store holds roots)");
                }

                certificates.Add(certificate);
            }
        }

        return certificates.Count switch
        {
            0 => throw Problem(setting, $"{type}:{name}", $"{directory} holds no .pem, .crt or .cer certificate"),
            > 1000 => throw Problem(setting, $"{type}:{name}", $"{directory} holds more than 1000 certificates"),
            _ => certificates,
        };
    }

    private static IEnumerable<X509Certificate2> Read(string path, string setting, string store)
    {
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            if (bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0)
            {
                X509Certificate2Collection pem = [];
                pem.ImportFromPem(System.Text.Encoding.ASCII.GetString(bytes));
                return pem.Count == 0 ? throw new CryptographicException("no CERTIFICATE block") : pem;
            }

            return [X509CertificateLoader.LoadCertificate(bytes)];
        }
        catch (CryptographicException e)
        {
            throw Problem(setting, store, $"{path} is not a PEM or DER certificate ({e.Message})");
        }
    }

    private static SecureContainerException Problem(string setting, string store, string reason) =>
        new(NotaryDiagnostics.TrustStoreInvalid.Create(store, reason, setting));
}

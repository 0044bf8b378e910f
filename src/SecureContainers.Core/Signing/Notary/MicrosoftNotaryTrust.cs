using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>
/// The trust policy for Microsoft's Notary-signed images, carried by the package so that a build on
/// <c>mcr.microsoft.com/dotnet/*</c> verifies its base with nothing configured. It is the one Microsoft documents
/// (dotnet/dotnet-docker <c>documentation/image-signatures.md</c>): strict, the Supply Chain root for signatures, the
/// 2010 root for timestamps, and only the <c>Microsoft SCD Products RSA Signing</c> subject. The roots are pinned by
/// fingerprint, so a swapped resource fails loudly instead of trusting someone else.
/// </summary>
public static class MicrosoftNotaryTrust
{
    public const string PolicyName = "microsoft-supply-chain";

    public const string SupplyChainRootSha256 = "23ffe2b8bdb9a1711515d4cffda04bc7f793d513c76c243f1020507d8669b7db";

    public const string TimestampRootSha256 = "df545bf919a2439c36983b54cdfc903dfa4f37d3996d8d84b4c31eec6f3c163e";

    public const string SignerIdentity = "x509.subject: CN=Microsoft SCD Products RSA Signing,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US";

    /// <summary>The repositories Microsoft's documentation lists as signed (the .NET images and Azure Linux's base).</summary>
    public static IReadOnlyList<string> Scopes { get; } =
    [
        "mcr.microsoft.com/dotnet/aspire-dashboard",
        "mcr.microsoft.com/dotnet/aspnet",
        "mcr.microsoft.com/dotnet/monitor",
        "mcr.microsoft.com/dotnet/monitor/base",
        "mcr.microsoft.com/dotnet/runtime",
        "mcr.microsoft.com/dotnet/runtime-deps",
        "mcr.microsoft.com/dotnet/sdk",
        "mcr.microsoft.com/azurelinux/base/core",
    ];

    private static readonly Lazy<NotaryTrustPolicy> Cached = new(Create);

    public static NotaryTrustPolicy Policy => Cached.Value;

    /// <summary>
    /// The built-in policy joined with the user's: a scope the user's policies list exactly is theirs; the built-in keeps
    /// the others (and, being exact, wins over a user's global <c>*</c>, as notation's evaluation order says).
    /// </summary>
    public static IReadOnlyList<NotaryTrustPolicy> With(IReadOnlyList<NotaryTrustPolicy> user)
    {
        HashSet<string> taken = user.SelectMany(p => p.RegistryScopes).ToHashSet(StringComparer.Ordinal);
        string[] scopes = Scopes.Where(s => !taken.Contains(s)).ToArray();
        return scopes.Length == 0 ? user : [.. user, Policy with { RegistryScopes = scopes }];
    }

    private static NotaryTrustPolicy Create() => new(
        PolicyName,
        Scopes,
        NotaryVerificationLevel.Strict,
        [Load("Microsoft Supply Chain RSA Root CA 2022.crt", SupplyChainRootSha256)],
        [Load("Microsoft Root Certificate Authority 2010.pem", TimestampRootSha256)],
        [SignerIdentity]);

    private static X509Certificate2 Load(string file, string sha256)
    {
        using Stream stream = typeof(MicrosoftNotaryTrust).Assembly.GetManifestResourceStream("SecureContainers.Notary.Roots." + file)
            ?? throw new InvalidOperationException($"The package lost its embedded root '{file}'.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        byte[] bytes = buffer.ToArray();
        X509Certificate2 certificate = bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0
            ? X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(bytes))
            : X509CertificateLoader.LoadCertificate(bytes);
        string actual = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
        return actual == sha256 ? certificate : throw new InvalidOperationException($"The embedded root '{file}' has SHA-256 {actual}, not the pinned {sha256}.");
    }
}

using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Dsse;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>
/// Keyless signing as sigstore defines it: the CI's OIDC identity token, an ephemeral key made in memory, a short-lived
/// Fulcio certificate binding that key to the identity, and a Rekor entry for every signature. One session signs
/// everything a build produces (all platform manifests, the index, the attestations) within the certificate's minutes.
/// </summary>
public static class KeylessSigning
{
    /// <summary>
    /// Gets the token, makes the key and obtains its certificate. The token is used for this one Fulcio request and not
    /// kept. Errors are SC6050–SC6063, none of them containing the token.
    /// </summary>
    public static async Task<KeylessSession> StartAsync(KeylessOptions options, Func<string, string?> getEnvironmentVariable, HttpClient http, CancellationToken ct)
    {
        IdentityToken token = await OidcTokenSource.GetAsync(getEnvironmentVariable, http, options.Timeout, ct).ConfigureAwait(false);
        EphemeralSigner key = new();
        try
        {
            FulcioCertificate certificate = await new FulcioClient(http, options).RequestCertificateAsync(token, key, ct).ConfigureAwait(false);
            return new KeylessSession(key, certificate, token.Issuer, token.Challenge, new RekorClient(http, options));
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}

/// <summary>
/// A started keyless signing session: the <see cref="ISigner"/> to sign DSSE envelopes and message digests with, and
/// the <see cref="IBundleWitness"/> that logs each signature in Rekor and gives the bundle its certificate and entry.
/// </summary>
public sealed class KeylessSession : ISigner, IBundleWitness, IDisposable
{
    private readonly EphemeralSigner _key;
    private readonly RekorClient _rekor;

    internal KeylessSession(EphemeralSigner key, FulcioCertificate certificate, string issuer, string identity, RekorClient rekor)
    {
        _key = key;
        _rekor = rekor;
        Certificate = certificate;
        Issuer = issuer;
        Identity = identity;
    }

    public FulcioCertificate Certificate { get; }

    /// <summary>The token's issuer, which Fulcio records in the certificate (what <c>--certificate-oidc-issuer</c> checks).</summary>
    public string Issuer { get; }

    /// <summary>The token's subject or verified email: for a log line saying who signed (the certificate's SAN may be derived from other claims).</summary>
    public string Identity { get; }

    public string KeyId => _key.KeyId;

    public string Algorithm => _key.Algorithm;

    public VerificationKey PublicKey => _key.PublicKey;

    /// <summary>Time source for the expiry check; tests move it.</summary>
    internal Func<DateTimeOffset> Now { get; init; } = () => DateTimeOffset.UtcNow;

    public byte[] Sign(ReadOnlySpan<byte> data) => _key.Sign(data);

    public async Task<VerificationMaterial> WitnessAsync(DsseEnvelope? envelope, MessageSignature? message, CancellationToken ct)
    {
        if (Now() >= Certificate.NotAfter)
        {
            throw new SecureContainerException(KeylessDiagnostics.CertificateExpired.Create(Identity, Certificate.NotAfter));
        }

        byte[] proposed = TransparencyLogWitness.ProposedEntry(envelope, message, Certificate.LeafPem);
        TransparencyLogEntry entry = await _rekor.CreateEntryAsync(proposed, ct).ConfigureAwait(false);
        return VerificationMaterial.ForCertificate(Certificate.Leaf, [entry]);
    }

    public void Dispose() => _key.Dispose();
}

using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Keyless;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Signing;

/// <summary>
/// Who signs one run of evidence, the same way for the build and the CLI: a key file (its bundles carry the key hint,
/// plus a Rekor entry when the transparency log is asked for), or a keyless session (an ephemeral key, its Fulcio
/// certificate for the CI's identity, a Rekor entry per signature). Owns what it holds: the key, the session and the
/// connection to the sigstore services.
/// </summary>
public sealed class SigningIdentity : IDisposable
{
    private readonly IDisposable? _owned;
    private readonly HttpClient? _http;

    private SigningIdentity(ISigner signer, IBundleWitness? witness, string description, bool keyless, IDisposable? owned, HttpClient? http)
    {
        Signer = signer;
        Witness = witness;
        Description = description;
        IsKeyless = keyless;
        _owned = owned;
        _http = http;
    }

    public ISigner Signer { get; }

    /// <summary>The bundles' verification material; null for the key's hint alone.</summary>
    public IBundleWitness? Witness { get; }

    /// <summary>"key sha256:…" or "keyless identity … (issuer …)", for messages: never a secret.</summary>
    public string Description { get; }

    public bool IsKeyless { get; }

    /// <param name="transparencyLog">Record each bundle's signature in Rekor (cosign's default for keys; off here, as signing stays offline unless asked).</param>
    public static SigningIdentity ForKey(EcdsaFileSigner signer, bool transparencyLog, KeylessOptions sigstore, HttpMessageHandler? handler = null)
    {
        if (!transparencyLog)
        {
            return new SigningIdentity(signer, null, $"key {signer.PublicKey.Fingerprint}", false, signer, null);
        }

        HttpClient http = CreateHttp(handler);
        TransparencyLogWitness witness = new(new RekorClient(http, sigstore), signer, PublicKeyWitness.HintFor(signer.PublicKey));
        return new SigningIdentity(signer, witness, $"key {signer.PublicKey.Fingerprint}, recorded in {sigstore.RekorUrl.Host}", false, signer, http);
    }

    /// <summary>Gets the CI's identity token and a Fulcio certificate for a new in-memory key (SC6050–SC6063).</summary>
    public static async Task<SigningIdentity> KeylessAsync(KeylessOptions sigstore, Func<string, string?> getEnvironmentVariable, CancellationToken ct, HttpMessageHandler? handler = null)
    {
        HttpClient http = CreateHttp(handler);
        try
        {
            KeylessSession session = await KeylessSigning.StartAsync(sigstore, getEnvironmentVariable, http, ct).ConfigureAwait(false);
            return new SigningIdentity(session, session, $"keyless identity {session.Identity} (issuer {session.Issuer})", true, session, http);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _owned?.Dispose();
        _http?.Dispose();
    }

    // Timeouts and size caps are per request in the sigstore clients; the client's own timeout would cut them short.
    private static HttpClient CreateHttp(HttpMessageHandler? handler) =>
        handler is null ? new HttpClient { Timeout = Timeout.InfiniteTimeSpan } : new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
}

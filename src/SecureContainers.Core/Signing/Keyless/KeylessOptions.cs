namespace SecureContainers.Core.Signing.Keyless;

/// <summary>
/// Where keyless signing gets its certificate and records its signatures, and how long it waits. The defaults are
/// sigstore's public-good instances, which cosign and every sigstore verifier trust out of the box.
/// </summary>
public sealed record KeylessOptions
{
    public static readonly Uri PublicGoodFulcio = new("https://fulcio.sigstore.dev");

    public static readonly Uri PublicGoodRekor = new("https://rekor.sigstore.dev");

    /// <summary>Fulcio's base URL (<c>SecureContainerFulcioUrl</c>); <c>/api/v2/signingCert</c> is appended.</summary>
    public Uri FulcioUrl { get; init; } = PublicGoodFulcio;

    /// <summary>Rekor's base URL (<c>SecureContainerRekorUrl</c>); <c>/api/v1/log/entries</c> is appended.</summary>
    public Uri RekorUrl { get; init; } = PublicGoodRekor;

    /// <summary>Per request, sending and reading the answer together.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The largest answer read from any of the services. A certificate chain is a few KB; a Rekor v1 answer repeats the
    /// entry, which for an in-toto attestation holds the whole payload, so this is sized for SBOM attestations.
    /// </summary>
    public long MaxResponseBytes { get; init; } = 32 * 1024 * 1024;
}

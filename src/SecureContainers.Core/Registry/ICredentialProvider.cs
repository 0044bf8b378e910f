namespace SecureContainers.Core.Registry;

/// <summary>Finds credentials for a registry (host[:port] as written in the image reference, e.g. <c>docker.io</c>).</summary>
public interface ICredentialProvider
{
    /// <summary>Returns null when nothing is configured for <paramref name="registry"/> (anonymous access).</summary>
    Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct);
}

/// <summary>
/// A username/password pair, or an identity (refresh) token from <c>docker login</c>. <see cref="ToString"/> never
/// shows the secret, so a credential that reaches a log or an exception message leaks nothing.
/// </summary>
public sealed record RegistryCredential(string Username, string Password, string? IdentityToken = null)
{
    /// <summary>Where the credential came from (an env var name, a config file path, a helper name), for messages.</summary>
    public string? Source { get; init; }

    public override string ToString() => $"RegistryCredential {{ Username = {Username}, Source = {Source} }}";
}

/// <summary>No credentials anywhere: every registry is accessed anonymously.</summary>
public sealed class AnonymousCredentialProvider : ICredentialProvider
{
    public static AnonymousCredentialProvider Instance { get; } = new();

    public Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct) => Task.FromResult<RegistryCredential?>(null);
}

/// <summary>Asks each provider in order and returns the first credential found.</summary>
public sealed class CompositeCredentialProvider(params ICredentialProvider[] providers) : ICredentialProvider
{
    public async Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct)
    {
        foreach (ICredentialProvider provider in providers)
        {
            if (await provider.GetAsync(registry, ct).ConfigureAwait(false) is RegistryCredential credential)
            {
                return credential;
            }
        }

        return null;
    }
}

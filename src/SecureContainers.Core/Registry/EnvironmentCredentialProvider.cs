namespace SecureContainers.Core.Registry;

/// <summary>
/// The SDK's credential environment variables. For a pull from the base image registry the SDK reads only
/// DOTNET_CONTAINER_PULL_REGISTRY_UNAME/PWORD; when the base registry is also the output registry it then falls back
/// to DOTNET_CONTAINER_REGISTRY_UNAME/PWORD and the legacy SDK_CONTAINER_REGISTRY_UNAME/PWORD (its
/// <c>RegistryMode.PullFromOutput</c>). Both parts of a pair must be non-empty. The values apply to whichever registry
/// is being pulled from, as in the SDK.
/// </summary>
public sealed class EnvironmentCredentialProvider(Func<string, string?> getEnvironmentVariable, string? outputRegistry = null) : ICredentialProvider
{
    public const string PullUser = "DOTNET_CONTAINER_PULL_REGISTRY_UNAME";
    public const string PullPassword = "DOTNET_CONTAINER_PULL_REGISTRY_PWORD";
    public const string User = "DOTNET_CONTAINER_REGISTRY_UNAME";
    public const string Password = "DOTNET_CONTAINER_REGISTRY_PWORD";
    public const string LegacyUser = "SDK_CONTAINER_REGISTRY_UNAME";
    public const string LegacyPassword = "SDK_CONTAINER_REGISTRY_PWORD";

    public Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct)
    {
        RegistryCredential? credential = Pair(PullUser, PullPassword);
        if (credential is null && outputRegistry is not null && string.Equals(registry, outputRegistry, StringComparison.OrdinalIgnoreCase))
        {
            credential = Pair(User, Password) ?? Pair(LegacyUser, LegacyPassword);
        }

        return Task.FromResult(credential);
    }

    private RegistryCredential? Pair(string userVariable, string passwordVariable)
    {
        string? user = getEnvironmentVariable(userVariable);
        string? password = getEnvironmentVariable(passwordVariable);
        return string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password)
            ? null
            : new RegistryCredential(user, password) { Source = userVariable };
    }
}

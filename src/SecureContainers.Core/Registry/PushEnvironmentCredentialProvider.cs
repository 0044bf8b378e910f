namespace SecureContainers.Core.Registry;

/// <summary>
/// The SDK's credential environment variables for pushing (its <c>RegistryMode.Push</c>):
/// DOTNET_CONTAINER_PUSH_REGISTRY_UNAME/PWORD, then DOTNET_CONTAINER_REGISTRY_UNAME/PWORD, then the legacy
/// SDK_CONTAINER_REGISTRY_UNAME/PWORD. Both parts of a pair must be non-empty; the pair applies to any registry pushed to.
/// </summary>
public sealed class PushEnvironmentCredentialProvider(Func<string, string?> getEnvironmentVariable) : ICredentialProvider
{
    public const string PushUser = "DOTNET_CONTAINER_PUSH_REGISTRY_UNAME";
    public const string PushPassword = "DOTNET_CONTAINER_PUSH_REGISTRY_PWORD";

    public Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct) =>
        Task.FromResult(Pair(PushUser, PushPassword)
            ?? Pair(EnvironmentCredentialProvider.User, EnvironmentCredentialProvider.Password)
            ?? Pair(EnvironmentCredentialProvider.LegacyUser, EnvironmentCredentialProvider.LegacyPassword));

    private RegistryCredential? Pair(string userVariable, string passwordVariable)
    {
        string? user = getEnvironmentVariable(userVariable);
        string? password = getEnvironmentVariable(passwordVariable);
        return string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password)
            ? null
            : new RegistryCredential(user, password) { Source = userVariable };
    }
}

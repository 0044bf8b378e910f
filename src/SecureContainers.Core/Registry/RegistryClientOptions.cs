namespace SecureContainers.Core.Registry;

/// <summary>Everything a <see cref="RegistryClient"/> needs from its environment; tests replace any part of it.</summary>
public sealed class RegistryClientOptions
{
    public const string InsecureRegistriesVariable = "DOTNET_CONTAINER_INSECURE_REGISTRIES";

    /// <summary>4 MiB, the limit registries themselves apply to manifests; also used for config blobs.</summary>
    public const long DefaultMaxDocumentBytes = 4 * 1024 * 1024;

    public ICredentialProvider Credentials { get; set; } = AnonymousCredentialProvider.Instance;

    /// <summary>Credentials for pushes (blobs, manifests, referrers); null means <see cref="Credentials"/>.</summary>
    public ICredentialProvider? PushCredentials { get; set; }

    /// <summary>
    /// Registries (host[:port]) that may be reached over plain HTTP. As in the SDK, these are tried over HTTPS first
    /// with certificate errors ignored for that host, and switch to HTTP for good after a TLS handshake failure.
    /// </summary>
    public Func<string, bool> IsInsecureRegistry { get; set; } = registry => IsInsecureBySdkRules(registry, null);

    /// <summary>Replaces the network (tests inject a fake registry). When set, it must not follow redirects itself.</summary>
    public HttpMessageHandler? Handler { get; set; }

    /// <summary>Per request, up to the response headers (and the whole body for manifests and configs).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Retries of a GET after 429/502/503/504 or a connection failure.</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap for both the exponential backoff and a server's Retry-After.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How the client waits between retries; tests record the delays instead of sleeping.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;

    public long MaxDocumentBytes { get; set; } = DefaultMaxDocumentBytes;

    /// <summary>The wait before retry <paramref name="attempt"/> (0-based): exponential from <see cref="RetryBaseDelay"/>, capped at <see cref="MaxRetryDelay"/>.</summary>
    internal TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20)), MaxRetryDelay.TotalMilliseconds));

    public string UserAgent { get; set; } = "SecureContainers/0.1";

    /// <summary>
    /// The SDK's conventions: credentials from DOTNET_CONTAINER_PULL_REGISTRY_UNAME/PWORD (plus the generic and legacy
    /// pairs when <paramref name="outputRegistry"/> is the registry pulled from), then docker/podman credential files;
    /// a registry is insecure when its host is <c>localhost</c> or it is listed in DOTNET_CONTAINER_INSECURE_REGISTRIES.
    /// Pushes use DOTNET_CONTAINER_PUSH_REGISTRY_UNAME/PWORD, then the generic and legacy pairs, then the same files.
    /// </summary>
    public static RegistryClientOptions FromEnvironment(Func<string, string?> getEnvironmentVariable, string? dockerConfigPath = null, string? outputRegistry = null)
    {
        string? insecureList = getEnvironmentVariable(InsecureRegistriesVariable);
        DockerConfigCredentialProvider files = new(DockerConfigCredentialProvider.DefaultConfigPaths(getEnvironmentVariable, dockerConfigPath), getEnvironmentVariable);
        return new RegistryClientOptions
        {
            Credentials = new CompositeCredentialProvider(new EnvironmentCredentialProvider(getEnvironmentVariable, outputRegistry), files),
            PushCredentials = new CompositeCredentialProvider(new PushEnvironmentCredentialProvider(getEnvironmentVariable), files),
            IsInsecureRegistry = registry => IsInsecureBySdkRules(registry, insecureList),
        };
    }

    /// <summary>
    /// The SDK's RegistrySettings rule: <c>localhost</c> with any port, or an exact (case-insensitive) host[:port] entry
    /// of the <c>;</c>-separated list. 127.0.0.1 is not special, as in the SDK.
    /// </summary>
    public static bool IsInsecureBySdkRules(string registry, string? insecureRegistriesList)
    {
        if (registry.Equals("localhost", StringComparison.OrdinalIgnoreCase) || registry.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (string entry in (insecureRegistriesList ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Equals(registry, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

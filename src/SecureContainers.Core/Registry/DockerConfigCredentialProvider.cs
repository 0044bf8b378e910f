using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Reads credentials the way <c>docker</c> and <c>podman</c> store them: a JSON file with <c>auths</c> (base64
/// <c>auth</c>, <c>username</c>/<c>password</c>, or <c>identitytoken</c>), <c>credHelpers</c> (per registry) and
/// <c>credsStore</c> (default helper). Files are tried in order; the first that has something for the registry wins.
/// Docker Hub is looked up under <c>https://index.docker.io/v1/</c> (docker login's key) and then <c>docker.io</c>.
/// </summary>
public sealed class DockerConfigCredentialProvider : ICredentialProvider
{
    private readonly IReadOnlyList<string> _paths;
    private readonly CredentialHelperRunner _helpers;
    private readonly Dictionary<string, ConfigFile?> _loaded = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <param name="configPaths">Credential files in priority order; missing files are skipped.</param>
    /// <param name="getEnvironmentVariable">Used for PATH when looking for <c>docker-credential-*</c> helpers.</param>
    public DockerConfigCredentialProvider(IReadOnlyList<string> configPaths, Func<string, string?> getEnvironmentVariable, TimeSpan? helperTimeout = null)
    {
        _paths = configPaths;
        _helpers = new CredentialHelperRunner(getEnvironmentVariable, helperTimeout ?? TimeSpan.FromSeconds(30));
    }

    public IReadOnlyList<string> ConfigPaths => _paths;

    /// <summary>
    /// Where docker and podman keep credentials: <paramref name="dockerConfigPath"/> or <c>$DOCKER_CONFIG/config.json</c>
    /// or <c>~/.docker/config.json</c>; then <c>$REGISTRY_AUTH_FILE</c>, <c>$XDG_RUNTIME_DIR/containers/auth.json</c>
    /// and <c>${XDG_CONFIG_HOME:-~/.config}/containers/auth.json</c>.
    /// </summary>
    public static IReadOnlyList<string> DefaultConfigPaths(Func<string, string?> getEnvironmentVariable, string? dockerConfigPath = null)
    {
        string? home = NonEmpty(getEnvironmentVariable("HOME")) ?? NonEmpty(getEnvironmentVariable("USERPROFILE"))
            ?? NonEmpty(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        List<string> paths = new();
        if (dockerConfigPath is not null)
        {
            paths.Add(dockerConfigPath);
        }
        else if (NonEmpty(getEnvironmentVariable("DOCKER_CONFIG")) is string dockerConfigDir)
        {
            paths.Add(Path.Combine(dockerConfigDir, "config.json"));
        }
        else if (home is not null)
        {
            paths.Add(Path.Combine(home, ".docker", "config.json"));
        }

        if (NonEmpty(getEnvironmentVariable("REGISTRY_AUTH_FILE")) is string authFile)
        {
            paths.Add(authFile);
        }

        if (NonEmpty(getEnvironmentVariable("XDG_RUNTIME_DIR")) is string runtimeDir)
        {
            paths.Add(Path.Combine(runtimeDir, "containers", "auth.json"));
        }

        if ((NonEmpty(getEnvironmentVariable("XDG_CONFIG_HOME")) ?? (home is null ? null : Path.Combine(home, ".config"))) is string configHome)
        {
            paths.Add(Path.Combine(configHome, "containers", "auth.json"));
        }

        return paths;
    }

    public async Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct)
    {
        // docker login stores Docker Hub under its v1 URL; podman under docker.io.
        string[] serverKeys = IsDockerHub(registry)
            ? ["https://index.docker.io/v1/", "docker.io", "index.docker.io", "registry-1.docker.io"]
            : [registry];

        foreach (string path in _paths)
        {
            if (Load(path) is not ConfigFile config)
            {
                continue;
            }

            foreach (string key in serverKeys)
            {
                if (config.CredHelpers.TryGetValue(Hostname(key), out string? helper)
                    && await _helpers.GetAsync(helper, key, registry, path, ct).ConfigureAwait(false) is RegistryCredential fromHelper)
                {
                    return fromHelper;
                }
            }

            foreach (string key in serverKeys)
            {
                if (config.Auths.TryGetValue(Hostname(key), out RegistryCredential? fromFile))
                {
                    return fromFile;
                }
            }

            if (config.CredsStore is string store)
            {
                foreach (string key in serverKeys)
                {
                    if (await _helpers.GetAsync(store, key, registry, path, ct).ConfigureAwait(false) is RegistryCredential fromStore)
                    {
                        return fromStore;
                    }
                }
            }
        }

        return null;
    }

    private static bool IsDockerHub(string registry) =>
        registry is "docker.io" or "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com";

    /// <summary>docker's ConvertToHostname: the key without scheme and path, so "https://host/v1/" finds "host".</summary>
    internal static string Hostname(string key)
    {
        string s = key;
        if (s.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            s = s[7..];
        }
        else if (s.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            s = s[8..];
        }

        int slash = s.IndexOf('/');
        return (slash >= 0 ? s[..slash] : s).ToLowerInvariant();
    }

    private ConfigFile? Load(string path)
    {
        lock (_gate)
        {
            if (!_loaded.TryGetValue(path, out ConfigFile? config))
            {
                config = ReadFile(path);
                _loaded[path] = config;
            }

            return config;
        }
    }

    private static ConfigFile? ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecureContainerException(RegistryDiagnostics.InvalidCredentialsFile.Create(path, ex.GetType().Name));
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            // The position only: the exception text can quote file content, which may be a secret.
            throw Invalid(path, $"invalid JSON at line {ex.LineNumber + 1}");
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, "the top level is not a JSON object");
            }

            Dictionary<string, RegistryCredential?> auths = new(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("auths", out JsonElement authsElement) && authsElement.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty entry in authsElement.EnumerateObject())
                {
                    if (ReadAuthEntry(path, entry) is RegistryCredential credential)
                    {
                        auths.TryAdd(Hostname(entry.Name), credential);
                    }
                }
            }

            Dictionary<string, string> helpers = new(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("credHelpers", out JsonElement helpersElement) && helpersElement.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty entry in helpersElement.EnumerateObject())
                {
                    if (entry.Value.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(entry.Value.GetString()))
                    {
                        helpers.TryAdd(Hostname(entry.Name), entry.Value.GetString()!);
                    }
                }
            }

            string? store = root.TryGetProperty("credsStore", out JsonElement storeElement) && storeElement.ValueKind == JsonValueKind.String
                ? NonEmpty(storeElement.GetString())
                : null;
            return new ConfigFile(auths!, helpers, store);
        }
    }

    private static RegistryCredential? ReadAuthEntry(string path, JsonProperty entry)
    {
        if (entry.Value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? Get(string name) => entry.Value.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? NonEmpty(e.GetString()) : null;

        string source = $"{path} ({entry.Name})";
        string? username = Get("username");
        string? password = Get("password");
        if (Get("auth") is string auth)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException)
            {
                throw Invalid(path, $"the 'auth' of '{entry.Name}' is not base64");
            }

            int colon = decoded.IndexOf(':');
            if (colon <= 0)
            {
                throw Invalid(path, $"the 'auth' of '{entry.Name}' is not base64 of 'user:password'");
            }

            username = decoded[..colon];
            password = decoded[(colon + 1)..];
        }

        if (Get("identitytoken") is string identityToken)
        {
            return new RegistryCredential(username ?? "", password ?? "", identityToken) { Source = source };
        }

        return username is not null && password is not null ? new RegistryCredential(username, password) { Source = source } : null;
    }

    private static SecureContainerException Invalid(string path, string why) =>
        new(RegistryDiagnostics.InvalidCredentialsFile.Create(path, why));

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private sealed record ConfigFile(IReadOnlyDictionary<string, RegistryCredential> Auths, IReadOnlyDictionary<string, string> CredHelpers, string? CredsStore);
}

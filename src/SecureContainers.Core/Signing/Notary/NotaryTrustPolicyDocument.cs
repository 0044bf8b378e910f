using SecureContainers.Core.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>
/// Reads notation's <c>trustpolicy.json</c> (version 1.0, trust-store-trust-policy.md) and the stores it names, enforcing
/// every constraint the specification places on it, so that a policy notation would refuse is refused here too (SC4140,
/// SC4141) rather than read loosely: one global scope at most, never with others, <c>skip</c> never global, each scope in
/// one policy, overrides only of what may be overridden, identities with C, ST and O that do not overlap.
/// </summary>
public static class NotaryTrustPolicyDocument
{
    public const long MaxBytes = 1024 * 1024;

    private static readonly Dictionary<string, NotaryVerificationLevel> Levels = new(StringComparer.Ordinal)
    {
        ["strict"] = NotaryVerificationLevel.Strict,
        ["permissive"] = NotaryVerificationLevel.Permissive,
        ["audit"] = NotaryVerificationLevel.Audit,
        ["skip"] = NotaryVerificationLevel.Skip,
    };

    private static readonly Dictionary<string, NotaryValidation> Overridable = new(StringComparer.Ordinal)
    {
        ["authenticity"] = NotaryValidation.Authenticity,
        ["authenticTimestamp"] = NotaryValidation.AuthenticTimestamp,
        ["expiry"] = NotaryValidation.Expiry,
        ["revocation"] = NotaryValidation.Revocation,
    };

    /// <summary>
    /// The policies of <paramref name="policyPath"/>, their stores read from <paramref name="trustStoreRoot"/> (the
    /// directory holding <c>x509/</c>). <paramref name="policySetting"/> and <paramref name="storeSetting"/> name the
    /// MSBuild property or CLI option in messages.
    /// </summary>
    public static IReadOnlyList<NotaryTrustPolicy> Load(string policyPath, string? trustStoreRoot, string policySetting, string storeSetting)
    {
        var file = new FileInfo(policyPath);
        if (!file.Exists)
        {
            throw Invalid(policyPath, "the file does not exist", policySetting);
        }

        if (file.Length > MaxBytes)
        {
            throw Invalid(policyPath, $"it is {file.Length} bytes, more than the {MaxBytes} read", policySetting);
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(File.ReadAllBytes(policyPath), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Invalid(policyPath, $"it is not JSON ({e.Message})", policySetting);
        }

        using (json)
        {
            return Parse(json.RootElement, policyPath, trustStoreRoot, policySetting, storeSetting);
        }
    }

    private static List<NotaryTrustPolicy> Parse(JsonElement root, string path, string? storeRoot, string policySetting, string storeSetting)
    {
        SecureContainerException Bad(string reason) => Invalid(path, reason, policySetting);

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out JsonElement version) || version.ValueKind != JsonValueKind.String)
        {
            throw Bad("it has no \"version\"");
        }

        if (version.GetString() != "1.0")
        {
            throw Bad($"its version is '{version.GetString()}'; only 1.0 is defined");
        }

        if (!root.TryGetProperty("trustPolicies", out JsonElement list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw Bad("\"trustPolicies\" is missing or empty");
        }

        var policies = new List<NotaryTrustPolicy>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var scopes = new Dictionary<string, string>(StringComparer.Ordinal);
        var stores = new Dictionary<string, X509Certificate2Collection>(StringComparer.Ordinal);
        foreach (JsonElement entry in list.EnumerateArray())
        {
            string name = String(entry, "name") ?? throw Bad("a trust policy has no \"name\"");
            if (name.Trim().Length == 0 || !names.Add(name))
            {
                throw Bad($"trust policy name '{name}' is empty or used twice");
            }

            string[] registryScopes = Strings(entry, "registryScopes") ?? throw Bad($"trust policy '{name}' has no \"registryScopes\"");
            CheckScopes(name, registryScopes, scopes, Bad);

            if (!entry.TryGetProperty("signatureVerification", out JsonElement verification) || verification.ValueKind != JsonValueKind.Object
                || String(verification, "level") is not { } levelName || !Levels.TryGetValue(levelName, out NotaryVerificationLevel level))
            {
                throw Bad($"trust policy '{name}' needs \"signatureVerification\": {{\"level\": \"strict\" | \"permissive\" | \"audit\" | \"skip\"}}");
            }

            Dictionary<NotaryValidation, NotaryAction> overrides = Overrides(name, verification, level, Bad);
            string[] storeNames = Strings(entry, "trustStores") ?? [];
            string[] identities = Strings(entry, "trustedIdentities") ?? [];
            if (level == NotaryVerificationLevel.Skip)
            {
                if (registryScopes.Contains(NotaryTrustPolicy.AnyScope) || storeNames.Length > 0 || identities.Length > 0)
                {
                    throw Bad($"trust policy '{name}' skips verification; such a policy cannot have the global scope \"*\", trust stores or trusted identities");
                }

                policies.Add(new NotaryTrustPolicy(name, registryScopes, level, [], [], []));
                continue;
            }

            if (storeNames.Length == 0 || identities.Length == 0)
            {
                throw Bad($"trust policy '{name}' needs \"trustStores\" and \"trustedIdentities\"");
            }

            TrustedIdentity.Validate(name, identities, Bad);
            X509Certificate2Collection ca = [], tsa = [], signingAuthority = [];
            foreach (string store in storeNames.Distinct(StringComparer.Ordinal))
            {
                int colon = store.IndexOf(':', StringComparison.Ordinal);
                string type = colon > 0 ? store[..colon] : "";
                string storeName = colon > 0 ? store[(colon + 1)..] : "";
                if (!NotaryTrustStore.Types.Contains(type, StringComparer.Ordinal) || storeName.Length == 0
                    || storeName.IndexOfAny(['/', '\\']) >= 0 || storeName is "." or "..")
                {
                    throw Bad($"trust policy '{name}' names trust store '{store}'; the form is ca:<name>, tsa:<name> or signingAuthority:<name>");
                }

                if (storeRoot is null)
                {
                    throw new SecureContainerException(NotaryDiagnostics.TrustStoreInvalid.Create(store,
                        $"no trust store directory is set ({storeSetting}), so trust policy '{name}' has nothing to trust", storeSetting));
                }

                if (!stores.TryGetValue(store, out X509Certificate2Collection? certificates))
                {
                    stores[store] = certificates = NotaryTrustStore.Load(storeRoot, type, storeName, storeSetting);
                }

                (type switch { "ca" => ca, "tsa" => tsa, _ => signingAuthority }).AddRange(certificates);
            }

            if (ca.Count == 0 && signingAuthority.Count == 0)
            {
                throw Bad($"trust policy '{name}' names only timestamping stores; add a ca: (or signingAuthority:) store");
            }

            policies.Add(new NotaryTrustPolicy(name, registryScopes, level, ca, tsa, identities)
            {
                SigningAuthorityRoots = signingAuthority,
                Overrides = overrides,
            });
        }

        return policies;
    }

    private static void CheckScopes(string name, string[] registryScopes, Dictionary<string, string> seen, Func<string, SecureContainerException> bad)
    {
        if (registryScopes.Length == 0)
        {
            throw bad($"trust policy '{name}' has no registry scope");
        }

        foreach (string scope in registryScopes)
        {
            if (scope == NotaryTrustPolicy.AnyScope)
            {
                if (registryScopes.Length > 1)
                {
                    throw bad($"trust policy '{name}' mixes the global scope \"*\" with repositories");
                }
            }
            else if (scope.Contains('*') || scope.Contains('@') || scope.Trim() != scope || scope.Length == 0
                || scope.IndexOf('/', StringComparison.Ordinal) <= 0 || scope.EndsWith('/') || scope.LastIndexOf(':') > scope.LastIndexOf('/'))
            {
                throw bad($"trust policy '{name}' has scope '{scope}'; a scope is a fully qualified repository (registry/namespace/name, no tag, digest or wildcard) or \"*\" alone");
            }

            if (!seen.TryAdd(scope, name))
            {
                throw bad($"scope '{scope}' is in trust policies '{seen[scope]}' and '{name}'; each repository must have one policy");
            }
        }
    }

    private static Dictionary<NotaryValidation, NotaryAction> Overrides(string name, JsonElement verification, NotaryVerificationLevel level, Func<string, SecureContainerException> bad)
    {
        var overrides = new Dictionary<NotaryValidation, NotaryAction>();
        if (!verification.TryGetProperty("override", out JsonElement map))
        {
            return overrides;
        }

        if (map.ValueKind != JsonValueKind.Object || level == NotaryVerificationLevel.Skip)
        {
            throw bad($"trust policy '{name}' has an \"override\" that is not an object, or overrides the skip level");
        }

        foreach (JsonProperty p in map.EnumerateObject())
        {
            if (!Overridable.TryGetValue(p.Name, out NotaryValidation validation))
            {
                throw bad($"trust policy '{name}' overrides '{p.Name}'; only authenticity, authenticTimestamp, expiry and revocation can be overridden (integrity never)");
            }

            NotaryAction? action = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() switch
            {
                "enforce" => NotaryAction.Enforce,
                "log" => NotaryAction.Log,
                "skip" when validation == NotaryValidation.Revocation => NotaryAction.Skip,
                _ => null,
            } : null;
            overrides[validation] = action ?? throw bad($"trust policy '{name}' overrides {p.Name} with {p.Value.GetRawText()}; use \"enforce\" or \"log\"{(validation == NotaryValidation.Revocation ? " or \"skip\"" : "")}");
        }

        return overrides;
    }

    private static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string[]? Strings(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out JsonElement v) || v.ValueKind != JsonValueKind.Array
            || v.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
        {
            return null;
        }

        return v.EnumerateArray().Select(x => x.GetString()!).ToArray();
    }

    private static SecureContainerException Invalid(string path, string reason, string setting) =>
        new(NotaryDiagnostics.TrustPolicyInvalid.Create(path, reason, setting));
}

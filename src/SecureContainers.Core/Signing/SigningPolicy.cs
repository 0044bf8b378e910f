using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Keyless;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Signing;

/// <summary>
/// Checks, before anything is pushed, that signing will work: the key loads and its password decrypts it (a wrong
/// password must fail the build while the registry is still untouched), or, without a key, whether the profile
/// allows an unsigned image. Also the tag rule that keeps signed releases identifiable.
/// </summary>
public static class SigningPolicy
{
    public static void CheckKey(string? keyPath, string? passwordVariable, bool requireSigning, bool pushesToRegistry, string profile, string image, Func<string, string?> getEnvironmentVariable, IDiagnosticSink sink)
    {
        if (string.IsNullOrWhiteSpace(keyPath))
        {
            if (pushesToRegistry && requireSigning)
            {
                sink.Report(SigningPolicyDiagnostics.SigningRequired.Create(profile));
            }
            else if (pushesToRegistry)
            {
                sink.Report(SigningPolicyDiagnostics.Unsigned.Create(image));
            }

            return;
        }

        using KeyPassword password = KeyPasswordSource.FromEnvironment(passwordVariable, getEnvironmentVariable);
        using EcdsaFileSigner signer = EcdsaFileSigner.Load(keyPath, password);
    }

    /// <summary>
    /// Keyless mode, before anything is pushed: a key set as well is a conflict (SC6060: which one signs would be a
    /// guess), and a registry push with no identity token source is an error (SC6050) rather than a failure after the
    /// image is already in the registry. Only whether a source exists is checked here; no token is requested.
    /// </summary>
    public static void CheckKeyless(string? keyPath, bool pushesToRegistry, Func<string, string?> getEnvironmentVariable, IDiagnosticSink sink)
    {
        if (!string.IsNullOrWhiteSpace(keyPath))
        {
            sink.Report(KeylessDiagnostics.KeylessWithKey.Create(keyPath));
        }

        if (pushesToRegistry && OidcTokenSource.Detect(getEnvironmentVariable) is null)
        {
            sink.Report(KeylessDiagnostics.NoTokenSource.Create(OidcTokenSource.LookedFor));
        }
    }

    public static void CheckTags(IReadOnlyList<string> tags, bool forbidLatestOnly, string image, IDiagnosticSink sink)
    {
        if (forbidLatestOnly && tags.Count > 0 && tags.All(t => string.Equals(t, "latest", StringComparison.Ordinal)))
        {
            sink.Report(SigningPolicyDiagnostics.LatestOnly.Create(image));
        }
    }
}

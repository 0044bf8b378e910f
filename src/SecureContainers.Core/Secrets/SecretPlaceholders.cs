using System.Text.RegularExpressions;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// Decides whether a value in a secret-named setting is a placeholder rather than a credential. Only syntax that a
/// configuration or deployment system substitutes, or an obvious mask, counts. Words such as "changeme",
/// "password" or "secret" are NOT placeholders: if the file ships with them, they are the credential in force until
/// someone changes them, and default credentials are exactly what attackers try first.
/// </summary>
internal static partial class SecretPlaceholders
{
    public static bool IsPlaceholder(ReadOnlySpan<char> value)
    {
        ReadOnlySpan<char> v = value.Trim();
        if (v.Length == 0)
        {
            return true;
        }

        // Masks: "****", "xxxxxxxx", "...", "-".
        if (!v.ContainsAnyExcept("*xX.•-_"))
        {
            return true;
        }

        return Substitution().IsMatch(v);
    }

    // ${VAR} $(Prop) #{token}# {{ var }} <your-password> %VAR% __TOKEN__ {0} $VAR @Microsoft.KeyVault(...) [PLACEHOLDER]
    [GeneratedRegex(@"^(?:\$\{[^}]*\}|\$\([^)]*\)|#\{[^}]*\}#?|\{\{.*\}\}|<[^>]*>|%[A-Za-z_][A-Za-z0-9_]*%|__[A-Za-z0-9_.-]+__|\{\d+\}|\$[A-Za-z_][A-Za-z0-9_]*|@Microsoft\.KeyVault\(.*\)|\[[A-Za-z _-]+\])$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Substitution();
}

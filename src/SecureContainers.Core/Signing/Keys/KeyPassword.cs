using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Keys;

/// <summary>
/// A key password and the name of the environment variable it came from. The characters are only reachable inside the
/// core (to decrypt or encrypt a key); <see cref="ToString"/> and every message show the variable name, never the value.
/// Dispose to wipe the copy.
/// </summary>
public sealed class KeyPassword : IDisposable
{
    private char[] _chars;

    private KeyPassword(char[] chars, string variableName)
    {
        _chars = chars;
        VariableName = variableName;
    }

    /// <summary>The environment variable the password was read from (for messages).</summary>
    public string VariableName { get; }

    public bool IsEmpty => _chars.Length == 0;

    internal ReadOnlySpan<char> Chars => _chars;

    /// <summary>A password given directly (an interactive prompt, a test); <paramref name="origin"/> names it in messages.</summary>
    public static KeyPassword FromChars(ReadOnlySpan<char> password, string origin) => new(password.ToArray(), origin);

    public override string ToString() => $"key password from {VariableName} ({(IsEmpty ? "empty" : "set")}, value hidden)";

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_chars.AsSpan()));
        _chars = [];
    }
}

/// <summary>
/// Where key passwords come from: only an environment variable, never an MSBuild property or a command-line argument,
/// so the password cannot reach logs, binlogs or shell history.
/// </summary>
public static partial class KeyPasswordSource
{
    public const string DefaultVariable = "SECURECONTAINERS_KEY_PASSWORD";

    /// <summary>
    /// Reads the password from <paramref name="variableName"/> (default <see cref="DefaultVariable"/>). An unset variable
    /// gives an empty password, which only unencrypted keys accept. An invalid variable name is SC6010.
    /// </summary>
    public static KeyPassword FromEnvironment(string? variableName = null, Func<string, string?>? getEnvironmentVariable = null)
    {
        string name = string.IsNullOrWhiteSpace(variableName) ? DefaultVariable : variableName.Trim();
        if (!VariableName().IsMatch(name))
        {
            throw new SecureContainerException(SigningDiagnostics.PasswordVariableInvalid.Create(name.Length > 100 ? name[..100] + "…" : name));
        }

        string? value = (getEnvironmentVariable ?? Environment.GetEnvironmentVariable)(name);
        return KeyPassword.FromChars(value ?? "", name);
    }

    /// <summary>A portable environment variable name: letters, digits and underscores, not starting with a digit.</summary>
    public static bool IsValidVariableName(string name) => VariableName().IsMatch(name);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,254}$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();
}

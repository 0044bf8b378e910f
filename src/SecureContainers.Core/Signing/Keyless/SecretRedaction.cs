using System.Text;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>
/// Makes text from a remote service safe to quote in a diagnostic: bounded, one line, and without the identity token or
/// any of its three JWT parts, in case a service echoes the request back (a proxy's error page, a verbose mock).
/// </summary>
internal static class SecretRedaction
{
    private const int MaxQuoted = 300;

    // A JWT part shorter than this is a header fragment like "eyJhbGciOi", not worth a false redaction.
    private const int MinSecretPart = 8;

    public static string Quote(string? text, IdentityToken? token)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "(no message)";
        }

        string safe = token is null ? text : token.RedactFrom(text);
        StringBuilder line = new(Math.Min(safe.Length, MaxQuoted + 1));
        foreach (char c in safe)
        {
            if (line.Length == MaxQuoted)
            {
                line.Append('…');
                break;
            }

            line.Append(char.IsControl(c) ? ' ' : c);
        }

        return line.ToString().Trim();
    }

    internal static string Redact(string text, string secret)
    {
        string result = text.Replace(secret, "[redacted]", StringComparison.Ordinal);
        foreach (string part in secret.Split('.'))
        {
            if (part.Length >= MinSecretPart)
            {
                result = result.Replace(part, "[redacted]", StringComparison.Ordinal);
            }
        }

        return result;
    }
}

using System.Buffers.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Signing.Keyless;

/// <summary>
/// An OIDC identity token (a JWT) and the claims Fulcio binds into the certificate. The token is a bearer secret for
/// the few minutes it lives: it is kept only here, sent only to Fulcio, and <see cref="ToString"/> never shows it, so an
/// interpolated token in a log line or exception prints a placeholder. The signature is not checked here: Fulcio checks
/// it against the issuer's keys, which is what makes the certificate mean anything.
/// </summary>
public sealed class IdentityToken
{
    /// <summary>Tokens are a few KB; anything larger is not a token from a CI provider.</summary>
    public const int MaxLength = 64 * 1024;

    private readonly string _jwt;

    private IdentityToken(string jwt, string source, string issuer, string subject, string? email, IReadOnlyList<string> audiences)
    {
        _jwt = jwt;
        Source = source;
        Issuer = issuer;
        Subject = subject;
        Email = email;
        Audiences = audiences;
    }

    /// <summary>Where the token came from (an environment variable name or an endpoint host), for messages.</summary>
    public string Source { get; }

    /// <summary>The <c>iss</c> claim: the identity provider, e.g. https://token.actions.githubusercontent.com.</summary>
    public string Issuer { get; }

    /// <summary>The <c>sub</c> claim.</summary>
    public string Subject { get; }

    /// <summary>The <c>email</c> claim when the issuer verified it, else null.</summary>
    public string? Email { get; }

    public IReadOnlyList<string> Audiences { get; }

    /// <summary>
    /// What Fulcio's proof of possession signs: the verified email when the token has one, else the subject (Fulcio's
    /// challenge rule, as sigstore-js's <c>extractJWTSubject</c> applies it).
    /// </summary>
    public string Challenge => Email ?? Subject;

    /// <summary>The raw JWT, for the one request that must carry it.</summary>
    internal string Value => _jwt;

    /// <summary>Reads a JWT's claims (SC6052 when it is not one); <paramref name="source"/> names where it came from.</summary>
    public static IdentityToken Parse(string jwt, string source)
    {
        string trimmed = jwt.Trim();
        if (trimmed.Length > MaxLength)
        {
            throw Malformed(source, $"it is {trimmed.Length} characters long, more than the {MaxLength} a token can be");
        }

        string[] parts = trimmed.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            throw Malformed(source, $"it has {parts.Length} dot-separated part(s), a JWT has 3");
        }

        byte[] payload = new byte[Base64Url.GetMaxDecodedLength(parts[1].Length)];
        if (Base64Url.DecodeFromChars(parts[1], payload, out _, out int written) != System.Buffers.OperationStatus.Done)
        {
            throw Malformed(source, "its payload is not base64url");
        }

        using JsonDocument? doc = SigningJson.TryParse(payload.AsMemory(0, written), out string problem);
        if (doc is null)
        {
            throw Malformed(source, $"its payload is not a JSON object ({problem})");
        }

        JsonElement claims = doc.RootElement;
        string issuer = SigningJson.String(claims, "iss") is { Length: > 0 } iss ? iss : throw Malformed(source, "it has no 'iss' (issuer) claim");
        string subject = SigningJson.String(claims, "sub") ?? "";
        string? email = SigningJson.String(claims, "email");
        if (email is not null && !IsTrue(claims, "email_verified"))
        {
            // Fulcio refuses an unverified email, and would not fall back to 'sub': say so before asking it.
            throw Malformed(source, "its 'email' claim is not verified by the issuer ('email_verified' is not true)");
        }

        if (email is null && subject.Length == 0)
        {
            throw Malformed(source, "it has neither a 'sub' nor an 'email' claim");
        }

        List<string> audiences = new();
        if (claims.TryGetProperty("aud", out JsonElement aud))
        {
            if (aud.ValueKind == JsonValueKind.String)
            {
                audiences.Add(aud.GetString()!);
            }
            else if (aud.ValueKind == JsonValueKind.Array)
            {
                audiences.AddRange(aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!));
            }
        }

        return new IdentityToken(trimmed, source, issuer, subject, email, audiences);
    }

    /// <summary><paramref name="text"/> without this token or any of its parts.</summary>
    public string RedactFrom(string text) => SecretRedaction.Redact(text, _jwt);

    public override string ToString() => $"identity token from {Source} (issuer {Issuer})";

    private static bool IsTrue(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out JsonElement v)
        && (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.String && string.Equals(v.GetString(), "true", StringComparison.OrdinalIgnoreCase)));

    private static SecureContainerException Malformed(string source, string detail) =>
        new(KeylessDiagnostics.TokenMalformed.Create(source, detail));
}

using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace SecureContainers.Core.Registry;

/// <summary>One <c>WWW-Authenticate</c> challenge: its scheme and its <c>key="value"</c> parameters.</summary>
internal sealed partial record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public string? this[string name] => Parameters.TryGetValue(name, out string? v) ? v : null;

    /// <summary>The challenge to answer: Bearer when offered (it scopes access), else Basic, else none.</summary>
    public static AuthChallenge? Select(HttpHeaderValueCollection<AuthenticationHeaderValue> headers)
    {
        AuthChallenge? basic = null;
        foreach (AuthenticationHeaderValue header in headers)
        {
            AuthChallenge challenge = new(header.Scheme, ParseParameters(header.Parameter));
            if (challenge.IsBearer)
            {
                return challenge;
            }

            basic ??= challenge.IsBasic ? challenge : null;
        }

        return basic;
    }

    internal static IReadOnlyDictionary<string, string> ParseParameters(string? parameter)
    {
        Dictionary<string, string> result = new(StringComparer.OrdinalIgnoreCase);
        if (parameter is null)
        {
            return result;
        }

        foreach (Match m in ParameterPattern().Matches(parameter))
        {
            string value = m.Groups["quoted"].Success ? m.Groups["quoted"].Value.Replace("\\\"", "\"") : m.Groups["token"].Value;
            result.TryAdd(m.Groups["key"].Value, value);
        }

        return result;
    }

    // key="quoted, may contain commas" or key=token, separated by commas.
    [GeneratedRegex("""(?<key>[A-Za-z0-9_-]+)\s*=\s*(?:"(?<quoted>(?:[^"\\]|\\.)*)"|(?<token>[^\s,]*))""", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterPattern();
}

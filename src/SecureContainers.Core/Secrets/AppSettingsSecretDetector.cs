using System.Text.Json;
using System.Text.RegularExpressions;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// SC7120: string values in appsettings*.json whose key is named like a secret. The file is parsed as
/// configuration does (comments and trailing commas allowed, nested sections); only a key's last segment counts
/// and only when it ENDS with the secret word, so "ClientSecret" and "ApiKey" match but "TokenEndpoint" and
/// "PasswordPolicy" do not. Keys like "ConnectionString" are left to SC7121, which looks for an actual password in
/// the value, so one line is not reported twice. In a file that is not valid JSON this rule stops at the first syntax
/// error, keeping what it found before it (the line rules read the whole file anyway).
/// </summary>
internal static partial class AppSettingsSecretDetector
{
    public static bool Applies(string fileName) =>
        fileName.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) && fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Line numbers (1-based) of secret-named keys with literal values.</summary>
    public static IReadOnlyList<int> FindLines(ReadOnlySpan<byte> json)
    {
        List<int> lines = new();
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            json = json[3..];
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        int line = 1;
        long counted = 0;
        string? propertyName = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    propertyName = reader.GetString();
                    continue;
                }

                // Only a string that is the direct value of a secret-named key counts (not array elements).
                if (reader.TokenType == JsonTokenType.String && propertyName is not null
                    && SecretKeyName().IsMatch(propertyName) && !SecretPlaceholders.IsPlaceholder(reader.GetString()))
                {
                    line += json[(int)counted..(int)reader.TokenStartIndex].Count((byte)'\n');
                    counted = reader.TokenStartIndex;
                    lines.Add(line);
                }

                propertyName = null;
            }
        }
        catch (JsonException)
        {
            // Configuration would refuse the file at startup; keep what was found before the error.
        }

        return lines;
    }

    [GeneratedRegex(@"(?:password|passwd|pwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SecretKeyName();
}

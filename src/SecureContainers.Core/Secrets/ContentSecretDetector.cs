using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// The content rules, fed line by line from one group of texts: one file, or all environment variables, or all
/// labels, or entrypoint and cmd. A text in a group is a "source" (its index); hits are (rule, source, line). It keeps
/// only positions, never matched text. Lines without any anchor string are dismissed with one vectorized search, so
/// ordinary files cost little more than reading them.
/// </summary>
internal sealed partial class ContentSecretDetector(bool pairAwsAcrossSources)
{
    /// <summary>Lines around an AWS key ID in which its secret must appear (same file).</summary>
    public const int AwsPairingWindow = 10;

    /// <summary>Lines after a PEM header in which the key material must start (legacy encrypted keys have 3 header lines).</summary>
    private const int PemBodyWindow = 5;

    // Azurite's well-known development key, published in Microsoft's documentation: not a secret.
    private const string AzuriteDevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly SearchValues<string> Anchors = SearchValues.Create(
        // Few, short needles search fastest; each rule below re-checks its own anchor before running its regex.
        ["-----BEGIN", "AKIA", "gh", "github_pat_", "AccountKey", "eyJ", "password", "pwd", "access"],
        StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<char> Base64Chars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    private readonly HashSet<(SecretRule Rule, int Source, int Line)> _hits = new();
    private readonly List<(int Source, int Line)> _awsKeyIds = new();
    private readonly List<(int Source, int Line)> _awsSecrets = new();
    private (int Source, int Line, int LinesLeft)? _pendingPem;

    /// <summary>Scans whole lines joined by '\n'; most blocks hold no anchor at all and cost one vectorized search.</summary>
    public void ScanBlock(ReadOnlySpan<char> block, int source, int firstLineNumber)
    {
        if (_pendingPem is null && block.IndexOfAny(Anchors) < 0)
        {
            return;
        }

        int lineNumber = firstLineNumber;
        foreach (Range range in block.Split('\n'))
        {
            ReadOnlySpan<char> line = block[range];
            ScanLine(line.Length > 0 && line[^1] == '\r' ? line[..^1] : line, source, lineNumber++);
        }
    }

    public void ScanLine(ReadOnlySpan<char> line, int source, int lineNumber)
    {
        if (_pendingPem is (int pemSource, int pemLine, int left))
        {
            if (pemSource == source && IsKeyMaterialLine(line))
            {
                _hits.Add((SecretRules.PrivateKey, pemSource, pemLine));
                _pendingPem = null;
            }
            else
            {
                _pendingPem = left <= 1 || pemSource != source ? null : (pemSource, pemLine, left - 1);
            }
        }

        if (line.IndexOfAny(Anchors) < 0)
        {
            return;
        }

        if (line.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            foreach (ValueMatch m in PemHeader().EnumerateMatches(line))
            {
                if (StartsWithKeyMaterial(line[(m.Index + m.Length)..]))
                {
                    _hits.Add((SecretRules.PrivateKey, source, lineNumber));
                }
                else
                {
                    _pendingPem = (source, lineNumber, PemBodyWindow);
                }
            }
        }

        if (line.Contains("AKIA", StringComparison.Ordinal) && AwsKeyId().IsMatch(line))
        {
            _awsKeyIds.Add((source, lineNumber));
        }

        if (line.Contains("access", StringComparison.OrdinalIgnoreCase) && AwsSecret().IsMatch(line))
        {
            _awsSecrets.Add((source, lineNumber));
        }

        if ((line.Contains("gh", StringComparison.Ordinal) || line.Contains("github_pat_", StringComparison.Ordinal)) && GitHubToken().IsMatch(line))
        {
            _hits.Add((SecretRules.GitHubToken, source, lineNumber));
        }

        if (line.Contains("AccountKey", StringComparison.OrdinalIgnoreCase))
        {
            foreach (ValueMatch m in AzureAccountKey().EnumerateMatches(line))
            {
                ReadOnlySpan<char> key = line.Slice(m.Index, m.Length)["AccountKey=".Length..];
                if (!key.SequenceEqual(AzuriteDevelopmentKey))
                {
                    _hits.Add((SecretRules.AzureStorageKey, source, lineNumber));
                    break;
                }
            }
        }

        if (line.Contains("eyJ", StringComparison.Ordinal))
        {
            foreach (ValueMatch m in JwtShape().EnumerateMatches(line))
            {
                if (IsJwt(line.Slice(m.Index, m.Length)))
                {
                    _hits.Add((SecretRules.JsonWebToken, source, lineNumber));
                    break;
                }
            }
        }

        if (HasPasswordPair(line, "password") || HasPasswordPair(line, "pwd"))
        {
            _hits.Add((SecretRules.ConnectionStringPassword, source, lineNumber));
        }
    }

    /// <summary>Records an AWS secret access key found by the variable's name rather than in its text.</summary>
    public void NoteAwsSecret(int source, int lineNumber) => _awsSecrets.Add((source, lineNumber));

    public static bool IsAwsSecretValue(string value) => AwsSecretValue().IsMatch(value);

    /// <summary>Pairs AWS key IDs with secrets and returns every hit; call once, after the last line.</summary>
    public IEnumerable<(SecretRule Rule, int Source, int Line)> Complete()
    {
        foreach ((int source, int line) in _awsKeyIds)
        {
            bool paired = _awsSecrets.Any(s => pairAwsAcrossSources || (s.Source == source && Math.Abs(s.Line - line) <= AwsPairingWindow));
            if (paired)
            {
                _hits.Add((SecretRules.AwsAccessKey, source, line));
            }
        }

        return _hits;
    }

    /// <summary>
    /// "Password=" or "Pwd=" starting a connection-string segment (at the line start or after ';', a quote or white
    /// space) with a value up to the next ';' or quote that is not a placeholder. Searched by hand: a regex that may
    /// start at every space is slow on prose.
    /// </summary>
    private static bool HasPasswordPair(ReadOnlySpan<char> line, string keyword)
    {
        int offset = 0;
        while (true)
        {
            int found = line[offset..].IndexOf(keyword, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return false;
            }

            int at = offset + found;
            offset = at + keyword.Length;
            ReadOnlySpan<char> before = line[..at].TrimEnd();
            if (before.Length > 0 && before[^1] is not (';' or '"' or '\'') && before.Length == at)
            {
                continue;
            }

            ReadOnlySpan<char> after = line[offset..].TrimStart();
            if (after.Length == 0 || after[0] != '=')
            {
                continue;
            }

            ReadOnlySpan<char> value = after[1..];
            int end = value.IndexOfAny(';', '"', '\'');
            if (!SecretPlaceholders.IsPlaceholder(end < 0 ? value : value[..end]))
            {
                return true;
            }
        }
    }

    private static bool StartsWithKeyMaterial(ReadOnlySpan<char> rest)
    {
        // A key embedded in JSON or an environment variable keeps its line breaks as "\n" escapes.
        while (true)
        {
            rest = rest.TrimStart();
            if (rest.StartsWith("\\n", StringComparison.Ordinal) || rest.StartsWith("\\r", StringComparison.Ordinal))
            {
                rest = rest[2..];
                continue;
            }

            break;
        }

        int run = rest.IndexOfAnyExcept(Base64Chars);
        return (run < 0 ? rest.Length : run) >= 40;
    }

    private static bool IsKeyMaterialLine(ReadOnlySpan<char> line)
    {
        ReadOnlySpan<char> t = line.Trim().Trim("\"',");
        if (t.EndsWith("\\n", StringComparison.Ordinal))
        {
            t = t[..^2];
        }

        return t.Length >= 40 && !t.ContainsAnyExcept(Base64Chars);
    }

    private static bool IsJwt(ReadOnlySpan<char> token)
    {
        ReadOnlySpan<char> header = token[..token.IndexOf('.')];
        if (header.Length > 2048)
        {
            return false;
        }

        Span<byte> json = stackalloc byte[Base64Url.GetMaxDecodedLength(header.Length)];
        if (!Base64Url.TryDecodeFromChars(header, json, out int written))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(json[..written]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isAlg = reader.ValueTextEquals("alg"u8);
                reader.Read();
                if (isAlg)
                {
                    return reader.TokenType == JsonTokenType.String;
                }

                reader.Skip();
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"-----BEGIN (?:(?:RSA|EC|DSA|ENCRYPTED|OPENSSH|PGP) )?PRIVATE KEY(?: BLOCK)?-----", RegexOptions.CultureInvariant)]
    private static partial Regex PemHeader();

    [GeneratedRegex(@"(?<![A-Z0-9])AKIA[0-9A-Z]{16}(?![A-Z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex AwsKeyId();

    [GeneratedRegex(@"secret[_-]?access[_-]?key[^A-Za-z0-9/+]{1,8}[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AwsSecret();

    [GeneratedRegex(@"^[A-Za-z0-9/+]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex AwsSecretValue();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"AccountKey=[A-Za-z0-9+/]{40,}={0,2}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AzureAccountKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}(?![A-Za-z0-9_\-])", RegexOptions.CultureInvariant)]
    private static partial Regex JwtShape();
}

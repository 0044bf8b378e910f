namespace SecureContainers.Core.Packages;

/// <summary>
/// Turns a declared license (a nuspec <c>&lt;license type="expression"&gt;</c>, an apk <c>L:</c> field) into CycloneDX
/// licenses: a single SPDX id as <c>license.id</c> (the schema checks ids against the SPDX list, so only listed ids
/// go there), a well-formed SPDX expression as <c>expression</c>, anything else as a license <c>name</c>, so that no
/// declared text is lost and nothing invalid is written.
/// </summary>
public static class SpdxExpression
{
    /// <param name="declared">The text as the package states it.</param>
    /// <param name="requireListedIds">
    /// True when the source does not promise SPDX (apk's <c>L:</c> holds "custom" or space-separated lists): an
    /// expression is kept only if every id is on the SPDX list or a <c>LicenseRef-</c>. NuGet validates expressions when
    /// packing, so for nuspecs ids newer than our list are still written as an expression.
    /// </param>
    public static IReadOnlyList<PackageLicense> ToLicenses(string declared, bool requireListedIds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(declared);
        string text = declared.Trim();
        List<string>? tokens = Tokenize(text);
        if (tokens is null)
        {
            return [PackageLicense.FromName(text)];
        }

        if (tokens.Count == 1 && SpdxLicenseList.Ids.TryGetValue(tokens[0], out string? id))
        {
            return [PackageLicense.FromSpdxId(id)];
        }

        var parser = new Parser(tokens, requireListedIds);
        return parser.ParseExpression() && parser.AtEnd
            ? [PackageLicense.FromExpression(string.Join(' ', tokens).Replace("( ", "(", StringComparison.Ordinal).Replace(" )", ")", StringComparison.Ordinal))]
            : [PackageLicense.FromName(text)];
    }

    /// <summary>Splits on white space and parentheses; <c>null</c> when a character no SPDX expression has appears.</summary>
    private static List<string>? Tokenize(string text)
    {
        var tokens = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            char c = i < text.Length ? text[i] : ' ';
            bool idChar = char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '+' or ':';
            if (idChar)
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start >= 0)
            {
                tokens.Add(text[start..i]);
                start = -1;
            }

            if (c is '(' or ')')
            {
                tokens.Add(c.ToString());
            }
            else if (!char.IsWhiteSpace(c))
            {
                return null;
            }
        }

        return tokens.Count == 0 ? null : tokens;
    }

    /// <summary>SPDX 2.3 annex D: <c>or := and ("OR" and)*; and := with ("AND" with)*; with := simple ["WITH" exception] | "(" or ")"</c>.</summary>
    private sealed class Parser(List<string> tokens, bool requireListedIds)
    {
        private int _position;

        public bool AtEnd => _position == tokens.Count;

        public bool ParseExpression()
        {
            if (!ParseAnd())
            {
                return false;
            }

            while (Accept("OR"))
            {
                if (!ParseAnd())
                {
                    return false;
                }
            }

            return true;
        }

        private bool ParseAnd()
        {
            if (!ParseWith())
            {
                return false;
            }

            while (Accept("AND"))
            {
                if (!ParseWith())
                {
                    return false;
                }
            }

            return true;
        }

        private bool ParseWith()
        {
            if (Accept("("))
            {
                return ParseExpression() && Accept(")");
            }

            if (!ParseSimple(allowPlus: true))
            {
                return false;
            }

            return !Accept("WITH") || ParseSimple(allowPlus: false);
        }

        private bool ParseSimple(bool allowPlus)
        {
            if (AtEnd || tokens[_position] is "(" or ")" or "AND" or "OR" or "WITH")
            {
                return false;
            }

            string token = tokens[_position++];
            if (token.StartsWith("LicenseRef-", StringComparison.Ordinal) || token.StartsWith("DocumentRef-", StringComparison.Ordinal))
            {
                return token.Length > "LicenseRef-".Length && !token.EndsWith('+');
            }

            string id = allowPlus && token.EndsWith('+') ? token[..^1] : token;
            bool wellFormed = id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
            return wellFormed && (!requireListedIds || SpdxLicenseList.Ids.Contains(id));
        }

        private bool Accept(string token)
        {
            if (!AtEnd && string.Equals(tokens[_position], token, StringComparison.Ordinal))
            {
                _position++;
                return true;
            }

            return false;
        }
    }
}

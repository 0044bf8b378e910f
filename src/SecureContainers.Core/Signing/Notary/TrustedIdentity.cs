using System.Security.Cryptography.X509Certificates;

namespace SecureContainers.Core.Signing.Notary;

/// <summary>
/// Notation's trusted identities: <c>*</c>, or <c>x509.subject: C=US, ST=WA, O=...</c>, which matches a leaf whose
/// subject has every listed attribute with the same value (the leaf may have more).
/// </summary>
internal static class TrustedIdentity
{
    private const string SubjectPrefix = "x509.subject:";

    private static readonly Dictionary<string, string> ShortNames = new()
    {
        ["2.5.4.3"] = "CN", ["2.5.4.6"] = "C", ["2.5.4.7"] = "L", ["2.5.4.8"] = "ST", ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU", ["2.5.4.5"] = "SERIALNUMBER", ["1.2.840.113549.1.9.1"] = "E",
    };

    /// <summary>
    /// The specification's constraints on a policy's identities: <c>*</c> alone, or <c>x509.subject:</c> DNs that each
    /// name C, ST and O and of which none is a subset of another (a certificate would match both).
    /// </summary>
    public static void Validate(string policy, IReadOnlyList<string> identities, Func<string, Exception> bad)
    {
        if (identities.Any(i => i.Trim() == "*"))
        {
            if (identities.Count > 1)
            {
                throw bad($"trust policy '{policy}' lists \"*\" with other trusted identities; \"*\" must be alone");
            }

            return;
        }

        var parsed = new List<Dictionary<string, string>>();
        foreach (string identity in identities)
        {
            if (!identity.StartsWith(SubjectPrefix, StringComparison.Ordinal) || ParseDn(identity[SubjectPrefix.Length..]) is not { Count: > 0 } dn)
            {
                throw bad($"trust policy '{policy}' has trusted identity '{identity}'; the form is 'x509.subject: C=..., ST=..., O=...[, CN=...]' or \"*\"");
            }

            if (!dn.ContainsKey("C") || !dn.ContainsKey("ST") || !dn.ContainsKey("O"))
            {
                throw bad($"trusted identity '{identity}' of trust policy '{policy}' lacks C, ST or O, which the Notary Project requires in every identity");
            }

            if (parsed.FirstOrDefault(other => IsSubset(other, dn) || IsSubset(dn, other)) is { } overlap)
            {
                throw bad($"trusted identity '{identity}' of trust policy '{policy}' overlaps another one (a certificate could match both)");
            }

            parsed.Add(dn);
        }
    }

    private static bool IsSubset(Dictionary<string, string> small, Dictionary<string, string> large) =>
        small.All(kv => large.TryGetValue(kv.Key, out string? v) && v == kv.Value);

    public static bool Matches(IReadOnlyList<string> identities, X509Certificate2 leaf)
    {
        Dictionary<string, string>? subject = null;
        foreach (string identity in identities)
        {
            if (identity.Trim() == "*")
            {
                return true;
            }

            if (!identity.StartsWith(SubjectPrefix, StringComparison.Ordinal)
                || ParseDn(identity[SubjectPrefix.Length..]) is not { Count: > 0 } wanted)
            {
                continue;
            }

            subject ??= LeafAttributes(leaf);
            if (wanted.All(w => subject.TryGetValue(w.Key, out string? v) && v == w.Value))
            {
                return true;
            }
        }

        return false;
    }

    private static Dictionary<string, string> LeafAttributes(X509Certificate2 leaf)
    {
        var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (X500RelativeDistinguishedName rdn in leaf.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements && ShortNames.TryGetValue(rdn.GetSingleElementType().Value ?? "", out string? name)
                && rdn.GetSingleElementValue() is { } value)
            {
                attributes[name] = value;
            }
        }

        return attributes;
    }

    // "C=US, ST=WA, O=wabbit-networks.io": ',' separates attributes, '\' escapes a literal ',' or '='.
    private static Dictionary<string, string>? ParseDn(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var part = new System.Text.StringBuilder();
        var parts = new List<string>();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                part.Append(text[++i]);
            }
            else if (text[i] == ',')
            {
                parts.Add(part.ToString());
                part.Clear();
            }
            else
            {
                part.Append(text[i] == '=' ? '\u0000' : text[i]);
            }
        }

        parts.Add(part.ToString());
        foreach (string p in parts)
        {
            int eq = p.IndexOf('\u0000');
            if (eq <= 0)
            {
                return null;
            }

            string key = p[..eq].Trim();
            if (key == "S")
            {
                key = "ST";
            }

            if (!result.TryAdd(key, p[(eq + 1)..].Trim().Replace('\u0000', '=')))
            {
                return null;
            }
        }

        return result;
    }
}

namespace SecureContainers.Core.Vulnerabilities.Osv;

/// <summary>
/// SemVer 2.0.0 precedence (https://semver.org/#spec-item-11) for OSV's <c>SEMVER</c> ranges: major, minor and patch as
/// numbers, a pre-release below its release, pre-release identifiers numeric-before-text, build metadata ignored. A
/// leading <c>v</c> is accepted, as OSV's own matcher does.
/// </summary>
public static class SemanticVersion
{
    public static bool TryCompare(string left, string right, out int result)
    {
        result = 0;
        if (!TryParse(left, out ulong[]? a, out string[]? aPre) || !TryParse(right, out ulong[]? b, out string[]? bPre))
        {
            return false;
        }

        for (int i = 0; i < 3; i++)
        {
            if (a[i] != b[i])
            {
                result = a[i] < b[i] ? -1 : 1;
                return true;
            }
        }

        if (aPre.Length == 0 || bPre.Length == 0)
        {
            result = aPre.Length == bPre.Length ? 0 : aPre.Length == 0 ? 1 : -1;
            return true;
        }

        for (int i = 0; i < Math.Min(aPre.Length, bPre.Length); i++)
        {
            bool aNum = ulong.TryParse(aPre[i], out ulong an) && aPre[i].All(char.IsAsciiDigit);
            bool bNum = ulong.TryParse(bPre[i], out ulong bn) && bPre[i].All(char.IsAsciiDigit);
            int c = (aNum, bNum) switch
            {
                (true, true) => an.CompareTo(bn),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(aPre[i], bPre[i]),
            };
            if (c != 0)
            {
                result = Math.Sign(c);
                return true;
            }
        }

        result = aPre.Length.CompareTo(bPre.Length);
        return true;
    }

    private static bool TryParse(string value, out ulong[] core, out string[] pre)
    {
        core = [0, 0, 0];
        pre = [];
        string v = value.StartsWith('v') ? value[1..] : value;
        int plus = v.IndexOf('+');
        if (plus >= 0)
        {
            v = v[..plus];
        }

        int dash = v.IndexOf('-');
        if (dash >= 0)
        {
            pre = v[(dash + 1)..].Split('.');
            v = v[..dash];
            if (pre.Any(p => p.Length == 0))
            {
                return false;
            }
        }

        string[] parts = v.Split('.');
        if (parts.Length is 0 or > 3)
        {
            return false;
        }

        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length == 0 || !parts[i].All(char.IsAsciiDigit) || !ulong.TryParse(parts[i], out core[i]))
            {
                return false;
            }
        }

        return true;
    }
}

using System.Globalization;

namespace SecureContainers.Core.Vulnerabilities.Osv;

/// <summary>
/// The CVSS v3.0/v3.1 base score of a vector (<c>CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H</c>), computed with the
/// formulas of the specification (https://www.first.org/cvss/v3.1/specification-document, section 7.1 and Appendix A).
/// OSV records carry the vector, not the score, so the score is ours to compute.
/// </summary>
public static class CvssV3
{
    private static readonly HashSet<string> TemporalAndEnvironmental =
        ["E", "RL", "RC", "CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA"];

    /// <summary>The base score (0.0–10.0), or false when the vector is not a complete, well-formed v3 vector.</summary>
    public static bool TryBaseScore(string? vector, out double score)
    {
        score = 0;
        if (vector is null)
        {
            return false;
        }

        bool v30 = vector.StartsWith("CVSS:3.0/", StringComparison.Ordinal);
        if (!v30 && !vector.StartsWith("CVSS:3.1/", StringComparison.Ordinal))
        {
            return false;
        }

        Dictionary<string, char> metrics = new(StringComparer.Ordinal);
        foreach (string part in vector[9..].Split('/'))
        {
            int colon = part.IndexOf(':');
            if (colon <= 0 || colon != part.Length - 2)
            {
                if (colon > 0 && TemporalAndEnvironmental.Contains(part[..colon]))
                {
                    continue;
                }

                return false;
            }

            string key = part[..colon];
            if (TemporalAndEnvironmental.Contains(key))
            {
                continue;
            }

            if (!metrics.TryAdd(key, part[^1]))
            {
                return false;
            }
        }

        if (metrics.Count != 8 ||
            !TryWeight(metrics, "S", s => s switch { 'U' => 0, 'C' => 1, _ => double.NaN }, out double scopeChanged) ||
            !TryWeight(metrics, "AV", v => v switch { 'N' => 0.85, 'A' => 0.62, 'L' => 0.55, 'P' => 0.2, _ => double.NaN }, out double av) ||
            !TryWeight(metrics, "AC", v => v switch { 'L' => 0.77, 'H' => 0.44, _ => double.NaN }, out double ac) ||
            !TryWeight(metrics, "PR", v => v switch
            {
                'N' => 0.85,
                'L' => scopeChanged == 1 ? 0.68 : 0.62,
                'H' => scopeChanged == 1 ? 0.5 : 0.27,
                _ => double.NaN,
            }, out double pr) ||
            !TryWeight(metrics, "UI", v => v switch { 'N' => 0.85, 'R' => 0.62, _ => double.NaN }, out double ui) ||
            !TryWeight(metrics, "C", Cia, out double c) ||
            !TryWeight(metrics, "I", Cia, out double i) ||
            !TryWeight(metrics, "A", Cia, out double a))
        {
            return false;
        }

        bool changed = scopeChanged == 1;
        double iss = 1 - ((1 - c) * (1 - i) * (1 - a));
        double impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        double exploitability = 8.22 * av * ac * pr * ui;
        if (impact <= 0)
        {
            score = 0;
            return true;
        }

        double raw = changed ? Math.Min(1.08 * (impact + exploitability), 10) : Math.Min(impact + exploitability, 10);
        score = v30 ? RoundUp30(raw) : RoundUp31(raw);
        return true;
    }

    /// <summary>The severity band of a score (specification section 5): 9.0+ critical, 7.0+ high, 4.0+ medium, else low.</summary>
    public static VulnerabilitySeverity Band(double score) => score switch
    {
        >= 9.0 => VulnerabilitySeverity.Critical,
        >= 7.0 => VulnerabilitySeverity.High,
        >= 4.0 => VulnerabilitySeverity.Moderate,
        _ => VulnerabilitySeverity.Low,
    };

    public static string Format(double score) => score.ToString("0.0", CultureInfo.InvariantCulture);

    private static double Cia(char v) => v switch { 'H' => 0.56, 'L' => 0.22, 'N' => 0, _ => double.NaN };

    private static bool TryWeight(Dictionary<string, char> metrics, string key, Func<char, double> weight, out double value)
    {
        value = metrics.TryGetValue(key, out char v) ? weight(v) : double.NaN;
        return !double.IsNaN(value);
    }

    /// <summary>v3.1 Appendix A: Roundup on integers, so 4.000000001 stays 4.0 where a float ceiling gives 4.1.</summary>
    private static double RoundUp31(double value)
    {
        long scaled = (long)Math.Round(value * 100000, MidpointRounding.AwayFromZero);
        return scaled % 10000 == 0 ? scaled / 100000.0 : (Math.Floor(scaled / 10000.0) + 1) / 10.0;
    }

    /// <summary>v3.0's round up: the smallest one-decimal number at or above the value.</summary>
    private static double RoundUp30(double value) => Math.Ceiling(value * 10) / 10;
}

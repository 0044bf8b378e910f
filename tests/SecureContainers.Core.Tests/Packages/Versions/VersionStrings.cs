using System.Text;

namespace SecureContainers.Core.Tests.Packages.Versions;

/// <summary>
/// Seeded generators of version strings that hit the corners of the orderings: leading zeros, long digit runs,
/// <c>~</c> and <c>^</c>, separators, epochs (some invalid), hyphens, case, a non-ASCII letter. Pairs are either
/// unrelated or one small edit apart, because the interesting decisions are between versions that nearly agree.
/// </summary>
internal static class VersionStrings
{
    private static readonly string[] Atoms =
    [
        "0", "1", "2", "9", "00", "01", "10", "010", "123", "99999999999999999999", "20240101",
        "a", "b", "z", "A", "Z", "rc", "beta", "dfsg", "git", "p", "el9", "ubuntu",
        ".", ".", ".", "~", "~", "^", "+", "-", "_", ":", "é",
    ];

    /// <summary>A random string made of <see cref="Atoms"/>, optionally behind an epoch, never empty.</summary>
    public static string Next(Random random)
    {
        var text = new StringBuilder();
        int epoch = random.Next(10);
        if (epoch == 0)
        {
            text.Append(random.Next(4) switch { 0 => "0", 1 => "1", 2 => "01", _ => "12" }).Append(':');
        }
        else if (epoch == 1 && random.Next(8) == 0)
        {
            text.Append(random.Next(3) switch { 0 => "", 1 => "x", _ => "2147483648" }).Append(':');
        }

        // Most versions start with a digit, as real ones do; the rest probe what each parser does with the others.
        text.Append(random.Next(6) == 0 ? Atoms[random.Next(Atoms.Length)] : Atoms[random.Next(11)]);
        int length = random.Next(5);
        for (int i = 0; i < length; i++)
        {
            text.Append(Atoms[random.Next(Atoms.Length)]);
        }

        return text.ToString();
    }

    /// <summary><paramref name="version"/> after one small edit: a character inserted, removed or replaced, a zero or tilde added.</summary>
    public static string Mutate(Random random, string version)
    {
        string atom = Atoms[random.Next(Atoms.Length)];
        int at = random.Next(version.Length + 1);
        string result = random.Next(6) switch
        {
            0 => version.Insert(at, atom),
            1 when at < version.Length => version.Remove(at, 1),
            2 when at < version.Length => version.Remove(at, 1).Insert(at, atom[..1]),
            3 => version + (random.Next(2) == 0 ? "~" : "^"),
            4 when at < version.Length && char.IsAsciiDigit(version[at]) => version.Insert(at, "0"),
            _ => version + atom,
        };
        return result.Length == 0 ? version : result;
    }

    /// <summary>Pairs: a third unrelated, the rest one edit apart, each a few times in both orders and with itself.</summary>
    public static List<(string Left, string Right)> Pairs(int seed, int count, Func<string, bool>? keep = null)
    {
        var random = new Random(seed);
        var pairs = new List<(string, string)>(count);
        while (pairs.Count < count)
        {
            string left = Next(random);
            string right = random.Next(3) switch
            {
                0 => Next(random),
                1 => Mutate(random, left),
                _ => Mutate(random, Mutate(random, left)),
            };
            if (keep is not null && (!keep(left) || !keep(right)))
            {
                continue;
            }

            pairs.Add(random.Next(20) == 0 ? (left, left) : random.Next(2) == 0 ? (left, right) : (right, left));
        }

        return pairs;
    }
}

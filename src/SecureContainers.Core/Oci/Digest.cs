using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SecureContainers.Core.Oci;

/// <summary>
/// An OCI content digest (<c>sha256:&lt;64 hex&gt;</c> or <c>sha512:&lt;128 hex&gt;</c>). Validated before it is ever
/// put into a URL or a file path, so a hostile manifest cannot smuggle <c>../</c> or query strings through it.
/// </summary>
public readonly partial record struct Digest
{
    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    public string Algorithm { get; }

    public string Hex { get; }

    public override string ToString() => $"{Algorithm}:{Hex}";

    public static bool TryParse(string? value, out Digest digest)
    {
        digest = default;
        if (value is null)
        {
            return false;
        }

        Match m = Pattern().Match(value);
        if (!m.Success)
        {
            return false;
        }

        digest = new Digest(m.Groups[1].Value, m.Groups[2].Value);
        return true;
    }

    public static Digest Parse(string value) =>
        TryParse(value, out Digest d) ? d : throw new FormatException($"'{Truncate(value)}' is not a valid sha256 or sha512 digest.");

    public static Digest Sha256(ReadOnlySpan<byte> content) => new("sha256", Convert.ToHexStringLower(SHA256.HashData(content)));

    public IncrementalHash CreateHash() => IncrementalHash.CreateHash(Algorithm == "sha512" ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);

    public bool Matches(ReadOnlySpan<byte> content)
    {
        using IncrementalHash h = CreateHash();
        h.AppendData(content);
        return Convert.ToHexStringLower(h.GetHashAndReset()) == Hex;
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";

    // Lowercase hex only, as the OCI spec requires for sha256/sha512; the look-behinds tie each length to its algorithm.
    [GeneratedRegex("^(sha256|sha512):((?<=sha256:)[a-f0-9]{64}|(?<=sha512:)[a-f0-9]{128})\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

using System.Security.Cryptography;

namespace SecureContainers.Core.Signing.Keys;

/// <summary>
/// PBKDF2 results kept for a short while in this process. At keygen's 600,000 iterations a derivation costs about 0.2 s,
/// and one publish derives the same key three times (the check started early, the check, the signing step). Keeping the
/// derived key adds no exposure: whoever can read this process's memory can read the password in its environment.
/// Entries expire after <see cref="Lifetime"/>, are zeroed when dropped, and the table holds at most
/// <see cref="Capacity"/> (when full, the entry closest to expiring makes room); callers get their own copy, which they may zero.
/// </summary>
internal static class Pbkdf2Memo
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    public const int Capacity = 16;

    private static readonly object Gate = new();
    private static readonly Dictionary<string, (byte[] Key, long ExpiresAt)> Entries = new(StringComparer.Ordinal);
    [ThreadStatic]
    private static int _derivationsOnThisThread;

    /// <summary>
    /// Derivations actually computed on the calling thread (tests: per thread, so that other tests deriving keys at the same
    /// time do not count).
    /// </summary>
    internal static int DerivationsOnThisThread => _derivationsOnThisThread;

    public static byte[] Derive(ReadOnlySpan<byte> password, byte[] salt, int iterations, HashAlgorithmName prf, int length)
    {
        string id = Id(password, salt, iterations, prf, length);
        long now = Environment.TickCount64;
        lock (Gate)
        {
            Prune(now);
            if (Entries.TryGetValue(id, out (byte[] Key, long ExpiresAt) kept))
            {
                return (byte[])kept.Key.Clone();
            }
        }

        byte[] key = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, prf, length);
        _derivationsOnThisThread++;
        lock (Gate)
        {
            if (!Entries.ContainsKey(id))
            {
                // Full: the entry closest to expiring makes room, so the key just derived is there for the build's next step.
                if (Entries.Count >= Capacity)
                {
                    Drop(Entries.MinBy(e => e.Value.ExpiresAt).Key);
                }

                Entries[id] = ((byte[])key.Clone(), now + (long)Lifetime.TotalMilliseconds);
            }
        }

        return key;
    }

    /// <summary>Names an entry by a hash of everything the derivation depends on; the password itself is not kept.</summary>
    private static string Id(ReadOnlySpan<byte> password, byte[] salt, int iterations, HashAlgorithmName prf, int length)
    {
        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[4];
        hash.AppendData(BitConverter.TryWriteBytes(number, password.Length) ? number : []);
        hash.AppendData(password);
        hash.AppendData(salt);
        hash.AppendData(BitConverter.TryWriteBytes(number, iterations) ? number : []);
        hash.AppendData(BitConverter.TryWriteBytes(number, length) ? number : []);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(prf.Name ?? ""));
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void Prune(long now)
    {
        foreach (string id in Entries.Where(e => e.Value.ExpiresAt <= now).Select(e => e.Key).ToArray())
        {
            Drop(id);
        }
    }

    private static void Drop(string id)
    {
        CryptographicOperations.ZeroMemory(Entries[id].Key);
        Entries.Remove(id);
    }
}

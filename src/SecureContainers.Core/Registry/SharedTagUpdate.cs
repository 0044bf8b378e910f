using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Adds entries to a list document other clients also write under the same tag (the referrers index
/// <c>sha256-&lt;hex&gt;</c>, cosign's <c>.sig</c>/<c>.att</c> manifests), so that concurrent writers converge instead of
/// silently dropping each other's entries.
/// </summary>
/// <remarks>
/// Distribution 2.8 has no conditional writes (no <c>If-Match</c>): every writer reads, appends and overwrites the whole
/// document, and the last write wins. So the loop remembers every entry it has ever seen at the tag plus its own, writes,
/// reads the tag back, and when any remembered entry is missing (ours, or one of another writer's that a third writer
/// clobbered) it writes the union again after a short jittered backoff. Each writer keeps doing so until a read shows all
/// it knows of, so after the last writer's final check every entry seen by anyone is present. A writer that keeps removing
/// entries ends the loop after <see cref="MaxWrites"/> writes with SC3117 naming what is missing. Entries are never removed
/// here, so an entry deleted on purpose by another tool while we write may come back.
/// </remarks>
internal sealed class SharedTagUpdate(RegistryManifests manifests, Func<TimeSpan, CancellationToken, Task> delay)
{
    /// <summary>Writes of the merged document before giving up on a writer that keeps dropping entries.</summary>
    public const int MaxWrites = 8;

    /// <summary>Backoff before the second write; it doubles each round up to <see cref="MaxBackoff"/> (at most ~1.4 s in all).</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(20);

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(200);

    private const string ReadBack = " back after writing it (the registry accepted the write)";
    private const string ReadToUpdate = " to update it";

    /// <param name="parse">The document at the tag (null when the tag does not exist yet), or SC3115 when it cannot be extended.</param>
    /// <param name="ours">Given the first read, the entries to add (the caller leaves out those it counts as already there).</param>
    /// <param name="same">Whether two entries are one: the key of the union.</param>
    /// <param name="write">Writes the document, shaped like the one read (null: none), with exactly the given entries.</param>
    /// <returns>The digest of the document at the tag once a read shows every entry.</returns>
    public async Task<Digest> ConvergeAsync(string registry, string repository, string tag,
        Func<FetchedManifest?, SharedDocument> parse,
        Func<SharedDocument, IEnumerable<Descriptor>> ours,
        Func<Descriptor, Descriptor, bool> same,
        Func<FetchedManifest?, SharedDocument, IReadOnlyList<(Descriptor Parsed, string? Raw)>, Task> write,
        CancellationToken ct)
    {
        FetchedManifest? current = await manifests.TryGetForPushAsync(registry, repository, tag, ReadToUpdate, ct).ConfigureAwait(false);
        SharedDocument document = parse(current);
        List<(Descriptor Parsed, string? Raw)> known = new();
        Remember(known, document, same);
        foreach (Descriptor added in ours(document))
        {
            if (!known.Any(k => same(k.Parsed, added)))
            {
                known.Add((added, null));
            }
        }

        for (int writes = 0; ; writes++)
        {
            List<(Descriptor Parsed, string? Raw)> missing = known.Where(k => !document.Entries.Any(e => same(e.Parsed, k.Parsed))).ToList();
            if (missing.Count == 0 && current is not null)
            {
                return current.Digest;
            }

            if (writes == MaxWrites)
            {
                throw new SecureContainerException(RegistryDiagnostics.TagUpdateConflict.Create(registry, repository, tag, writes,
                    string.Join(", ", missing.Select(m => m.Parsed.Digest.ToString()).Distinct(StringComparer.Ordinal))));
            }

            if (writes > 0)
            {
                // The read-back showed a loss: let the other writer finish, then start again from what the tag holds now.
                await delay(Backoff(writes), ct).ConfigureAwait(false);
                current = await manifests.TryGetForPushAsync(registry, repository, tag, ReadToUpdate, ct).ConfigureAwait(false);
                document = parse(current);
                Remember(known, document, same);
                missing = known.Where(k => !document.Entries.Any(e => same(e.Parsed, k.Parsed))).ToList();
                if (missing.Count == 0 && current is not null)
                {
                    return current.Digest;
                }
            }

            // Foreign entries first, in the order the tag holds them, then what it lost: the union, each entry once.
            await write(current, document, [.. document.Entries.Select(e => (e.Parsed, (string?)e.Raw)), .. missing]).ConfigureAwait(false);
            current = await manifests.TryGetForPushAsync(registry, repository, tag, ReadBack, ct).ConfigureAwait(false);
            document = parse(current);
            Remember(known, document, same);
        }
    }

    /// <summary>Full jitter between half and all of an exponential step, so writers that collided do not collide again.</summary>
    public static TimeSpan Backoff(int round)
    {
        double step = Math.Min(MaxBackoff.TotalMilliseconds, FirstBackoff.TotalMilliseconds * Math.Pow(2, round - 1));
        return TimeSpan.FromMilliseconds(step / 2 + (Random.Shared.NextDouble() * step / 2));
    }

    private static void Remember(List<(Descriptor Parsed, string? Raw)> known, SharedDocument document, Func<Descriptor, Descriptor, bool> same)
    {
        foreach ((Descriptor parsed, string raw) in document.Entries)
        {
            if (!known.Any(k => same(k.Parsed, parsed)))
            {
                known.Add((parsed, raw));
            }
        }
    }
}

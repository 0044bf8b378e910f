using System.Diagnostics;
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
/// clobbered) it writes the union again after a short jittered backoff. A read showing everything is confirmed by one more
/// read after a settling pause (see <see cref="Settle"/>), which catches a writer that read before our write and wrote
/// after our read-back. A writer that keeps removing entries ends the loop after <see cref="MaxWrites"/> writes with SC3117
/// naming what is missing. This narrows the race to writers slower than the pause; without conditional writes nothing
/// closes it. Entries are never removed here, so an entry deleted on purpose by another tool meanwhile may come back.
/// </remarks>
internal sealed class SharedTagUpdate(RegistryManifests manifests, Func<TimeSpan, CancellationToken, Task> delay)
{
    /// <summary>Writes of the merged document before giving up on a writer that keeps dropping entries.</summary>
    public const int MaxWrites = 8;

    /// <summary>Backoff before the second write; it doubles each round up to <see cref="MaxBackoff"/> (under 1 s in all).</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(20);

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan MinSettle = TimeSpan.FromMilliseconds(50);

    public static readonly TimeSpan MaxSettle = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Attempts of one read of the tag that fails with a server error, and of writes the registry refuses, before the
    /// failure is reported: Distribution gives both while writers race (see <c>ReadAsync</c> and the write's catch).
    /// </summary>
    public const int ReadAttempts = 3;

    private const string ReadBack = " back after writing it (the registry accepted the write)";
    private const string ReadToUpdate = " to update it";

    /// <param name="parse">The document at the tag (null when the tag does not exist yet), or SC3115 when it cannot be extended.</param>
    /// <param name="ours">Given the first read, the entries to add (the caller leaves out those it counts as already there).</param>
    /// <param name="same">Whether two entries are one: the key of the union.</param>
    /// <param name="write">Writes the document, shaped like the one read (null: none), with exactly the given entries.</param>
    /// <returns>The digest of the document at the tag once two reads, a settling pause apart, show every entry.</returns>
    public async Task<Digest> ConvergeAsync(string registry, string repository, string tag,
        Func<FetchedManifest?, SharedDocument> parse,
        Func<SharedDocument, IEnumerable<Descriptor>> ours,
        Func<Descriptor, Descriptor, bool> same,
        Func<FetchedManifest?, SharedDocument, IReadOnlyList<(Descriptor Parsed, string? Raw)>, Task> write,
        CancellationToken ct)
    {
        List<(Descriptor Parsed, string? Raw)> known = new();
        FetchedManifest? current = null;
        SharedDocument document = null!;
        TimeSpan lastRead = TimeSpan.Zero;

        // Read now, not earlier beside the caller's uploads: a write built on an older read overwrites, unseen, whatever
        // another writer added since, and the read-to-write time below is what the settling pause is measured on.
        await ReadAsync(ReadToUpdate).ConfigureAwait(false);

        foreach (Descriptor added in ours(document))
        {
            if (!known.Any(k => same(k.Parsed, added)))
            {
                known.Add((added, null));
            }
        }

        if (Missing().Count == 0 && current is not null)
        {
            return current.Digest;
        }

        TimeSpan window = TimeSpan.Zero;
        int rejections = 0;
        for (int writes = 1; ; writes++)
        {
            // Foreign entries first, in the order the tag holds them, then what it lost: the union, each entry once.
            long writeStarted = Stopwatch.GetTimestamp();
            try
            {
                await write(current, document, [.. document.Entries.Select(e => (e.Parsed, (string?)e.Raw)), .. Missing()]).ConfigureAwait(false);
            }
            catch (SecureContainerException ex) when (ex.Diagnostic.Code == RegistryDiagnostics.ManifestRejected.Code && ++rejections < ReadAttempts)
            {
                // Distribution rewrites a blob's link in place when the same blob (the cosign config writers share) is
                // pushed again, and a manifest PUT checking it meanwhile is refused with DIGEST_INVALID. The push sends
                // such a PUT again itself; a refusal that outlasts it is met here by reading the tag again (the other
                // writer may have moved it). A registry that really refuses the manifest refuses it again, and that
                // answer is reported.
                await delay(Backoff(writes), ct).ConfigureAwait(false);
                await ReadAsync(ReadToUpdate).ConfigureAwait(false);
                continue;
            }

            // A writer that read the tag before our write and writes it after our check drops our entries unseen by anyone.
            // Its read-to-write takes about what ours took (a read and a write), so the check waits for twice that after
            // our write: the read that confirms it is the first one after the pause.
            long written = Stopwatch.GetTimestamp();
            window = Max(window, lastRead + Stopwatch.GetElapsedTime(writeStarted, written));
            await ReadAsync(ReadBack).ConfigureAwait(false);
            if (Missing().Count == 0 && current is not null)
            {
                TimeSpan rest = Settle(window) - Stopwatch.GetElapsedTime(written);
                if (rest > TimeSpan.Zero)
                {
                    await delay(rest, ct).ConfigureAwait(false);
                }

                await ReadAsync(ReadBack).ConfigureAwait(false);
                if (Missing().Count == 0 && current is not null)
                {
                    return current.Digest;
                }
            }

            if (writes == MaxWrites)
            {
                throw new SecureContainerException(RegistryDiagnostics.TagUpdateConflict.Create(registry, repository, tag, writes,
                    string.Join(", ", Missing().Select(m => m.Parsed.Digest.ToString()).Distinct(StringComparer.Ordinal))));
            }

            // The tag lost entries: let the other writer finish, then start again from what the tag holds now.
            await delay(Backoff(writes), ct).ConfigureAwait(false);
            await ReadAsync(ReadToUpdate).ConfigureAwait(false);
        }

        List<(Descriptor Parsed, string? Raw)> Missing() => known.Where(k => !document.Entries.Any(e => same(e.Parsed, k.Parsed))).ToList();

        // Reads the tag into current/document and remembers every entry in it.
        async Task ReadAsync(string purpose)
        {
            TagRead read = await ReadTagAsync(registry, repository, tag, purpose, ct).ConfigureAwait(false);
            (current, lastRead) = (read.Document, read.Took);
            Remember();
        }

        // Parses what the last read found and remembers every entry in it.
        void Remember()
        {
            document = parse(current);
            foreach ((Descriptor parsed, string raw) in document.Entries)
            {
                if (!known.Any(k => same(k.Parsed, parsed)))
                {
                    known.Add((parsed, raw));
                }
            }
        }
    }

    /// <summary>
    /// Reads the tag as the update's first read does (retrying a server error while writers race), for a caller that
    /// prepares an update while its uploads run; the update itself reads the tag again.
    /// </summary>
    public Task<TagRead> ReadFirstAsync(string registry, string repository, string tag, CancellationToken ct) =>
        ReadTagAsync(registry, repository, tag, ReadToUpdate, ct);

    /// <summary>
    /// Distribution's filesystem driver rewrites a tag's link file in place, so a read racing another writer's push can get a
    /// 500 ("invalid checksum digest format"): such a failure is retried a few times before it is reported as the read
    /// failing (SC3118). Took is the successful request's own time: what a writer's read costs.
    /// </summary>
    private async Task<TagRead> ReadTagAsync(string registry, string repository, string tag, string purpose, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            long started = Stopwatch.GetTimestamp();
            try
            {
                FetchedManifest? found = await manifests.TryGetForPushAsync(registry, repository, tag, purpose, ct).ConfigureAwait(false);
                return new TagRead(found, Stopwatch.GetElapsedTime(started));
            }
            catch (SecureContainerException ex) when (ex.Diagnostic.Code == RegistryDiagnostics.TagReadFailed.Code && attempt < ReadAttempts)
            {
                await delay(Backoff(attempt), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The pause between our write and the read that confirms it: twice our own read and write, at least 50 ms, at most 2 s.</summary>
    public static TimeSpan Settle(TimeSpan readToWrite) =>
        TimeSpan.FromMilliseconds(Math.Clamp(2 * readToWrite.TotalMilliseconds, MinSettle.TotalMilliseconds, MaxSettle.TotalMilliseconds));

    /// <summary>Full jitter between half and all of an exponential step, so writers that collided do not collide again.</summary>
    public static TimeSpan Backoff(int round)
    {
        double step = Math.Min(MaxBackoff.TotalMilliseconds, FirstBackoff.TotalMilliseconds * Math.Pow(2, round - 1));
        return TimeSpan.FromMilliseconds(step / 2 + (Random.Shared.NextDouble() * step / 2));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>One read of a shared tag: the document (null when the tag does not exist) and how long the request took.</summary>
internal sealed record TagRead(FetchedManifest? Document, TimeSpan Took);

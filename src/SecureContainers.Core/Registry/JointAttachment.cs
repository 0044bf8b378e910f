using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Attaches to one subject by independent parts of one operation (a build's SBOM and its signature bundles), written to
/// the subject's referrers tag in one update. Each <see cref="Party"/> pushes its blobs and manifests as soon as it
/// attaches; the tag is updated once every party has attached or left, with the parties' entries in the parties' order
/// (not in the order they arrived), so the same build writes the same index however its uploads interleave. On a
/// registry without the referrers API each update of that tag waits out a settling pause (<see cref="SharedTagUpdate"/>):
/// one update for all parties is one pause.
/// </summary>
/// <remarks>
/// A party that will not attach (its part failed, or has nothing new) must leave, or the others wait for it: dispose each
/// party when its part ends. A failed update is the failure of every party in it: none of their entries is known to be in
/// the tag. A registry that indexes referrers itself needs no update, and its parties do not wait.
/// </remarks>
public sealed class JointAttachment
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _everyoneIn = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _updated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Each party's entries, at its seat's index; null until it attaches.</summary>
    private readonly IReadOnlyList<Descriptor>?[] _entries;
    /// <summary>Set by the first party to add entries, which is the one that makes the update.</summary>
    private (string Registry, string Repository, Digest Subject)? _target;
    private int _waitingFor;

    public JointAttachment(int parties)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        _waitingFor = parties;
        _entries = new IReadOnlyList<Descriptor>?[parties];
        Parties = Enumerable.Range(0, parties).Select(i => new Party(this, i)).ToArray();
    }

    public IReadOnlyList<Party> Parties { get; }

    /// <summary>One part's seat: attach through <see cref="RegistryClient.AttachArtifactsAsync"/> with it, once, or dispose it to leave.</summary>
    public sealed class Party : IDisposable
    {
        internal Party(JointAttachment joint, int seat) => (Joint, Seat) = (joint, seat);

        internal JointAttachment Joint { get; }

        internal int Seat { get; }

        internal bool Done { get; set; }

        /// <summary>Leaves, unless this party attached already; the others then update the tag without waiting for it.</summary>
        public void Dispose() => Joint.Leave(this);
    }

    /// <summary>
    /// Adds <paramref name="entries"/> (artifacts of <paramref name="party"/> already in the registry) to the joint update and
    /// returns when the tag holds them. The first party to add entries makes the update, once everyone is in, through
    /// <paramref name="update"/>; the others wait for its outcome.
    /// </summary>
    internal async Task AddAsync(Party party, (string Registry, string Repository, Digest Subject) target, IReadOnlyList<Descriptor> entries,
        Func<IReadOnlyList<Descriptor>, Task> update, CancellationToken ct)
    {
        bool updater;
        lock (_gate)
        {
            if (party.Done)
            {
                throw new InvalidOperationException("A party of a joint attachment attaches once.");
            }

            if (_target is { } known && known != target)
            {
                throw new ArgumentException($"The parties of a joint attachment attach to one subject: {known.Subject} in {known.Registry}/{known.Repository}, not {target.Subject} in {target.Registry}/{target.Repository}.");
            }

            updater = _target is null;
            _target = target;
            _entries[party.Seat] = entries;
            Arrived(party);
        }

        if (!updater)
        {
            await _updated.Task.WaitAsync(ct).ConfigureAwait(false);
            return;
        }

        try
        {
            await _everyoneIn.Task.WaitAsync(ct).ConfigureAwait(false);
            Descriptor[] all;
            lock (_gate)
            {
                all = _entries.SelectMany(e => e ?? []).ToArray();
            }

            await update(all).ConfigureAwait(false);
            _updated.TrySetResult();
        }
        catch (OperationCanceledException e)
        {
            _updated.TrySetCanceled(e.CancellationToken);
            throw;
        }
        catch (Exception e)
        {
            _updated.TrySetException(e);
            throw;
        }
    }

    private void Leave(Party party)
    {
        lock (_gate)
        {
            if (!party.Done)
            {
                Arrived(party);
            }
        }
    }

    private void Arrived(Party party)
    {
        party.Done = true;
        if (--_waitingFor == 0)
        {
            _everyoneIn.TrySetResult();
        }
    }
}

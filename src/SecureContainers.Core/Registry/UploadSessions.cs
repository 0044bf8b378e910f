using System.Collections.Concurrent;
using System.Diagnostics;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Blob upload sessions opened ahead of need, per registry and repository. The push probe opens one anyway (starting an
/// upload is how it asks whether we may push); kept instead of cancelled, it becomes the session of the evidence step's
/// first upload, which then costs one round trip (the PUT) instead of two. A session is used once, only within
/// <see cref="MaxAge"/>; one that is not used is cancelled when the client is disposed.
/// </summary>
internal sealed class UploadSessions
{
    /// <summary>Registries purge idle sessions (Distribution after days, others sooner); an older one is not tried.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(string Registry, string Repository), ConcurrentQueue<(Uri Location, long Opened)>> _open = new();

    public void Keep(string registry, string repository, Uri location) =>
        _open.GetOrAdd((registry, repository), _ => new()).Enqueue((location, Stopwatch.GetTimestamp()));

    /// <summary>A session opened for <paramref name="repository"/> within <see cref="MaxAge"/>, taken so no one else uses it.</summary>
    public bool TryTake(string registry, string repository, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? location)
    {
        if (_open.TryGetValue((registry, repository), out var queue))
        {
            while (queue.TryDequeue(out var session))
            {
                if (Stopwatch.GetElapsedTime(session.Opened) < MaxAge)
                {
                    location = session.Location;
                    return true;
                }

                // Past its age it may be gone; it holds no content, and the registry's purge removes it.
            }
        }

        location = null;
        return false;
    }

    /// <summary>Every session still open, removed from the pool (to be cancelled).</summary>
    public List<(string Registry, string Repository, Uri Location)> TakeAll()
    {
        List<(string, string, Uri)> all = new();
        foreach (((string registry, string repository), var queue) in _open)
        {
            while (queue.TryDequeue(out var session))
            {
                all.Add((registry, repository, session.Location));
            }
        }

        return all;
    }
}

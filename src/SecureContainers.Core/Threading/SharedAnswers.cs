using System.Collections.Concurrent;

namespace SecureContainers.Core.Threading;

/// <summary>
/// One answer per question for everyone who asks it at the same time or later: the first asker starts the work, the
/// others join it, finished or under way. An answer that should not be kept (inconclusive, a source that was down) and a
/// failure that should not be kept are forgotten once seen, so the next asker starts again; when the first asker gives up
/// (its cancellation stopped the work), an asker that still wants the answer starts it again.
/// </summary>
internal sealed class SharedAnswers<TKey, TValue>(IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _answers = new(comparer);

    /// <param name="ask">The work, run once for <paramref name="key"/> with the first asker's cancellation.</param>
    /// <param name="keep">Whether an answer stands for later askers.</param>
    /// <param name="keepFailure">Whether a failure stands for later askers (they get the same exception).</param>
    public async Task<TValue> GetAsync(TKey key, Func<CancellationToken, Task<TValue>> ask, Func<TValue, bool> keep, Func<Exception, bool> keepFailure, CancellationToken ct)
    {
        Lazy<Task<TValue>> answer = _answers.GetOrAdd(key, _ => new Lazy<Task<TValue>>(() => ask(ct)));
        TValue value;
        try
        {
            value = await answer.Value.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Forget();
            return await GetAsync(key, ask, keep, keepFailure, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && !keepFailure(e))
        {
            Forget();
            throw;
        }

        if (!keep(value))
        {
            Forget();
        }

        return value;

        void Forget() => _answers.TryRemove(new KeyValuePair<TKey, Lazy<Task<TValue>>>(key, answer));
    }
}

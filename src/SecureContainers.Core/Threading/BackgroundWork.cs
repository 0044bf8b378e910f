namespace SecureContainers.Core.Threading;

/// <summary>
/// Work run ahead of time on the thread pool for a later step that waits for it (<see cref="Completion"/>) and redoes
/// whatever it did not finish: it never faults, since a failure here fails again, and is reported, in that step. Disposing
/// cancels work nobody waited for (the build ended or failed first) and gives it a few seconds to let go.
/// </summary>
internal sealed class BackgroundWork : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();

    public BackgroundWork(Func<CancellationToken, Task> work)
    {
        CancellationToken ct = _cancellation.Token;
        Completion = Task.Run(async () =>
        {
            try
            {
                await work(ct).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The later step does this again and reports what goes wrong there.
            }
        }, CancellationToken.None);
    }

    /// <summary>Done, whatever the outcome. Never faults.</summary>
    public Task Completion { get; }

    public void Dispose()
    {
        _cancellation.Cancel();
        Completion.Wait(TimeSpan.FromSeconds(5));
        _cancellation.Dispose();
    }
}

using Microsoft.Build.Framework;
using SecureContainers.Build.Logging;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// Shared shell of every task: runs the async core call off MSBuild's thread, honours cancellation (Ctrl+C), and
/// turns a <see cref="SecureContainerException"/> into its coded error. Anything else is a bug and surfaces as one.
/// </summary>
public abstract class SecureContainerTask : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancellation = new();

    /// <summary>The project file, so that errors point at it in IDEs and CI annotations.</summary>
    public string? ProjectFile { get; set; }

    internal IDiagnosticSink Sink => new MSBuildDiagnosticSink(Log, ProjectFile);

    public void Cancel() => _cancellation.Cancel();

    public sealed override bool Execute()
    {
        try
        {
            System.Threading.Tasks.Task.Run(() => ExecuteAsync(_cancellation.Token)).GetAwaiter().GetResult();
        }
        catch (SecureContainerException e)
        {
            Sink.Report(e.Diagnostic);
        }
        catch (DigestMismatchException e)
        {
            // Blob streams verify at their end, so a mismatch surfaces from whoever read the last byte.
            Sink.Report(RegistryClient.ToDiagnostic(e));
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            Log.LogMessage(MessageImportance.High, "Canceled.");
        }

        return !Log.HasLoggedErrors;
    }

    protected abstract System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken);
}

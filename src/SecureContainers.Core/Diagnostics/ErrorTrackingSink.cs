namespace SecureContainers.Core.Diagnostics;

/// <summary>Passes every diagnostic on and remembers whether any was an error, so an operation decides once, at its end.</summary>
public sealed class ErrorTrackingSink(IDiagnosticSink inner) : IDiagnosticSink
{
    private int _errors;

    public bool HasErrors => Volatile.Read(ref _errors) > 0;

    public void Report(Diagnostic diagnostic)
    {
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            Interlocked.Increment(ref _errors);
        }

        inner.Report(diagnostic);
    }
}

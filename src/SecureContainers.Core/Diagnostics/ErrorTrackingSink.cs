namespace SecureContainers.Core.Diagnostics;

/// <summary>
/// Passes every diagnostic on and keeps the errors, so an operation decides once, at its end, and a parsed value (the
/// settings) can carry its own errors to whoever uses it.
/// </summary>
public sealed class ErrorTrackingSink(IDiagnosticSink inner) : IDiagnosticSink
{
    private readonly List<Diagnostic> _errors = new();
    private readonly object _gate = new();

    public bool HasErrors { get { lock (_gate) { return _errors.Count > 0; } } }

    public IReadOnlyList<Diagnostic> Errors { get { lock (_gate) { return _errors.ToArray(); } } }

    public void Report(Diagnostic diagnostic)
    {
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            lock (_gate) { _errors.Add(diagnostic); }
        }

        inner.Report(diagnostic);
    }
}

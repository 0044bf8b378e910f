namespace SecureContainers.Core.Diagnostics;

/// <summary>Where the core reports findings: MSBuild's log in the tasks, the console in the CLI, a list in tests.</summary>
public interface IDiagnosticSink
{
    void Report(Diagnostic diagnostic);
}

/// <summary>Collects diagnostics in memory; the tests and the CLI read them back.</summary>
public sealed class DiagnosticBag : IDiagnosticSink
{
    private readonly List<Diagnostic> _items = new();
    private readonly object _gate = new();

    public IReadOnlyList<Diagnostic> Items { get { lock (_gate) { return _items.ToArray(); } } }

    public bool HasErrors => Items.Any(d => d.Severity == DiagnosticSeverity.Error);

    public void Report(Diagnostic diagnostic)
    {
        lock (_gate) { _items.Add(diagnostic); }
    }

    /// <summary>Reports what was gathered here to <paramref name="sink"/>, in order: work done at the same time reports as if one after the other.</summary>
    public void ReplayTo(IDiagnosticSink sink)
    {
        foreach (Diagnostic d in Items)
        {
            sink.Report(d);
        }
    }
}

using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Threading;

namespace SecureContainers.Core.Operations;

/// <summary>
/// <see cref="ImageEvidence.RehearseAsync"/> on the thread pool, started when the check passed: while the SDK creates and
/// pushes the image (network and gzip on its side), the idle core compiles and warms the SBOM path, so the evidence step
/// after the push costs little more than its requests. The evidence step waits for it; it never fails anything.
/// </summary>
public sealed class EvidenceRehearsal : IDisposable
{
    private readonly BackgroundWork _run;

    private EvidenceRehearsal(RegistryClient registry, ImageEvidenceRequest request) =>
        _run = new BackgroundWork(ct => new ImageEvidence(registry, new DiagnosticBag()).RehearseAsync(request, ct));

    /// <summary>Done, whatever its outcome. Never faults.</summary>
    public Task Completion => _run.Completion;

    public static EvidenceRehearsal Start(RegistryClient registry, ImageEvidenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(request);
        return new EvidenceRehearsal(registry, request);
    }

    /// <summary>Stops a rehearsal nobody waited for (the build ended or failed first).</summary>
    public void Dispose() => _run.Dispose();
}

using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Secrets;
using SecureContainers.Core.Threading;

namespace SecureContainers.Core.Operations;

/// <summary>
/// The pre-push check run ahead of time, from the facts known when the build starts, while the SDK still compiles and
/// publishes on the other core. Its findings are dropped: the check proper reports every finding from the build's final
/// facts. What it leaves behind is what makes that check quick: compiled code, the registry client's connection, token
/// and manifests (by digest), the layer scan cache, the push probe's answer and the advisory download (through the
/// <see cref="Vulnerabilities.MemoizedVulnerabilitySource"/> both share); and for the evidence step, whether the target
/// registry has the referrers API. It never reads the publish folder (the SDK is writing it; the content rules are
/// rehearsed on a sample instead),
/// writes no SARIF and detects no source control: it reads, and writes only the layer cache, like the check.
/// </summary>
public sealed class PrePushWarmup : IDisposable
{
    private readonly BackgroundWork _run;
    private readonly ImageReference? _baseImage;
    private Digest? _baseTagDigest;

    private PrePushWarmup(RegistryClient registry, PrePushRequest request)
    {
        PrePushRequest ahead = request with
        {
            Content = request.Content is { } content ? content with { PublishDirectory = null } : null,
            SarifFile = null,
            Source = null,
        };
        _baseImage = request.BaseImage;
        _run = new BackgroundWork(async ct =>
        {
            // The signing after the push lists the image's bundles: a registry known to lack the referrers API is then read
            // at its tag at once, a round trip fewer on that path; asking now costs the build nothing. Whatever fails here
            // fails again, and is reported, in the check.
            Task api = request.PushTarget is { } target && request.ListsReferrersAfterPush
                ? registry.ProbeReferrersApiAsync(target.Registry, target.Repository, ct)
                : Task.CompletedTask;
            // The publish folder is still being written, but the rules the check will run over its files can be compiled now.
            Task rules = request.Settings.Content.SecretScan
                ? Task.Run(ContentRulesRehearsal.Run, ct)
                : Task.CompletedTask;
            PrePushResult result = await new PrePushCheck(registry, new DiagnosticBag()).RunAsync(ahead, ct).ConfigureAwait(false);
            _baseTagDigest = result.Platforms.FirstOrDefault()?.BaseImage.ReferenceDigest;
            await api.ConfigureAwait(false);
            await rules.ConfigureAwait(false);
        });
    }

    /// <summary>Starts the check ahead of time; it runs on the thread pool until done or disposed.</summary>
    public static PrePushWarmup Start(RegistryClient registry, PrePushRequest request)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(request);
        return new PrePushWarmup(registry, request);
    }

    /// <summary>Done, whatever its outcome: the check proper waits for it so that it finds the caches filled rather than
    /// racing it for the same reads. Never faults.</summary>
    public Task Completion => _run.Completion;

    /// <summary>
    /// The digest the base's tag named when this run read it, for a check of the same <paramref name="baseImage"/> (the SDK
    /// may have settled on another base since): see <see cref="PrePushRequest.BaseTagDigest"/>. Null before the run is done,
    /// when it could not read the base, or for a base pinned by digest.
    /// </summary>
    public Digest? BaseDigestFor(ImageReference? baseImage) =>
        Completion.IsCompleted && baseImage is { Digest: null } && baseImage == _baseImage ? _baseTagDigest : null;

    /// <summary>Stops the run (the build ended or was cancelled before the check) and waits briefly for it to let go.</summary>
    public void Dispose() => _run.Dispose();
}

using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Operations;
using SecureContainers.Core.Policy;

namespace SecureContainers.Build.Tasks;

public sealed partial class CheckSecureContainer : ContainerImageTask
{
    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken)
    {
        SecureContainerSettings settings = ReadSettings(Sink);
        PrePushRequest request = CreateRequest(settings);
        if (request.Scope == CheckScope.Platform && BuildEngine4.GetRegisteredTaskObject(AllPlatformsKey(ProjectFile), RegisteredTaskObjectLifetime.Build) is PrePushResult outer)
        {
            // The outer build of this multi-RID publish looked the packages up once for every platform.
            request = request with { KnownAdvisories = outer.Advisories };
        }

        if (BuildEngine4.GetRegisteredTaskObject(StartSecureContainerCheck.WarmupKey(ProjectFile), RegisteredTaskObjectLifetime.Build) is PrePushWarmup warmup)
        {
            // Started when the publish began; what it fetched and compiled is what this check would otherwise wait for.
            await warmup.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            request = request with { BaseTagDigest = warmup.BaseDigestFor(request.BaseImage) };
        }

        PrePushResult result = await new PrePushCheck(SharedRegistry(), Sink).RunAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (PlatformGateResult platform in result.Platforms.Where(p => p.Contents is not null))
        {
            Sink.Report(OperationDiagnostics.BaseImageRead.Create(ContainerGate.Pinned(platform), platform.Platform, BaseImageSummary.Describe(platform.Contents!)));
        }

        CheckHandle = Guid.NewGuid().ToString("N");
        BuildEngine4.RegisterTaskObject(ResultKey(CheckHandle), result, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: true);
        if (request.Scope == CheckScope.AllPlatforms)
        {
            BuildEngine4.RegisterTaskObject(AllPlatformsKey(ProjectFile), result, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: true);
        }

        if (App is not null && result.Passed && request.Scope != CheckScope.AllPlatforms)
        {
            // The SDK now creates and pushes the image; meanwhile the idle core rehearses the SBOM the evidence step writes.
            BuildEngine4.RegisterTaskObject(RehearsalKey(CheckHandle), EvidenceRehearsal.Start(SharedRegistry(), CreateEvidenceRequest(settings, result, App, RuntimePacks)),
                RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        }

        SourceRepositoryUrl = settings.GenerateSourceLabels ? result.Source?.RepositoryUrl : null;
        SourceCommit = settings.GenerateSourceLabels ? result.Source?.Commit : null;
        Sarif = result.SarifFile is { } sarif ? new TaskItem(sarif) : null;
    }

    internal static string ResultKey(string handle) => $"SecureContainers.PrePushResult|{handle}";

    internal static string RehearsalKey(string handle) => $"SecureContainers.EvidenceRehearsal|{handle}";

    private static string AllPlatformsKey(string? projectFile) => $"SecureContainers.PrePushResult.AllPlatforms|{projectFile}";
}

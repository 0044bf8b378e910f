using Microsoft.Build.Framework;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Operations;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// Starts the pre-push check ahead of time (<see cref="PrePushWarmup"/>) when a publish begins, from the facts the
/// project states before the SDK computes the rest: <c>ContainerBaseImage</c> as written (in the image item's
/// <c>BaseImage</c>), the registry, repository and RID. It returns at once; <see cref="CheckSecureContainer"/> waits for
/// it and then checks everything from the final facts. It reports nothing: a malformed setting or an unreadable base is
/// the check's to report, in its place.
/// </summary>
public sealed class StartSecureContainerCheck : ContainerImageTask
{
    protected override System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken)
    {
        DiagnosticBag quiet = new();
        SecureContainerSettings settings = ReadSettings(quiet);
        if (settings.Errors.Count > 0 || BuildEngine4.GetRegisteredTaskObject(WarmupKey(ProjectFile), RegisteredTaskObjectLifetime.Build) is not null)
        {
            return System.Threading.Tasks.Task.CompletedTask;
        }

        PrePushRequest request = CreateRequest(settings) with { BaseImage = EarlyBaseImage() };
        // MSBuild disposes it when the build ends, which stops a run nobody waited for.
        BuildEngine4.RegisterTaskObject(WarmupKey(ProjectFile), PrePushWarmup.Start(SharedRegistry(), request), RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        return System.Threading.Tasks.Task.CompletedTask;
    }

    internal static string WarmupKey(string? projectFile) => $"SecureContainers.PrePushWarmup|{projectFile}";

    /// <summary>The base as the project names it; none when it leaves the choice to the SDK or names it in a way we cannot read.</summary>
    private ImageReference? EarlyBaseImage()
    {
        try
        {
            return Fact("BaseImage") is { } reference ? ImageReference.Parse(reference) : null;
        }
        catch (SecureContainerException)
        {
            return null;
        }
    }
}

using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Operations;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Build.Tasks;

public sealed partial class WriteContainerEvidence : ContainerImageTask
{
    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken)
    {
        // The check already reported any problem with the settings; parse them quietly here.
        SecureContainerSettings settings = ReadSettings(new DiagnosticBag());
        PrePushResult? checkedResult = NullIfEmpty(CheckHandle) is { } handle
            ? BuildEngine4.GetRegisteredTaskObject(CheckSecureContainer.ResultKey(handle), RegisteredTaskObjectLifetime.Build) as PrePushResult
            : null;
        // Another node (or a task host) ran the check: repeat it quietly; the layer cache makes that cheap.
        checkedResult ??= await new PrePushCheck(SharedRegistry(), new DiagnosticBag()).RunAsync(CreateRequest(settings), cancellationToken).ConfigureAwait(false);

        ImageEvidenceRequest request = CreateEvidenceRequest(settings, checkedResult, App, RuntimePacks) with
        {
            Digest = Digest.TryParse(GeneratedDigest, out Digest digest) ? digest : null,
            Configuration = NullIfEmpty(GeneratedConfiguration) is { } config ? Encoding.UTF8.GetBytes(config) : null,
            Manifest = NullIfEmpty(GeneratedManifest) is { } manifest ? Encoding.UTF8.GetBytes(manifest) : null,
        };
        if (NullIfEmpty(CheckHandle) is { } rehearsed && BuildEngine4.GetRegisteredTaskObject(CheckSecureContainer.RehearsalKey(rehearsed), RegisteredTaskObjectLifetime.Build) is EvidenceRehearsal rehearsal)
        {
            // The SBOM was rehearsed while the SDK pushed (see CheckSecureContainer); let it finish rather than compete with it.
            await rehearsal.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        ImageEvidenceResult result = await new ImageEvidence(SharedRegistry(), Sink).RunAsync(request, cancellationToken).ConfigureAwait(false);
        if (result.SbomFile is { } file)
        {
            TaskItem item = new(file);
            item.SetMetadata("ImageDigest", result.Digest?.ToString() ?? string.Empty);
            item.SetMetadata("RuntimeIdentifier", request.RuntimeIdentifier ?? string.Empty);
            Sbom = item;
        }

        SignedDigest = result.Signed is null ? null : result.Digest?.ToString();
    }
}

using Microsoft.Build.Framework;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Signing.Provenance;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Build.Tasks;

public sealed partial class AttachContainerSbom : SecureContainerTask
{
    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken)
    {
        Digest digest = Digest.Parse(ImageDigest);
        DateTimeOffset created = SbomTimestamp.Resolve(SourceDateEpoch, DateTimeOffset.UtcNow);
        byte[] sbom = await File.ReadAllBytesAsync(SbomFile, cancellationToken).ConfigureAwait(false);
        using RegistryClient client = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable, outputRegistry: Registry));
        try
        {
            Descriptor artifact = await SbomAttachment.AttachAsync(client, Registry, Repository, digest, sbom, Path.GetFileName(SbomFile), created, cancellationToken).ConfigureAwait(false);
            ArtifactDigest = artifact.Digest.ToString();
            Log.LogMessage(MessageImportance.High, "SecureContainers: SBOM attached to {0}/{1}@{2} as {3}", Registry, Repository, digest, artifact.Digest);
        }
        catch (SecureContainerException e)
        {
            // The SBOM file stays; only its copy in the registry is missing. Restricted makes that fatal.
            Sink.Report(SbomAttachmentDiagnostics.SbomNotAttached.Create(
                Required ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, $"{Registry}/{Repository}", digest, SbomFile, e.Diagnostic.ToString()));
        }
    }
}

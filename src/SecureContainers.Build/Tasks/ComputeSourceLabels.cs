using SecureContainers.Core.Signing;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Signing.Provenance;

namespace SecureContainers.Build.Tasks;

public sealed partial class ComputeSourceLabels : SecureContainerTask
{
    protected override System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken)
    {
        SourceInfo info = SourceControl.Detect(Directory, RepositoryUrl, Commit);
        SourceRepositoryUrl = info.RepositoryUrl;
        SourceCommit = info.Commit;
        return System.Threading.Tasks.Task.CompletedTask;
    }
}

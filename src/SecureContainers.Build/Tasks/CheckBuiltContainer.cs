using System.Text;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Policy;

namespace SecureContainers.Build.Tasks;

public sealed partial class CheckBuiltContainer : SecureContainerTask
{
    protected override System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken)
    {
        bool allowRoot = PropertyParser.ParseBoolean("SecureContainerAllowRoot", AllowRoot, defaultValue: false, Sink);
        ImageConfig config = ImageConfig.Parse(Encoding.UTF8.GetBytes(GeneratedConfiguration));
        BuiltImageCheck.CheckUser(TargetImage ?? "the image", GeneratedDigest ?? "unknown", config, ApprovedUser, allowRoot, Sink);
        BuiltImageCheck.CheckBaseImage(TargetImage ?? "the image", config, ApprovedBaseImageDigest, PinnedBaseImage, Sink);
        return System.Threading.Tasks.Task.CompletedTask;
    }
}

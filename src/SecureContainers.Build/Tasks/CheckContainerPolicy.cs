using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Policy;
using SecureContainers.Core.Registry;

namespace SecureContainers.Build.Tasks;

public sealed partial class CheckContainerPolicy : SecureContainerTask
{
    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken)
    {
        PropertyParser.ParseBoolean("SecureContainerEnabled", Enabled, defaultValue: true, Sink);
        bool allowRoot = PropertyParser.ParseBoolean("SecureContainerAllowRoot", AllowRoot, defaultValue: false, Sink);
        if (Log.HasLoggedErrors)
        {
            return;
        }

        GateRequest request = new()
        {
            BaseImage = ImageReference.FromParts(BaseRegistry, BaseImageName, NullIfEmpty(BaseImageTag), NullIfEmpty(BaseImageDigest)),
            RuntimeIdentifiers = RuntimeIdentifiers.Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToArray(),
            TargetImage = string.IsNullOrEmpty(TargetImage) ? "the image" : TargetImage,
            ContainerUser = NullIfEmpty(ContainerUser),
            ProjectEnvironment = ContainerEnvironmentVariables.ToDictionary(i => i.ItemSpec, i => i.GetMetadata("Value"), StringComparer.Ordinal),
            UsesMicrosoftDefaultImage = UsesMicrosoftDefaultImage,
            AllowRoot = allowRoot,
        };

        using RegistryClient registry = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable, outputRegistry: NullIfEmpty(OutputRegistry)));
        LayerScanner scanner = new(LayerScanLimits.Default, new LayerScanCache(NullIfEmpty(CacheDirectory) ?? LayerScanCache.DefaultDirectory));
        IReadOnlyList<PlatformGateResult> results = await new ContainerGate(registry, scanner, Sink).RunAsync(request, cancellationToken).ConfigureAwait(false);

        GateResults = results.Select(r =>
        {
            TaskItem item = new(r.RuntimeIdentifier);
            item.SetMetadata("Platform", r.Platform.ToString());
            item.SetMetadata("BaseImage", r.BaseImage.Reference.ToString());
            item.SetMetadata("BaseImageName", $"{r.BaseImage.Reference.Registry}/{r.BaseImage.Reference.Repository}");
            item.SetMetadata("BaseImageDigest", r.BaseImage.ManifestDigest.ToString());
            item.SetMetadata("User", r.User.Value);
            return (ITaskItem)item;
        }).ToArray();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

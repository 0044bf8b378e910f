using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Signing.Provenance;
using SecureContainers.Core.Signing.Keys;
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
        PolicyOptions options = PolicyOptions.Resolve(
            Profile, AllowRoot, RequireBaseImageDigest, RequireMinimalBaseImage, RequireTrustedBaseImage, TrustMicrosoftBaseImages,
            TrustedBaseImages.Select(i => i.ItemSpec), Sink);
        LayerScanLimits limits = LayerScanLimits.Default with
        {
            MaxUncompressedBytesPerLayer = PropertyParser.ParsePositiveInteger("SecureContainerMaxLayerBytes", MaxLayerBytes, LayerScanLimits.Default.MaxUncompressedBytesPerLayer, Sink),
            MaxEntriesPerLayer = (int)Math.Min(int.MaxValue, PropertyParser.ParsePositiveInteger("SecureContainerMaxLayerEntries", MaxLayerEntries, LayerScanLimits.Default.MaxEntriesPerLayer, Sink)),
        };
        bool restricted = options.Profile == SecurityProfile.Restricted;
        bool requireSigning = PropertyParser.ParseBoolean("SecureContainerRequireSigning", RequireSigning, restricted, Sink);
        bool forbidLatest = PropertyParser.ParseBoolean("SecureContainerForbidLatestTag", ForbidLatestTag, restricted, Sink);
        string image = string.IsNullOrEmpty(TargetImage) ? "the image" : TargetImage;
        if (Log.HasLoggedErrors)
        {
            return;
        }

        // Offline checks first: a wrong key password or a latest-only release fails before any network access.
        SigningPolicy.CheckTags(ImageTags, forbidLatest, image, Sink);
        SigningPolicy.CheckKey(NullIfEmpty(SigningKey), NullIfEmpty(SigningKeyPasswordVariable), requireSigning, !string.IsNullOrEmpty(OutputRegistry), WarnUnsigned,
            options.Profile.ToString(), image, Environment.GetEnvironmentVariable, Sink);
        using VerificationKey? baseImageKey = NullIfEmpty(VerifyBaseImageKey) is { } keyPath ? VerificationKey.Load(keyPath) : null;
        if (Log.HasLoggedErrors)
        {
            return;
        }

        GateRequest request = new()
        {
            BaseImage = ImageReference.FromParts(BaseRegistry, BaseImageName, NullIfEmpty(BaseImageTag), NullIfEmpty(BaseImageDigest)),
            RuntimeIdentifiers = RuntimeIdentifiers.Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToArray(),
            TargetImage = image,
            ContainerUser = NullIfEmpty(ContainerUser),
            ProjectEnvironment = ContainerEnvironmentVariables.ToDictionary(i => i.ItemSpec, i => i.GetMetadata("Value"), StringComparer.Ordinal),
            UsesMicrosoftDefaultImage = UsesMicrosoftDefaultImage,
            Options = options,
            BaseImageKey = baseImageKey,
        };

        using RegistryClient registry = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable, outputRegistry: NullIfEmpty(OutputRegistry)));
        LayerScanner scanner = new(limits, new LayerScanCache(NullIfEmpty(CacheDirectory) ?? LayerScanCache.DefaultDirectory));
        IReadOnlyList<PlatformGateResult> results = await new ContainerGate(registry, scanner, Sink).RunAsync(request, cancellationToken).ConfigureAwait(false);

        foreach (PlatformGateResult r in results.Where(r => r.Contents is not null))
        {
            // The SBOM task, after the push, needs the same contents: hand them over in memory instead of re-reading.
            BuildEngine4.RegisterTaskObject(BaseContentsKey(Pinned(r), r.RuntimeIdentifier), r.Contents, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: true);
            Log.LogMessage(MessageImportance.High, "SecureContainers: base image {0} for {1}: {2}", Pinned(r), r.Platform, BaseImageSummary.Describe(r.Contents!));
        }

        GateResults = results.Select(r =>
        {
            TaskItem item = new(r.RuntimeIdentifier);
            item.SetMetadata("Platform", r.Platform.ToString());
            item.SetMetadata("BaseImage", r.BaseImage.Reference.ToString());
            item.SetMetadata("BaseImageName", $"{r.BaseImage.Reference.Registry}/{r.BaseImage.Reference.Repository}");
            item.SetMetadata("BaseImageDigest", r.BaseImage.ManifestDigest.ToString());
            item.SetMetadata("User", r.User.Value);
            item.SetMetadata("PinnedBaseImage", Pinned(r));
            item.SetMetadata("BasePorts", string.Join(";", r.BaseImage.Configuration.ExposedPorts));
            item.SetMetadata("RunsAsNonRoot", r.RunsAsNonRoot ? "true" : "false");
            return (ITaskItem)item;
        }).ToArray();
    }

    /// <summary>The reference to paste into ContainerBaseImage: the tag kept for readers, the digest for the content.</summary>
    private static string Pinned(PlatformGateResult r)
    {
        ImageReference reference = r.BaseImage.Reference;
        return $"{reference.Registry}/{reference.Repository}{(reference.Tag is null ? "" : ":" + reference.Tag)}@{r.BaseImage.ReferenceDigest}";
    }

    /// <summary>Content-addressed (pinned digest and platform), so any project of the build may share it.</summary>
    internal static string BaseContentsKey(string pinnedBaseImage, string runtimeIdentifier) =>
        $"SecureContainers.BaseImageContents|{pinnedBaseImage}|{runtimeIdentifier}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Policy;

/// <summary>
/// The pre-build gate: resolves the base image for each target platform (read-only, digest-verified), reads its
/// layers only when a rule needs them, and reports policy findings. It writes nothing anywhere, so a failed gate
/// leaves every registry and the disk as they were.
/// </summary>
public sealed class ContainerGate(RegistryClient registry, LayerScanner scanner, IDiagnosticSink sink)
{
    public async Task<IReadOnlyList<PlatformGateResult>> RunAsync(GateRequest request, CancellationToken cancellationToken)
    {
        List<PlatformGateResult> results = new();
        foreach (string rid in request.RuntimeIdentifiers)
        {
            Platform platform = Platform.FromRuntimeIdentifier(rid);
            ResolvedImage baseImage = await registry.ResolveAsync(request.BaseImage, platform, cancellationToken).ConfigureAwait(false);
            bool isWindows = string.Equals(baseImage.Configuration.Os, "windows", StringComparison.OrdinalIgnoreCase);

            string? containerUser = request.ContainerUser;
            if (string.IsNullOrEmpty(containerUser) && request.UsesMicrosoftDefaultImage && rid.StartsWith("win", StringComparison.Ordinal))
            {
                containerUser = "ContainerUser";
            }

            EffectiveUser user = EffectiveUser.Resolve(containerUser, baseImage.Configuration.Environment, request.ProjectEnvironment, baseImage.Configuration.User);

            Func<string, uint?>? lookupUid = null;
            if (NonRootPolicy.NeedsPasswd(user, isWindows))
            {
                ImageFileSystem fs = await scanner.ScanAsync(
                    baseImage.Layers.Select(l => new LayerRef(l.Digest, l.MediaType, l.Size)).ToArray(),
                    async (layer, ct) => await registry.OpenBlobAsync(baseImage.Reference.Registry, baseImage.Reference.Repository, new Descriptor(layer.MediaType, layer.Digest, layer.Size), ct).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
                ImageContentsReport contents = ImageContentsAnalyzer.Analyze(fs);
                if (contents.Users.Count > 0)
                {
                    lookupUid = name => contents.TryGetUid(name, out long uid) && uid is >= 0 and <= uint.MaxValue ? (uint)uid : null;
                }
            }

            string image = $"{request.TargetImage} ({platform}, base {baseImage.Reference.Registry}/{baseImage.Reference.Repository}@{baseImage.ManifestDigest})";
            foreach (Diagnostic d in NonRootPolicy.Evaluate(image, user, isWindows, lookupUid, request.AllowRoot))
            {
                sink.Report(d);
            }

            results.Add(new PlatformGateResult(rid, platform, baseImage, user));
        }

        return results;
    }
}

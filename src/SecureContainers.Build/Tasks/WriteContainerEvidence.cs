using System.Globalization;
using System.Reflection;
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
    private static readonly string ToolVersion =
        typeof(WriteContainerEvidence).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken cancellationToken)
    {
        // The check already reported any problem with the settings; parse them quietly here.
        SecureContainerSettings settings = ReadSettings(new DiagnosticBag());
        bool index = ParsedScope == CheckScope.AllPlatforms;
        PrePushResult? checkedResult = NullIfEmpty(CheckHandle) is { } handle
            ? BuildEngine4.GetRegisteredTaskObject(CheckSecureContainer.ResultKey(handle), RegisteredTaskObjectLifetime.Build) as PrePushResult
            : null;
        // Another node (or a task host) ran the check: repeat it quietly; the layer cache makes that cheap.
        checkedResult ??= await new PrePushCheck(SharedRegistry(), new DiagnosticBag()).RunAsync(CreateRequest(settings), cancellationToken).ConfigureAwait(false);

        ImageEvidenceRequest request = new()
        {
            Settings = settings,
            Scope = index ? EvidenceScope.Index : EvidenceScope.Image,
            Destination = Destination,
            Registry = Fact("Registry"),
            Repository = Fact("Repository") ?? "image",
            Digest = Digest.TryParse(GeneratedDigest, out Digest digest) ? digest : null,
            Tags = ImageTags,
            Configuration = NullIfEmpty(GeneratedConfiguration) is { } config ? Encoding.UTF8.GetBytes(config) : null,
            Manifest = NullIfEmpty(GeneratedManifest) is { } manifest ? Encoding.UTF8.GetBytes(manifest) : null,
            RuntimeIdentifier = index ? null : Fact("RuntimeIdentifier"),
            Checked = checkedResult,
            App = index || App is null ? null : new SbomApp
            {
                Name = App.GetMetadata("Name"),
                Version = NullIfEmpty(App.GetMetadata("Version")) ?? "0.0.0",
                TargetFramework = App.GetMetadata("TargetFramework"),
                RepositoryUrl = Fact("RepositoryUrl"),
                SelfContained = string.Equals(App.GetMetadata("SelfContained"), "true", StringComparison.OrdinalIgnoreCase),
                RuntimePacks = RuntimePacks.Select(p => new SbomRuntimePack(
                    p.GetMetadata("NuGetPackageId"), p.GetMetadata("NuGetPackageVersion"), p.GetMetadata("FrameworkName"), NullIfEmpty(p.GetMetadata("PackageDirectory")))).ToArray(),
            },
            SbomFile = NullIfEmpty(App?.GetMetadata("SbomFile")),
            Provenance = new ProvenanceRequest
            {
                Project = NullIfEmpty(App?.GetMetadata("Project")) ?? Path.GetFileName(ProjectFile ?? "project"),
                Configuration = NullIfEmpty(App?.GetMetadata("Configuration")),
                SdkVersion = NullIfEmpty(App?.GetMetadata("SdkVersion")),
                RuntimeIdentifiers = index ? RuntimeIdentifiers : [Fact("RuntimeIdentifier") ?? ""],
                StartedOn = DateTimeOffset.TryParse(App?.GetMetadata("StartedOn"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset started) ? started : null,
            },
            ToolVersion = ToolVersion,
        };

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

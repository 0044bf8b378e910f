using System.Globalization;
using System.Reflection;
using Microsoft.Build.Framework;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Operations;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Secrets;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Build.Tasks;

/// <summary>
/// What every task reads: the settings item (every <c>SecureContainer*</c> property, parsed in the core), the image
/// item (the SDK's computed container facts, or for the check started ahead of time the project's own) and the lists
/// the SDK keeps as items. All three map them into the same <see cref="PrePushRequest"/>, so the evidence step can repeat
/// the check when the build host could not hand its result over in memory; and they share the build's registry client,
/// layer scan cache and advisory download through MSBuild's registered task objects.
/// </summary>
public abstract class ContainerImageTask : SecureContainerTask
{
    private static readonly string ToolVersion =
        typeof(ContainerImageTask).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>One item whose metadata are the <c>SecureContainer*</c> properties by name (<see cref="SettingNames"/>).</summary>
    [Required]
    public ITaskItem Settings { get; set; } = null!;

    /// <summary>
    /// One item whose metadata are the SDK's facts about the image: <c>BaseRegistry</c>, <c>BaseName</c>, <c>BaseTag</c>,
    /// <c>BaseDigest</c>, <c>Registry</c>, <c>Repository</c>, <c>ArchiveOutputPath</c>, <c>ContainerUser</c>,
    /// <c>UsesMicrosoftDefaultImage</c>, <c>RuntimeIdentifier</c>, <c>PublishDirectory</c>, <c>AssetsFile</c>,
    /// <c>TargetFramework</c>, <c>AssetsRuntimeIdentifier</c>, <c>RestoreSources</c>, <c>RestoreConfigFile</c>, <c>RepositoryUrl</c>,
    /// <c>SourceRevisionId</c>, <c>SarifFile</c>.
    /// </summary>
    [Required]
    public ITaskItem Image { get; set; } = null!;

    /// <summary><c>Image</c>, <c>Platform</c> (an inner build of a multi-RID publish) or <c>AllPlatforms</c> (its outer build).</summary>
    [Required]
    public string Scope { get; set; } = nameof(CheckScope.Image);

    /// <summary>Every RID of a multi-RID publish (<c>AllPlatforms</c>); the image item's RID otherwise.</summary>
    public string[] RuntimeIdentifiers { get; set; } = [];

    public string[] ImageTags { get; set; } = [];

    public ITaskItem[] EnvironmentVariables { get; set; } = [];

    public ITaskItem[] Ports { get; set; } = [];

    public ITaskItem[] Labels { get; set; } = [];

    /// <summary>The configuration's Entrypoint as the SDK composes it, then its Cmd.</summary>
    public string[] Entrypoint { get; set; } = [];

    public string[] Cmd { get; set; } = [];

    public ITaskItem[] TrustedBaseImages { get; set; } = [];

    public ITaskItem[] SecretScanExclusions { get; set; } = [];

    public ITaskItem[] VulnerabilitySuppressions { get; set; } = [];

    public ITaskItem[] NuGetAuditSuppressions { get; set; } = [];

    protected CheckScope ParsedScope => Enum.Parse<CheckScope>(Scope, ignoreCase: false);

    protected string? Fact(string name) => NullIfEmpty(Image.GetMetadata(name));

    protected string ImageName => Fact("Registry") is { } registry ? $"{registry}/{Fact("Repository")}" : Fact("Repository") ?? "the image";

    protected ImageDestination Destination =>
        Fact("ArchiveOutputPath") is not null ? ImageDestination.Archive
        : Fact("Registry") is not null ? ImageDestination.Registry
        : ImageDestination.Daemon;

    protected SecureContainerSettings ReadSettings(IDiagnosticSink sink) => SettingsReader.Read(new RawSettings
    {
        Properties = SettingNames.All.ToDictionary(n => n, n => (string?)Settings.GetMetadata(n), StringComparer.OrdinalIgnoreCase),
        TrustedBaseImages = TrustedBaseImages.Select(Raw).ToArray(),
        SecretScanExclusions = SecretScanExclusions.Select(Raw).ToArray(),
        VulnerabilitySuppressions = VulnerabilitySuppressions.Select(Raw).ToArray(),
        NuGetAuditSuppressions = NuGetAuditSuppressions.Select(Raw).ToArray(),
    }, sink);

    protected PrePushRequest CreateRequest(SecureContainerSettings settings)
    {
        CheckScope scope = ParsedScope;
        bool scanConfiguration = scope != CheckScope.Platform;
        string? publishDirectory = scope == CheckScope.AllPlatforms ? null : Fact("PublishDirectory");
        string? rid = Fact("RuntimeIdentifier");
        return new PrePushRequest
        {
            Settings = settings,
            Scope = scope,
            Destination = Destination,
            BaseImage = Fact("BaseName") is { } name
                ? ImageReference.FromParts(Fact("BaseRegistry") ?? "", name, Fact("BaseTag"), Fact("BaseDigest"))
                : null,
            RuntimeIdentifiers = scope == CheckScope.AllPlatforms
                ? RuntimeIdentifiers.Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToArray()
                : rid is null ? [] : [rid],
            TargetImage = ImageName,
            PushTarget = Fact("Registry") is { } registry && Fact("Repository") is { } repository ? (registry, repository) : null,
            Tags = scope == CheckScope.Platform ? [] : ImageTags,
            ContainerUser = Fact("ContainerUser"),
            Environment = Map(EnvironmentVariables),
            UsesMicrosoftDefaultImage = string.Equals(Fact("UsesMicrosoftDefaultImage"), "true", StringComparison.OrdinalIgnoreCase),
            Content = new SecretScanInput
            {
                PublishDirectory = publishDirectory,
                EnvironmentVariables = scanConfiguration ? Map(EnvironmentVariables) : new Dictionary<string, string>(),
                Labels = scanConfiguration ? Map(Labels) : new Dictionary<string, string>(),
                Entrypoint = scanConfiguration ? Entrypoint : [],
                Cmd = scanConfiguration ? Cmd : [],
            },
            Ports = Ports.Select(p => $"{p.ItemSpec}/{NullIfEmpty(p.GetMetadata("Type")) ?? "tcp"}").ToArray(),
            Assets = Fact("AssetsFile") is { } assets && Fact("TargetFramework") is { } tfm
                ? new ProjectAssets(assets, tfm, scope == CheckScope.AllPlatforms
                    ? RuntimeIdentifiers.Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToArray()
                    : Fact("AssetsRuntimeIdentifier") is { } assetsRid ? [assetsRid] : [])
                : null,
            VulnerabilitySource = settings.Content.VulnerabilityCheck ? SharedVulnerabilitySource() : null,
            SarifFile = Fact("SarifFile"),
            LayerCache = SharedLayerCache(settings.CacheDirectory ?? LayerScanCache.DefaultDirectory),
            Source = settings.GenerateSourceLabels || settings.Signing.KeyPath is not null
                ? new SourceRequest(Path.GetDirectoryName(ProjectFile) ?? Directory.GetCurrentDirectory(), Fact("RepositoryUrl"), Fact("SourceRevisionId"))
                : null,
        };
    }

    /// <summary>One registry client for the whole build: one authentication, one manifest cache, shared by every task.</summary>
    protected RegistryClient SharedRegistry() =>
        PerBuild($"SecureContainers.RegistryClient|{Fact("Registry")}",
            () => new RegistryClient(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable, outputRegistry: Fact("Registry"))),
            allowEarlyCollection: false);

    /// <summary>
    /// The object registered under <paramref name="key"/> for this build, made and registered by the first task that asks.
    /// MSBuild disposes registered <see cref="IDisposable"/> objects when the build ends; one that may be collected early
    /// is only a cache.
    /// </summary>
    private T PerBuild<T>(string key, Func<T> create, bool allowEarlyCollection)
        where T : class
    {
        if (BuildEngine4.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is T shared)
        {
            return shared;
        }

        T made = create();
        BuildEngine4.RegisterTaskObject(key, made, RegisteredTaskObjectLifetime.Build, allowEarlyCollection);
        return made;
    }

    /// <summary>
    /// The evidence request both the evidence step and the check's rehearsal of it build: everything but what only the
    /// SDK's push tells (digest, configuration, manifest).
    /// </summary>
    protected ImageEvidenceRequest CreateEvidenceRequest(SecureContainerSettings settings, PrePushResult checkedResult, ITaskItem? app, ITaskItem[] runtimePacks)
    {
        bool index = ParsedScope == CheckScope.AllPlatforms;
        return new ImageEvidenceRequest
        {
            Settings = settings,
            Scope = index ? EvidenceScope.Index : EvidenceScope.Image,
            Destination = Destination,
            Registry = Fact("Registry"),
            Repository = Fact("Repository") ?? "image",
            Tags = ImageTags,
            RuntimeIdentifier = index ? null : Fact("RuntimeIdentifier"),
            Checked = checkedResult,
            App = index || app is null ? null : new SbomApp
            {
                Name = app.GetMetadata("Name"),
                Version = NullIfEmpty(app.GetMetadata("Version")) ?? "0.0.0",
                TargetFramework = app.GetMetadata("TargetFramework"),
                RepositoryUrl = Fact("RepositoryUrl"),
                SelfContained = string.Equals(app.GetMetadata("SelfContained"), "true", StringComparison.OrdinalIgnoreCase),
                RuntimePacks = runtimePacks.Select(p => new SbomRuntimePack(
                    p.GetMetadata("NuGetPackageId"), p.GetMetadata("NuGetPackageVersion"), p.GetMetadata("FrameworkName"), NullIfEmpty(p.GetMetadata("PackageDirectory")))).ToArray(),
            },
            SbomFile = NullIfEmpty(app?.GetMetadata("SbomFile")),
            Provenance = new ProvenanceRequest
            {
                Project = NullIfEmpty(app?.GetMetadata("Project")) ?? Path.GetFileName(ProjectFile ?? "project"),
                Configuration = NullIfEmpty(app?.GetMetadata("Configuration")),
                SdkVersion = NullIfEmpty(app?.GetMetadata("SdkVersion")),
                RuntimeIdentifiers = index ? RuntimeIdentifiers : [Fact("RuntimeIdentifier") ?? ""],
                StartedOn = DateTimeOffset.TryParse(app?.GetMetadata("StartedOn"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset started) ? started : null,
            },
            ToolVersion = ToolVersion,
        };
    }

    /// <summary>One layer scan cache per build and folder: each entry is parsed once, whichever step reads it first.</summary>
    private LayerScanCache SharedLayerCache(string directory) =>
        PerBuild($"SecureContainers.LayerScanCache|{Path.GetFullPath(directory)}", () => new LayerScanCache(directory), allowEarlyCollection: true);

    /// <summary>
    /// One advisory download per build for the project's audit sources: the check run ahead of time, the check and the
    /// evidence step's quiet re-run share it.
    /// </summary>
    private MemoizedVulnerabilitySource SharedVulnerabilitySource()
    {
        string directory = Path.GetDirectoryName(ProjectFile) ?? Directory.GetCurrentDirectory();
        return PerBuild($"SecureContainers.Advisories|{directory}|{Fact("RestoreSources")}|{Fact("RestoreConfigFile")}",
            () => new MemoizedVulnerabilitySource(new NuGetAudit.NuGetVulnerabilitySource(directory, Fact("RestoreSources")?.Split(';', StringSplitOptions.RemoveEmptyEntries), Fact("RestoreConfigFile"))),
            allowEarlyCollection: false);
    }

    protected static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>
    /// The item's own metadata. Read by key: MSBuild's items enumerate their metadata as key-value pairs, Utilities'
    /// TaskItem as dictionary entries, so only the keys are the same everywhere.
    /// </summary>
    private static RawItem Raw(ITaskItem item)
    {
        System.Collections.IDictionary custom = item.CloneCustomMetadata();
        return new(item.ItemSpec, custom.Keys.Cast<object>().Select(k => (string)k)
            .ToDictionary(k => k, item.GetMetadata, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Name → value; the last item of a name wins, as in the SDK.</summary>
    private static Dictionary<string, string> Map(ITaskItem[] items) =>
        items.GroupBy(i => i.ItemSpec, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().GetMetadata("Value"), StringComparer.Ordinal);
}

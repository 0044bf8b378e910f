using System.Reflection;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.NuGet;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Policy;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Sarif;
using SecureContainers.Core.Secrets;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Keyless;
using SecureContainers.Core.Signing.Keys;
using SecureContainers.Core.Signing.Provenance;
using SecureContainers.Core.Vulnerabilities;
using SecureContainers.Core.Vulnerabilities.Osv;

namespace SecureContainers.Core.Operations;

/// <summary>
/// The one pre-push operation, called the same way by the MSBuild task and the CLI. It evaluates every rule (signing
/// readiness and tags, restore results, base trust, signature and pinning, minimal base, user, secrets, ports,
/// advisories), reports every finding, and only then decides: <see cref="PrePushResult.Passed"/>. A step whose input
/// cannot be read at all reports why and the others still run. It writes nothing anywhere but the layer cache and the
/// SARIF report, so a refused build leaves every registry as it was.
/// </summary>
public sealed class PrePushCheck(RegistryClient registry, IDiagnosticSink sink)
{
    private static readonly string ToolVersion =
        typeof(PrePushCheck).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public async Task<PrePushResult> RunAsync(PrePushRequest request, CancellationToken cancellationToken)
    {
        ErrorTrackingSink errors = new(sink);
        SecureContainerSettings settings = request.Settings;
        bool wholeBuild = request.Scope != CheckScope.Platform;

        // The source labels' repository and commit may take two git processes: found on the thread pool meanwhile.
        Task<SourceInfo?> source = (settings.GenerateSourceLabels || settings.Signing.KeyPath is not null) && request.Source is { } s
            ? Task.Run(async () => (SourceInfo?)await SourceControl.DetectAsync(s.Directory, s.RepositoryUrl, s.Commit, cancellationToken).ConfigureAwait(false), cancellationToken)
            : Task.FromResult<SourceInfo?>(null);

        // Offline first: nothing here needs the network, and all of it is reported whatever the base turns out to be.
        if (wholeBuild)
        {
            CheckSigningReadiness(request, errors);
        }

        // The publish folder's walk needs nothing the other rules wait for: it runs on the idle core while they do.
        Task<SecretScanResult>? secretScan = settings.Content.SecretScan && request.Content is { } published
            ? Task.Run(() => SecretScanner.Scan(published, settings.Content.SecretOptions, cancellationToken), cancellationToken)
            : null;

        // The push probe, the base image and the advisory lookup wait on different servers: they run at the same time
        // (against a remote registry each round trip saved is paid in full). Findings still reach the sink in the order of
        // a sequential run: the probe's, then the restore results' and the base's, then the content's.
        DiagnosticBag probeFindings = new();
        Task probe = wholeBuild ? ProbePushAsync(request, probeFindings, cancellationToken) : Task.CompletedTask;
        DiagnosticBag baseFindings = new();
        Dictionary<string, NuGetRuntimeClosure> closures = ReadClosures(request, baseFindings);
        IReadOnlyList<NuGetLibrary>? libraries = Libraries(request, closures);
        IReadOnlyList<NotShippedLibrary> notShipped = NotShipped(closures);
        PrefetchedVulnerabilitySource? advisorySource = PrefetchAdvisories(request, libraries, notShipped, cancellationToken);
        DiagnosticBag databaseFindings = new();
        Task<OsvDatabase?> database = LoadDatabaseAsync(request, databaseFindings, cancellationToken);
        IReadOnlyList<PlatformGateResult> platforms;
        try
        {
            platforms = await CheckBaseImageAsync(request, baseFindings, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await probe.ConfigureAwait(false);
            probeFindings.ReplayTo(errors);
            baseFindings.ReplayTo(errors);
        }

        VulnerabilityReport? advisories;
        try
        {
            OsvDatabase? osv = await database.ConfigureAwait(false);
            databaseFindings.ReplayTo(errors);
            advisories = await CheckContentAsync(request with { VulnerabilitySource = advisorySource ?? request.VulnerabilitySource }, platforms, libraries, notShipped, osv, secretScan, errors, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            advisorySource?.Forget();
        }

        return new PrePushResult
        {
            // A malformed setting fails the check even when the front end reported it to another sink.
            Passed = !errors.HasErrors && settings.Errors.Count == 0,
            Platforms = platforms,
            Closures = closures,
            Advisories = advisories,
            Source = await source.ConfigureAwait(false),
            SarifFile = request.SarifFile is { } sarif && File.Exists(sarif) ? sarif : null,
        };
    }

    private static void CheckSigningReadiness(PrePushRequest request, IDiagnosticSink sink)
    {
        SigningSettings signing = request.Settings.Signing;
        bool toRegistry = request.Destination == ImageDestination.Registry;
        SigningPolicy.CheckTags(request.Tags, signing.ForbidLatestOnly, request.TargetImage, sink);
        if (signing.Mode == SigningMethod.Keyless)
        {
            if (!toRegistry)
            {
                sink.Report(KeylessDiagnostics.KeylessNotForDestination.Create(request.TargetImage, request.Destination == ImageDestination.Archive ? "an archive (ContainerArchiveOutputPath)" : "the local daemon"));
            }

            SigningPolicy.CheckKeyless(signing.KeyPath, toRegistry, request.GetEnvironmentVariable, sink);
            return;
        }

        if (signing.KeyPath is not null && !toRegistry)
        {
            // Signatures live next to the image in a registry; an archive or a daemon has nowhere to keep them.
            sink.Report(SigningPolicyDiagnostics.KeyNotUsedForDestination.Create(request.TargetImage, request.Destination == ImageDestination.Archive ? "an archive (ContainerArchiveOutputPath)" : "the local daemon"));
        }

        Report(sink, () => SigningPolicy.CheckKey(signing.KeyPath, signing.PasswordVariable, signing.Required, toRegistry,
            request.Settings.Policy.Profile.ToString(), request.TargetImage, request.GetEnvironmentVariable, sink));
    }

    /// <summary>
    /// Evidence (SBOM artifact, signatures) is written after the SDK pushed the image, with the same push credentials; a
    /// repository that refuses them would leave the image pushed without it. Starting an upload asks the registry the same
    /// question for free, before anything exists; the session becomes the evidence step's first upload.
    /// Only a denial is conclusive: any other answer is left for the push itself to report.
    /// </summary>
    private async Task ProbePushAsync(PrePushRequest request, IDiagnosticSink sink, CancellationToken ct)
    {
        if (!request.WritesEvidence || request.PushTarget is not { } target)
        {
            return;
        }

        try
        {
            await registry.ProbePushAsync(target.Registry, target.Repository, ct).ConfigureAwait(false);
        }
        catch (SecureContainerException e) when (e.Diagnostic.Code == RegistryDiagnostics.PushDenied.Code)
        {
            sink.Report(e.Diagnostic);
        }
        catch (SecureContainerException)
        {
            // Unreachable or failing: the SDK's push meets the same registry and says so in its own words.
        }
    }

    /// <summary>Restore results for every RID, read before the push so that SC5001–SC5004 never follow it.</summary>
    private static Dictionary<string, NuGetRuntimeClosure> ReadClosures(PrePushRequest request, IDiagnosticSink sink)
    {
        Dictionary<string, NuGetRuntimeClosure> closures = new(StringComparer.Ordinal);
        SecureContainerSettings settings = request.Settings;
        if (request.Assets is not { } assets || !(settings.Sbom.Enabled || settings.Content.VulnerabilityCheck))
        {
            return closures;
        }

        IEnumerable<string> rids = assets.RuntimeIdentifiers.Count == 0 ? [""] : assets.RuntimeIdentifiers;
        foreach (string rid in rids.Distinct(StringComparer.Ordinal))
        {
            Report(sink, () => closures[rid] = ProjectAssetsReader.Read(assets.AssetsFile, assets.TargetFramework, rid.Length == 0 ? null : rid, sink));
        }

        return closures;
    }

    private async Task<IReadOnlyList<PlatformGateResult>> CheckBaseImageAsync(PrePushRequest request, IDiagnosticSink sink, CancellationToken ct)
    {
        if (request.BaseImage is not { } baseImage)
        {
            return [];
        }

        SecureContainerSettings settings = request.Settings;
        using VerificationKey? baseKey = Report(sink, () => settings.Signing.VerifyBaseImageKeyPath is { } path ? VerificationKey.Load(path) : null);
        if (settings.Signing.VerifyBaseImageKeyPath is not null && baseKey is null)
        {
            // The key to prove the base could not be loaded (reported): reading the base's layers would trust unproven content.
            return [];
        }

        Signing.Trust.TrustedRoot? baseRoot = Report(sink, () => settings.Signing.VerifyBaseImageTrustedRootPath is { } rootPath ? Signing.Trust.TrustedRoot.Load(rootPath) : null);
        if (settings.Signing.VerifyBaseImageTrustedRootPath is not null && baseRoot is null)
        {
            // Same rule as the key: without the trust anchor (reported), the base's content stays unread.
            return [];
        }

        IReadOnlyList<Signing.Notary.NotaryTrustPolicy>? notaryPolicies = Report(sink, () => NotaryPolicies(settings.Signing));
        if (notaryPolicies is null)
        {
            // The trust policy (reported) cannot say whose signature the base needs: its content stays unread.
            return [];
        }

        GateRequest gate = new()
        {
            BaseImage = baseImage,
            BaseTagDigest = request.BaseTagDigest,
            RuntimeIdentifiers = request.RuntimeIdentifiers,
            TargetImage = request.TargetImage,
            ContainerUser = request.ContainerUser,
            UserIsFinal = request.UserIsFinal,
            ProjectEnvironment = request.Environment,
            UsesMicrosoftDefaultImage = request.UsesMicrosoftDefaultImage,
            Options = settings.Policy,
            BaseImageKey = baseKey,
            BaseImageIdentity = settings.Signing.VerifyBaseImageIdentity,
            BaseImageTrustedRoot = baseRoot,
            NotaryPolicies = notaryPolicies,
            Clock = request.Clock,
        };
        LayerScanner scanner = new(settings.LayerLimits, request.LayerCache ?? new LayerScanCache(settings.CacheDirectory ?? LayerScanCache.DefaultDirectory));
        try
        {
            return await new ContainerGate(registry, scanner, sink).RunAsync(gate, ct).ConfigureAwait(false);
        }
        catch (SecureContainerException e)
        {
            // The base cannot be read (unreachable, missing, hostile): say so and go on with the rules that do not need it.
            sink.Report(e.Diagnostic);
            return [];
        }
        catch (DigestMismatchException e)
        {
            sink.Report(RegistryClient.ToDiagnostic(e));
            return [];
        }
    }

    /// <summary>The user's Notary trust policies (SecureContainerNotaryTrustPolicy) joined with Microsoft's built-in one.</summary>
    private static IReadOnlyList<Signing.Notary.NotaryTrustPolicy> NotaryPolicies(SigningSettings signing)
    {
        IReadOnlyList<Signing.Notary.NotaryTrustPolicy> user = signing.NotaryTrustPolicyPath is { } path
            ? Signing.Notary.NotaryTrustPolicyDocument.Load(path, signing.NotaryTrustStorePath, SettingNames.NotaryTrustPolicy, SettingNames.NotaryTrustStore)
            : signing.NotaryTrustStorePath is { } store
                ? throw new SecureContainerException(Signing.Notary.NotaryDiagnostics.TrustStoreInvalid.Create(store,
                    $"{SettingNames.NotaryTrustStore} is set without {SettingNames.NotaryTrustPolicy}, so no policy says which of its roots to trust for which base", SettingNames.NotaryTrustStore))
                : [];
        return Signing.Notary.MicrosoftNotaryTrust.With(user);
    }

    /// <summary>The shipped packages of every RID, each package version once: what the advisory lookup is about.</summary>
    private static IReadOnlyList<NuGetLibrary>? Libraries(PrePushRequest request, IReadOnlyDictionary<string, NuGetRuntimeClosure> closures) =>
        request.Assets is null
            ? request.Libraries
            : closures.Values.SelectMany(c => c.Libraries).GroupBy(l => (l.Id.ToLowerInvariant(), l.Version.ToLowerInvariant())).Select(g => g.First()).ToArray();

    /// <summary>The runtime-graph packages no RID ships (superseded by the shared framework), each package version once.</summary>
    private static IReadOnlyList<NotShippedLibrary> NotShipped(IReadOnlyDictionary<string, NuGetRuntimeClosure> closures) =>
        closures.Values.SelectMany(c => c.NotShippedLibraries)
            .Where(n => !closures.Values.Any(c => c.Libraries.Any(l => string.Equals(l.Id, n.Library.Id, StringComparison.OrdinalIgnoreCase) && l.Version == n.Library.Version)))
            .GroupBy(n => (n.Library.Id.ToLowerInvariant(), n.Library.Version.ToLowerInvariant())).Select(g => g.First()).ToArray();

    /// <summary>
    /// Starts the advisory download as soon as the packages are known, on the thread pool (loading NuGet.Protocol and
    /// reading nuget.config is synchronous work for the idle core), when the content check is going to ask for it.
    /// </summary>
    private static PrefetchedVulnerabilitySource? PrefetchAdvisories(PrePushRequest request, IReadOnlyList<NuGetLibrary>? libraries, IReadOnlyList<NotShippedLibrary> notShipped, CancellationToken ct)
    {
        bool asks = request.Settings.Content.VulnerabilityCheck
            && (request.Scope != CheckScope.Platform || request.KnownAdvisories is null);
        return asks && libraries is not null && request.VulnerabilitySource is { } source
            ? PrefetchedVulnerabilitySource.Start(source, libraries.Concat(notShipped.Select(n => n.Library)), ct)
            : null;
    }

    /// <summary>
    /// Reads SecureContainerVulnerabilityDatabase once for the whole check (every platform is matched against the same
    /// index), on the thread pool while the base images download, and judges its age. Inner builds of a multi-RID
    /// publish skip it: the outer build matched every platform's base already.
    /// </summary>
    private static Task<OsvDatabase?> LoadDatabaseAsync(PrePushRequest request, IDiagnosticSink sink, CancellationToken ct)
    {
        ContentSettings content = request.Settings.Content;
        if (!content.VulnerabilityCheck || content.VulnerabilityDatabase is not { } path || request.Scope == CheckScope.Platform)
        {
            return Task.FromResult<OsvDatabase?>(null);
        }

        return Task.Run(() =>
        {
            OsvDatabase? database = OsvDatabase.Load(path, new OsvDatabaseLimits(), sink, ct, request.Settings.CacheDirectory ?? LayerScanCache.DefaultDirectory);
            if (database is not null)
            {
                OsvVulnerabilityGate.CheckAge(database, content.VulnerabilityDatabaseMaxAge, request.Clock.GetUtcNow(), request.Settings.Policy.Profile, sink);
            }

            return database;
        }, ct);
    }

    private static async Task<VulnerabilityReport?> CheckContentAsync(
        PrePushRequest request, IReadOnlyList<PlatformGateResult> platforms, IReadOnlyList<NuGetLibrary>? libraries, IReadOnlyList<NotShippedLibrary> notShipped,
        OsvDatabase? database, Task<SecretScanResult>? secretScan, IDiagnosticSink sink, CancellationToken ct)
    {
        ContentSettings content = request.Settings.Content;
        bool checkPackages = content.VulnerabilityCheck && request.Scope != CheckScope.Platform;

        ContentGateRequest gate = new()
        {
            Image = request.TargetImage,
            Secrets = content.SecretScan ? request.Content : null,
            StartedSecretScan = secretScan,
            SecretOptions = content.SecretOptions,
            // The outer build of a multi-RID publish knows no platform's final ports; each inner build checks its own.
            Ports = request.Scope == CheckScope.AllPlatforms
                ? null
                : (request.Ports, platforms.SelectMany(p => p.BaseImage.Configuration.ExposedPorts).Distinct().ToArray(), platforms.All(p => p.RunsAsNonRoot)),
            Libraries = checkPackages ? libraries : null,
            NotShippedLibraries = checkPackages ? notShipped : [],
            VulnerabilityOptions = checkPackages ? content.Vulnerabilities : null,
            Database = database,
            OsImages = platforms
                .Where(p => p.Contents is not null)
                .Select(p => new OsvImage($"{request.TargetImage} ({p.RuntimeIdentifier}, base {p.BaseImage.Reference.Registry}/{p.BaseImage.Reference.Repository}@{p.BaseImage.ManifestDigest})", p.Contents!))
                .ToArray(),
            SarifFile = request.SarifFile,
            Tool = new SarifTool("SecureContainers", ToolVersion),
        };

        try
        {
            VulnerabilityReport? report = await ContentGate.RunAsync(gate, checkPackages ? request.VulnerabilitySource : null, sink, ct).ConfigureAwait(false);
            if (report is not null || !content.VulnerabilityCheck)
            {
                return report;
            }

            // An inner build: the outer build's advisories, or (when the build host could not hand them over) the same
            // lookup again, quietly, for the SBOM; the outer build already reported them.
            if (request.KnownAdvisories is { } known)
            {
                return known;
            }

            return libraries is not null && (libraries.Count > 0 || notShipped.Count > 0) && request.VulnerabilitySource is { } source
                ? await VulnerabilityGate.CheckAsync(libraries, source, content.Vulnerabilities, new DiagnosticBag(), ct, notShipped: notShipped).ConfigureAwait(false)
                : null;
        }
        catch (SecureContainerException e)
        {
            sink.Report(e.Diagnostic);
            return null;
        }
    }

    private static T? Report<T>(IDiagnosticSink sink, Func<T?> step)
    {
        try
        {
            return step();
        }
        catch (SecureContainerException e)
        {
            sink.Report(e.Diagnostic);
            return default;
        }
    }

    private static void Report(IDiagnosticSink sink, Action step) => Report<object>(sink, () =>
    {
        step();
        return null;
    });
}

using System.Text;
using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.IO;
using SecureContainers.Core.Layers;
using SecureContainers.Core.NuGet;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Policy;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Keyless;
using SecureContainers.Core.Signing.Keys;
using SecureContainers.Core.Signing.Provenance;

namespace SecureContainers.Core.Operations;

/// <summary>
/// The one evidence operation, after the SDK built the image: a second look at what was built (user, base), the SBOM
/// written and attached, the digest signed and its SBOM and provenance attested. Called the same way by the MSBuild
/// task and the CLI. Everything it writes names the pushed digest; a failure after the push says what exists and the
/// command that completes it.
/// </summary>
public sealed class ImageEvidence(RegistryClient registry, IDiagnosticSink sink)
{
    public async Task<ImageEvidenceResult> RunAsync(ImageEvidenceRequest request, CancellationToken ct)
    {
        ErrorTrackingSink errors = new(sink);
        SecureContainerSettings settings = request.Settings;
        bool toRegistry = request.Destination == ImageDestination.Registry && request.Registry is not null;
        Digest? digest = request.Digest;
        bool signs = settings.Signing.Signs;
        if (request.Scope == EvidenceScope.Index && digest is null && toRegistry && signs)
        {
            // The SDK does not report the index digest; the tags it just pushed point at it.
            digest = (await registry.GetManifestAsync(request.Registry!, request.Repository, request.Tags.FirstOrDefault() ?? "latest", ct).ConfigureAwait(false)).Digest;
        }

        string? sbomFile = null;
        byte[]? sbom = null;
        Descriptor? attached = null;
        PlatformGateResult? platform = request.RuntimeIdentifier is { } rid ? request.Checked.PlatformFor(rid) : null;
        if (request.Scope == EvidenceScope.Image)
        {
            Recheck(request, platform, digest, errors);
            if (errors.HasErrors)
            {
                return new ImageEvidenceResult { Digest = digest };
            }

            if (settings.Sbom.Enabled && request.App is { } app && request.SbomFile is { } file)
            {
                sbom = SbomWriter.Write(SbomBuilder.Build(await SbomInputsAsync(request, app, platform, digest, ct).ConfigureAwait(false), errors));
                AtomicFile.Write(file, sbom, (path, reason) => SbomDiagnostics.WriteFailed.Create(path, reason));
                sbomFile = file;
                NuGetRuntimeClosure? closure = Closure(request);
                sink.Report(OperationDiagnostics.SbomWritten.Create(request.ImageName, digest?.ToString() ?? "(not pushed)",
                    closure?.Packages.Count() ?? 0, platform?.Contents?.Packages.Count ?? 0, file));
            }

        }

        SigningResult? signed = null;
        byte[]? attestedSbom = request.Scope == EvidenceScope.Image && settings.Signing.AttestSbom ? sbom : null;
        // The SBOM artifact and the signatures are independent writes, at the same time: each update of a shared tag waits out
        // a settling pause, and in a row they would add up. The one tag they share (the referrers tag, for the bundles) gets
        // one update for both. Their findings are reported in the order of a sequential run: the attachment's, then the signing's.
        DiagnosticBag attachFindings = new();
        DiagnosticBag signFindings = new();
        bool attachesSbom = toRegistry && sbom is not null && settings.Sbom.Attach && digest is not null;
        bool signsHere = toRegistry && signs && digest is not null;
        JointAttachment? referrers = attachesSbom && signsHere && settings.Signing.WrittenFormat.WritesBundles() ? new JointAttachment(2) : null;
        // On its own thread: the signing below starts with CPU work of its own (key, statements) that need not wait for the SBOM's.
        Task<Descriptor?> attaching = attachesSbom
            ? Task.Run(() => AttachAsync(request, digest!.Value, sbom!, referrers?.Parties[0], attachFindings, ct))
            : Task.FromResult<Descriptor?>(null);
        Task<SigningResult?> signing = signsHere
            ? SignAsync(request, digest!.Value, attestedSbom, attaching, referrers?.Parties[1], signFindings, ct)
            : Task.FromResult<SigningResult?>(null);
        try
        {
            await Task.WhenAll(attaching, signing).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && toRegistry && digest is { } pushed)
        {
            attached = attaching.IsCompletedSuccessfully ? attaching.Result : null;
            signed = signing.IsCompletedSuccessfully ? signing.Result : null;
            attachFindings.ReplayTo(errors);
            signFindings.ReplayTo(errors);
            // Ctrl+C after the SDK pushed: the image exists; say what it has and what completes it, then stop.
            bool attachPending = sbom is not null && settings.Sbom.Attach && attached is null;
            List<string> commands = new();
            if (attachPending)
            {
                commands.Add($"securecontainers attach {request.ImageName}@{pushed} --sbom {request.SbomFile}");
            }

            if (signs && signed is null)
            {
                commands.Add(CompletionCommand(request, pushed, attestedSbom is not null));
            }

            sink.Report(OperationDiagnostics.EvidenceCancelled.Create($"{request.ImageName}@{pushed}",
                sbom is null || !settings.Sbom.Attach ? "not applicable" : attached is null ? "not attached" : "attached",
                !signs ? "not configured" : signed is null ? "missing" : "written",
                commands.Count == 0 ? "nothing is missing" : string.Join(" && ", commands)));
            throw;
        }
        catch
        {
            attachFindings.ReplayTo(errors);
            signFindings.ReplayTo(errors);
            throw;
        }

        attached = await attaching.ConfigureAwait(false);
        signed = await signing.ConfigureAwait(false);
        attachFindings.ReplayTo(errors);
        signFindings.ReplayTo(errors);
        return new ImageEvidenceResult { Digest = digest, SbomFile = sbomFile, AttachedSbom = attached, Signed = signed };
    }

    /// <summary>
    /// Builds the SBOM <paramref name="request"/> would give (for a stand-in digest: the image does not exist yet) and
    /// drops it. Run while the SDK creates and pushes the image, it compiles and warms what <see cref="RunAsync"/> does
    /// right after. It writes no file, asks no registry (the check's base contents are at hand) and reports nothing.
    /// </summary>
    public async Task RehearseAsync(ImageEvidenceRequest request, CancellationToken ct)
    {
        if (request.Scope != EvidenceScope.Image || !request.Settings.Sbom.Enabled || request.App is not { } app)
        {
            return;
        }

        PlatformGateResult? platform = request.RuntimeIdentifier is { } rid ? request.Checked.PlatformFor(rid) : null;
        if (platform is { Contents: null })
        {
            // The base contents would have to be read again; that is the evidence step's own business.
            return;
        }

        Digest standIn = Digest.Sha256(Array.Empty<byte>());
        _ = SbomWriter.Write(SbomBuilder.Build(await SbomInputsAsync(request, app, platform, standIn, ct).ConfigureAwait(false), new DiagnosticBag()));
    }

    /// <summary>Defence in depth: the image the SDK built runs as the user and on the base the check approved.</summary>
    private static void Recheck(ImageEvidenceRequest request, PlatformGateResult? platform, Digest? digest, IDiagnosticSink sink)
    {
        if (request.Configuration is not { } json)
        {
            return;
        }

        ImageConfig config = ImageConfig.Parse(json);
        string? pinned = platform is null ? null : ContainerGate.Pinned(platform);
        BuiltImageCheck.CheckUser(request.ImageName, digest?.ToString() ?? "unknown", config, platform?.User.Value, request.Settings.Policy.AllowRoot, sink);
        BuiltImageCheck.CheckBaseImage(request.ImageName, config, platform?.BaseImage.ManifestDigest.ToString(), pinned, sink);
    }

    private async Task<SbomInputs> SbomInputsAsync(ImageEvidenceRequest request, SbomApp app, PlatformGateResult? platform, Digest? digest, CancellationToken ct)
    {
        NuGetRuntimeClosure? closure = Closure(request);
        SecureContainerSettings settings = request.Settings;
        return new SbomInputs
        {
            ImageName = request.ImageName,
            Tags = request.Tags,
            ManifestDigest = digest,
            RepositoryUrl = app.RepositoryUrl,
            AppName = app.Name,
            AppVersion = app.Version,
            TargetFramework = app.TargetFramework,
            RuntimeIdentifier = request.RuntimeIdentifier,
            NuGetLibraries = closure?.Libraries ?? [],
            BuildOnlyNuGetLibraries = closure?.BuildOnlyLibraries ?? [],
            NotShippedNuGetLibraries = closure?.NotShippedLibraries ?? [],
            IncludeBuildDependencies = settings.Sbom.IncludeBuildDependencies,
            NuGetPackageFolders = closure?.PackageFolders ?? [],
            FrameworkReferences = closure?.FrameworkReferences ?? [],
            SelfContained = app.SelfContained,
            RuntimePacks = app.RuntimePacks,
            Timestamp = settings.Timestamp(DateTimeOffset.UtcNow),
            ToolName = "SecureContainers.Build",
            ToolVersion = request.ToolVersion,
            BaseImageName = platform is null ? null : $"{platform.BaseImage.Reference.Registry}/{platform.BaseImage.Reference.Repository}",
            BaseImageDigest = platform?.BaseImage.ManifestDigest,
            BaseImageSignature = platform?.NotarySignature,
            BaseImageContents = await BaseContentsAsync(request, platform, ct).ConfigureAwait(false),
            AppLayerDigest = request.Manifest is { } manifest && ImageManifest.Parse(manifest).Layers is { Count: > 0 } layers ? layers[^1].Digest : null,
            SpecVersion = settings.Sbom.SpecVersion,
            Vulnerabilities = request.Checked.Advisories?.ToSbomVulnerabilities() ?? [],
        };
    }

    private static NuGetRuntimeClosure? Closure(ImageEvidenceRequest request) =>
        request.Checked.Closures.TryGetValue(request.RuntimeIdentifier ?? "", out NuGetRuntimeClosure? closure) ? closure
        : request.Checked.Closures.Count == 1 ? request.Checked.Closures.Values.Single()
        : null;

    /// <summary>The base contents the check read; read again (from the layer cache) only if it could not hand them over.</summary>
    private async Task<ImageContentsReport?> BaseContentsAsync(ImageEvidenceRequest request, PlatformGateResult? platform, CancellationToken ct)
    {
        if (platform is null || platform.Contents is not null || string.Equals(platform.BaseImage.Configuration.Os, "windows", StringComparison.OrdinalIgnoreCase))
        {
            return platform?.Contents;
        }

        LayerScanner scanner = new(request.Settings.LayerLimits, new LayerScanCache(request.Settings.CacheDirectory ?? LayerScanCache.DefaultDirectory));
        return await ImageInspector.InspectAsync(registry, scanner, platform.BaseImage, ct).ConfigureAwait(false);
    }

    private async Task<Descriptor?> AttachAsync(ImageEvidenceRequest request, Digest digest, byte[] sbom, JointAttachment.Party? party, IDiagnosticSink sink, CancellationToken ct)
    {
        using JointAttachment.Party? _ = party;
        try
        {
            Descriptor artifact = await SbomAttachment.AttachAsync(registry, request.Registry!, request.Repository, digest, sbom,
                Path.GetFileName(request.SbomFile!), request.Settings.Timestamp(DateTimeOffset.UtcNow), ct, request.Manifest, party).ConfigureAwait(false);
            sink.Report(OperationDiagnostics.SbomAttached.Create(request.ImageName, digest, artifact.Digest));
            return artifact;
        }
        catch (SecureContainerException e)
        {
            // The SBOM file stays; only its copy in the registry is missing. Restricted makes that fatal.
            bool required = request.Settings.Policy.Profile == SecurityProfile.Restricted;
            sink.Report(SbomAttachmentDiagnostics.SbomNotAttached.Create(
                required ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, request.ImageName, digest, request.SbomFile, e.Diagnostic.ToString()));
            return null;
        }
    }

    /// <param name="attaching">The SBOM's attachment, under way at the same time: what a failure says exists depends on it.</param>
    /// <param name="bundleParty">The bundles' seat in the referrers tag's update with the SBOM, or null.</param>
    private async Task<SigningResult?> SignAsync(ImageEvidenceRequest request, Digest digest, byte[]? sbom, Task<Descriptor?> attaching,
        JointAttachment.Party? bundleParty, IDiagnosticSink sink, CancellationToken ct)
    {
        SigningSettings signing = request.Settings.Signing;
        bool keyless = signing.Mode == SigningMethod.Keyless;
        SignatureFormat format = signing.WrittenFormat;
        try
        {
            // Left when this block ends, before a failure below waits for the SBOM's attachment, which may be waiting for it.
            using JointAttachment.Party? _ = bundleParty;
            using SigningIdentity identity = keyless
                ? await SigningIdentity.KeylessAsync(signing.Sigstore, request.GetEnvironmentVariable, ct, request.SigstoreHandler).ConfigureAwait(false)
                : LoadKey(signing, request);
            SigningResult result = await ImageSigning.SignAsync(registry, new ImageSigningRequest(request.Registry!, request.Repository, digest, identity.Signer)
            {
                Format = format,
                Sbom = sbom,
                Provenance = signing.AttestProvenance ? Provenance(request) : null,
                Created = request.Settings.Timestamp(DateTimeOffset.UtcNow),
                Witness = identity.Witness,
                BundleParty = bundleParty,
                PushedManifest = request.Manifest,
            }, ct).ConfigureAwait(false);
            sink.Report(OperationDiagnostics.Signed.Create(request.ImageName, digest, identity.Description, result.Describe()));
            return result;
        }
        catch (SecureContainerException e)
        {
            // The SDK has pushed the image; say exactly what exists and the one command that completes it, in the same format.
            bool sbomAttached = await attaching.ConfigureAwait(false) is not null;
            sink.Report(e.Diagnostic);
            sink.Report(OperationDiagnostics.EvidenceIncomplete.Create($"{request.ImageName}@{digest}",
                request.Scope == EvidenceScope.Index || request.SbomFile is null ? "not applicable" : sbomAttached ? "attached" : "not attached",
                format.ToWord(),
                CompletionCommand(request, digest, sbom is not null)));
            return null;
        }
    }

    /// <summary>Keyless signatures are read from bundles only (Fulcio certificates in the legacy layout are not written here).</summary>
    /// <summary>The sign (and attest) command that completes the signing of <paramref name="digest"/>, in the build's format and signer.</summary>
    private static string CompletionCommand(ImageEvidenceRequest request, Digest digest, bool attestSbom)
    {
        SigningSettings signing = request.Settings.Signing;
        string image = $"{request.ImageName}@{digest}";
        string options = signing.Mode == SigningMethod.Keyless
            ? "--keyless" + (signing.Sigstore.FulcioUrl != KeylessOptions.PublicGoodFulcio ? $" --fulcio-url {signing.Sigstore.FulcioUrl}" : "")
                + (signing.Sigstore.RekorUrl != KeylessOptions.PublicGoodRekor ? $" --rekor-url {signing.Sigstore.RekorUrl}" : "")
            : $"--key {signing.KeyPath} --signature-format {signing.Format.ToWord()}" + (signing.TransparencyLog ? " --tlog-upload" : "");
        return $"securecontainers sign {image} {options}"
            + (attestSbom || signing.AttestProvenance
                ? $" && securecontainers attest {image} {options}{(attestSbom ? $" --sbom {request.SbomFile}" : "")}{(signing.AttestProvenance ? " --provenance" : "")}"
                : "");
    }

    private static SigningIdentity LoadKey(SigningSettings signing, ImageEvidenceRequest request)
    {
        using KeyPassword password = KeyPasswordSource.FromEnvironment(signing.PasswordVariable, request.GetEnvironmentVariable);
        return SigningIdentity.ForKey(EcdsaFileSigner.Load(signing.KeyPath!, password), signing.TransparencyLog, signing.Sigstore, request.SigstoreHandler);
    }

    private static ProvenanceInputs Provenance(ImageEvidenceRequest request)
    {
        ProvenanceRequest provenance = request.Provenance ?? new ProvenanceRequest { Project = "project" };
        DateTimeOffset finished = DateTimeOffset.UtcNow;
        DateTimeOffset started = provenance.StartedOn ?? finished;
        if (request.Settings.SourceDateEpoch is { } epoch)
        {
            // Reproducible builds pin time: the statement must not change with the wall clock.
            started = finished = epoch;
        }

        PlatformGateResult? platform = request.RuntimeIdentifier is { } rid ? request.Checked.PlatformFor(rid) : request.Checked.Platforms.FirstOrDefault();
        ImageReference? baseImage = platform?.BaseImage.Reference;
        return new ProvenanceInputs
        {
            Project = Path.GetFileName(provenance.Project),
            Configuration = provenance.Configuration,
            RuntimeIdentifiers = provenance.RuntimeIdentifiers,
            Tags = request.Tags,
            Repository = request.ImageName,
            SdkVersion = provenance.SdkVersion,
            SourceRepository = request.Checked.Source?.RepositoryUrl,
            SourceCommit = request.Checked.Source?.Commit,
            BaseImage = baseImage is null ? null : $"{baseImage.Registry}/{baseImage.Repository}",
            BaseImageDigest = platform?.BaseImage.ReferenceDigest,
            BaseImageTag = baseImage?.Tag,
            BaseImageSignature = platform?.NotarySignature,
            Builder = BuilderIdentity.Detect(request.GetEnvironmentVariable),
            StartedOn = started,
            FinishedOn = finished,
        };
    }
}

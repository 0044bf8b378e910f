using SecureContainers.Core.Signing.Notary;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Signing.Provenance;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Policy;

/// <summary>
/// The pre-build gate: resolves the base image once to a digest and then for each target platform (read-only,
/// digest-verified), reads the Linux base layers once (streamed, cached by digest) and reports trust, pinning,
/// hygiene and non-root findings. It writes nothing anywhere but the layer cache, so a failed gate leaves every
/// registry and the build output as they were.
/// </summary>
public sealed class ContainerGate(RegistryClient registry, LayerScanner scanner, IDiagnosticSink sink)
{
    /// <summary>
    /// The base image's signature, as <c>securecontainers verify</c> reads it: its Sigstore bundles when it has any
    /// (bundles win over legacy .sig, as in cosign), keyless through bundles only, else its legacy cosign signatures.
    /// Reports SC6033 (key) or SC6079 (identity) and returns false when none is valid.
    /// </summary>
    private async Task<bool> BaseImageSignedAsync(GateRequest request, ImageReference requested, Digest digest, CancellationToken cancellationToken)
    {
        string image = $"{requested.Registry}/{requested.Repository}";
        Signing.Bundles.BundleVerificationPolicy policy = new()
        {
            Key = request.BaseImageKey,
            Identity = request.BaseImageKey is null ? request.BaseImageIdentity : null,
            TrustedRoot = request.BaseImageTrustedRoot,
        };
        Signing.Bundles.BundleVerification bundles = await Signing.Bundles.BundleReferrerVerifier.VerifyAsync(registry, requested.Registry, requested.Repository, digest, policy, cancellationToken).ConfigureAwait(false);
        if (bundles.HasValidSignature)
        {
            return true;
        }

        if (bundles.Bundles.Count > 0 || request.BaseImageKey is not { } key)
        {
            string reasons = bundles.Bundles.Count == 0
                ? $"no Sigstore bundle refers to {digest}"
                : string.Join("; ", bundles.Bundles.Take(10).Select(b => b.Valid ? $"a valid {b.PredicateType} attestation, not a signature" : b.Reason));
            sink.Report(request.BaseImageKey is { } k
                ? SigningPolicyDiagnostics.BaseImageNotSigned.Create(image, digest, k.Fingerprint, reasons)
                : Signing.Bundles.BundleVerificationDiagnostics.BaseImageNotSignedKeyless.Create(image, digest, policy.Signer, reasons));
            return false;
        }

        SignatureVerification verification = await CosignVerifier.VerifyAsync(registry, requested.Registry, requested.Repository, digest, key, cancellationToken).ConfigureAwait(false);
        if (verification.HasValidSignature)
        {
            return true;
        }

        string legacyReasons = verification.Signatures.Count == 0
            ? $"no signatures under {verification.Tag}"
            : string.Join("; ", verification.Signatures.Select(s => s.Reason));
        sink.Report(SigningPolicyDiagnostics.BaseImageNotSigned.Create(image, digest, key.Fingerprint, legacyReasons));
        return false;
    }

    public async Task<IReadOnlyList<PlatformGateResult>> RunAsync(GateRequest request, CancellationToken cancellationToken)
    {
        // One digest for the whole build: a tag that moves between two platforms' lookups must not mix contents.
        ImageReference requested = request.BaseImage;
        ImageReference pinned = requested;
        if (requested.Digest is null)
        {
            Digest digest = request.BaseTagDigest
                ?? (await registry.GetManifestAsync(requested.Registry, requested.Repository, requested.ReferenceForApi, cancellationToken).ConfigureAwait(false)).Digest;
            pinned = requested with { Digest = digest };
        }

        // Verified before any layer is read: unproven content is not even inspected. The other rules still run, so
        // one build reports every finding.
        bool signatureValid = request.BaseImageKey is null && request.BaseImageIdentity is null
            || await BaseImageSignedAsync(request, requested, pinned.Digest!.Value, cancellationToken).ConfigureAwait(false);

        NotaryBaseImageCheck notary = new(registry, request.NotaryPolicies, request.Options.Profile, request.Clock, sink);
        List<PlatformGateResult> results = new();
        foreach (string rid in request.RuntimeIdentifiers)
        {
            Platform platform = Platform.FromRuntimeIdentifier(rid);
            ResolvedImage baseImage;
            try
            {
                baseImage = await registry.ResolveAsync(pinned, platform, cancellationToken).ConfigureAwait(false);
            }
            catch (SecureContainerException e) when (request.RuntimeIdentifiers.Count > 1)
            {
                // One platform the base lacks must not hide the findings of the others.
                sink.Report(e.Diagnostic);
                continue;
            }

            bool isWindows = string.Equals(baseImage.Configuration.Os, "windows", StringComparison.OrdinalIgnoreCase);
            string image = $"{request.TargetImage} ({platform}, base {requested.Registry}/{requested.Repository}@{baseImage.ManifestDigest})";

            IReadOnlyList<Diagnostic> referenceFindings = BaseImagePolicy.EvaluateReference(requested, baseImage with { Reference = requested }, request.Options);
            Report(referenceFindings);
            bool trusted = !referenceFindings.Any(f => f.Descriptor == BaseImageDiagnostics.Untrusted);

            // Notary signatures (index and platform manifest) are checked before any layer is read, like cosign's.
            (NotaryBaseSignature? notarySignature, bool notaryPassed) = await notary.VerifyAsync(requested, baseImage, cancellationToken).ConfigureAwait(false);
            trusted &= notaryPassed;

            // Windows layers are NTFS-shaped (Files/, Hives/) and often non-distributable: the Linux hygiene rules do not apply.
            ImageContentsReport? contents = null;
            if (trusted && signatureValid && !isWindows)
            {
                contents = await ImageInspector.InspectAsync(registry, scanner, baseImage, cancellationToken).ConfigureAwait(false);
                Report(BaseImagePolicy.EvaluateContents(requested, contents, request.Options));
            }

            string? containerUser = request.ContainerUser;
            if (string.IsNullOrEmpty(containerUser) && request.UsesMicrosoftDefaultImage && rid.StartsWith("win", StringComparison.Ordinal))
            {
                containerUser = "ContainerUser";
            }

            EffectiveUser user = request.UserIsFinal
                ? EffectiveUser.OfBuiltImage(request.ContainerUser)
                : EffectiveUser.Resolve(containerUser, baseImage.Configuration.Environment, request.ProjectEnvironment, baseImage.Configuration.User);
            Func<string, uint?>? lookupUid = contents is { Users.Count: > 0 }
                ? name => contents.TryGetUid(name, out long uid) && uid is >= 0 and <= uint.MaxValue ? (uint)uid : null
                : null;
            if (!(trusted && signatureValid) && NonRootPolicy.NeedsPasswd(user, isWindows))
            {
                // The untrusted or unsigned base was not read, so a user name cannot be mapped; SC4101, SC6033 or SC4138 already fails the build.
                results.Add(new PlatformGateResult(rid, platform, baseImage, user, contents) { NotarySignature = notarySignature });
                continue;
            }

            IReadOnlyList<Diagnostic> userFindings = NonRootPolicy.Evaluate(image, user, isWindows, lookupUid, request.Options.AllowRoot);
            Report(userFindings);
            bool root = userFindings.Any(f => f.Descriptor == UserDiagnostics.RunsAsRoot || f.Descriptor == UserDiagnostics.NameMapsToRoot
                || f.Descriptor == UserDiagnostics.WindowsAdministrator || f.Descriptor == UserDiagnostics.RootAllowed);
            results.Add(new PlatformGateResult(rid, platform, baseImage, user, contents) { RunsAsNonRoot = !root, NotarySignature = notarySignature });
        }

        return results;
    }

    /// <summary>The reference to paste into ContainerBaseImage: the tag kept for readers, the digest for the content.</summary>
    public static string Pinned(PlatformGateResult result)
    {
        ImageReference reference = result.BaseImage.Reference;
        return $"{reference.Registry}/{reference.Repository}{(reference.Tag is null ? "" : ":" + reference.Tag)}@{result.BaseImage.ReferenceDigest}";
    }

    private void Report(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (Diagnostic d in diagnostics)
        {
            sink.Report(d);
        }
    }
}

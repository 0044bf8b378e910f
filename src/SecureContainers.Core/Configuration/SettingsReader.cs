using System.Globalization;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Layers;
using SecureContainers.Core.Policy;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.Secrets;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Keyless;
using SecureContainers.Core.Vulnerabilities;
using static SecureContainers.Core.Configuration.SettingNames;

namespace SecureContainers.Core.Configuration;

/// <summary>
/// Parses <see cref="RawSettings"/> into <see cref="SecureContainerSettings"/>: booleans are <c>true</c>/<c>false</c>
/// only, enums exact, numbers, epochs, paths and variable names validated. Every malformed value is reported (SC1xxx
/// and the area codes such as SC5010), none stops the others from being read, and a malformed rule switch reads as
/// "on", so the run that reports the typo also reports what the rule finds. The caller fails on any error.
/// </summary>
public static class SettingsReader
{

    public static SecureContainerSettings Read(RawSettings raw, IDiagnosticSink sink)
    {
        ErrorTrackingSink collector = new(sink);
        return ReadAll(raw, collector) with { Errors = collector.Errors };
    }

    private static SecureContainerSettings ReadAll(RawSettings raw, IDiagnosticSink sink)
    {
        bool enabled = PropertyParser.ParseBoolean(Enabled, raw.Get(Enabled), true, sink);
        PolicyOptions policy = PolicyOptions.Resolve(
            raw.Get(Profile), raw.Get(AllowRoot), raw.Get(RequireBaseImageDigest), raw.Get(RequireMinimalBaseImage),
            raw.Get(RequireTrustedBaseImage), raw.Get(TrustMicrosoftBaseImages), raw.TrustedBaseImages.Select(i => i.Include), sink);
        bool restricted = policy.Profile == SecurityProfile.Restricted;

        LayerScanLimits limits = LayerScanLimits.Default with
        {
            MaxUncompressedBytesPerLayer = PropertyParser.ParsePositiveInteger(MaxLayerBytes, raw.Get(MaxLayerBytes), LayerScanLimits.Default.MaxUncompressedBytesPerLayer, sink),
            MaxEntriesPerLayer = (int)Math.Min(int.MaxValue, PropertyParser.ParsePositiveInteger(MaxLayerEntries, raw.Get(MaxLayerEntries), LayerScanLimits.Default.MaxEntriesPerLayer, sink)),
        };

        SigningSettings signing = new()
        {
            KeyPath = ParsePath(SigningKey, raw.Get(SigningKey), sink),
            PasswordVariable = ParseVariableName(raw.Get(SigningKeyPasswordVariable), sink),
            Required = PropertyParser.ParseBoolean(RequireSigning, raw.Get(RequireSigning), restricted, sink, onError: true),
            ForbidLatestOnly = PropertyParser.ParseBoolean(ForbidLatestTag, raw.Get(ForbidLatestTag), restricted, sink, onError: true),
            VerifyBaseImageKeyPath = ParsePath(VerifyBaseImageKey, raw.Get(VerifyBaseImageKey), sink),
            VerifyBaseImageIdentity = ParseBaseImageIdentity(raw, sink),
            VerifyBaseImageTrustedRootPath = ParsePath(VerifyBaseImageTrustedRoot, raw.Get(VerifyBaseImageTrustedRoot), sink),
            NotaryTrustPolicyPath = ParsePath(SettingNames.NotaryTrustPolicy, raw.Get(SettingNames.NotaryTrustPolicy), sink),
            NotaryTrustStorePath = ParsePath(SettingNames.NotaryTrustStore, raw.Get(SettingNames.NotaryTrustStore), sink),
            AttestSbom = PropertyParser.ParseBoolean(AttestSbom, raw.Get(AttestSbom), true, sink, onError: true),
            AttestProvenance = PropertyParser.ParseBoolean(AttestProvenance, raw.Get(AttestProvenance), true, sink, onError: true),
            Format = ParseSignatureFormat(raw.Get(SettingNames.SignatureFormat), sink),
            Mode = ParseSigningMode(raw.Get(SigningMode), sink),
            Sigstore = new KeylessOptions
            {
                FulcioUrl = ParseSigstoreUrl(FulcioUrl, raw.Get(FulcioUrl), KeylessOptions.PublicGoodFulcio, sink),
                RekorUrl = ParseSigstoreUrl(RekorUrl, raw.Get(RekorUrl), KeylessOptions.PublicGoodRekor, sink),
            },
            // A typo records in the log: the side that makes a stolen key's use visible.
            TransparencyLog = PropertyParser.ParseBoolean(TransparencyLog, raw.Get(TransparencyLog), false, sink, onError: true),
        };

        SbomSettings sbom = new()
        {
            Enabled = PropertyParser.ParseBoolean(SbomEnabled, raw.Get(SbomEnabled), true, sink, onError: true),
            Attach = PropertyParser.ParseBoolean(SbomAttach, raw.Get(SbomAttach), true, sink, onError: true),
            SpecVersion = ParseSpecVersion(raw.Get(SbomSpecVersion), sink),
            IncludeBuildDependencies = PropertyParser.ParseBoolean(SbomIncludeBuildDependencies, raw.Get(SbomIncludeBuildDependencies), false, sink),
            Directory = ParsePath(SbomDirectory, raw.Get(SbomDirectory), sink),
        };

        bool vulnerabilityCheck = PropertyParser.ParseBoolean(VulnerabilityCheck, raw.Get(VulnerabilityCheck), true, sink, onError: true);
        ContentSettings content = new()
        {
            SecretScan = PropertyParser.ParseBoolean(SecretScan, raw.Get(SecretScan), true, sink, onError: true),
            SecretOptions = new SecretScanOptions
            {
                Exclusions = raw.SecretScanExclusions.Select(i => SecretScanExclusion.FromItem(i.Include, i["Rule"], i["Justification"])).ToArray(),
            },
            VulnerabilityCheck = vulnerabilityCheck,
            Vulnerabilities = VulnerabilityPolicyOptions.Resolve(
                policy.Profile,
                raw.Get(SettingNames.VulnerabilitySeverity),
                raw.Get(RequireVulnerabilityData),
                raw.NuGetAuditSuppressions.Select(i => i.Include),
                raw.VulnerabilitySuppressions.Select(i => new VulnerabilitySuppressionItem(i.Include, i["Justification"], i["State"])),
                sink),
            VulnerabilityDatabase = ParsePath(VulnerabilityDatabase, raw.Get(VulnerabilityDatabase), sink),
            VulnerabilityDatabaseMaxAge = ParseMaxAge(raw.Get(VulnerabilityDatabaseMaxAge), sink),
        };

        return new SecureContainerSettings
        {
            Enabled = enabled,
            Policy = policy,
            LayerLimits = limits,
            CacheDirectory = ParsePath(CacheDirectory, raw.Get(CacheDirectory), sink),
            Signing = signing,
            Sbom = sbom,
            Content = content,
            GenerateSourceLabels = PropertyParser.ParseBoolean(GenerateSourceLabels, raw.Get(GenerateSourceLabels), true, sink, onError: true),
            SourceDateEpoch = ParseEpoch(raw.Get(SourceDateEpoch), sink),
        };
    }

    /// <summary>Exact words only; a typo is SC1006 and reads as <c>both</c>, the format that writes everything.</summary>
    private static Signing.SignatureFormat ParseSignatureFormat(string? value, IDiagnosticSink sink)
    {
        string trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return Signing.SignatureFormat.Both;
        }

        if (SignatureFormats.TryParse(trimmed) is Signing.SignatureFormat format)
        {
            return format;
        }

        sink.Report(ConfigurationDiagnostics.InvalidSignatureFormat.Create(trimmed.Length > 100 ? trimmed[..100] + "…" : trimmed));
        return Signing.SignatureFormat.Both;
    }

    /// <summary>
    /// Keyless base image verification: an identity or a pattern (not both), with the issuer and the trusted root, and
    /// no key beside them. Anything half set is SC6077 (a pattern that does not compile, SC6076), never silently off.
    /// </summary>
    private static Signing.Bundles.CertificateIdentityPolicy? ParseBaseImageIdentity(RawSettings raw, IDiagnosticSink sink)
    {
        static string? Value(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
        string? identity = Value(raw.Get(VerifyBaseImageIdentity));
        string? pattern = Value(raw.Get(VerifyBaseImageIdentityRegexp));
        string? issuer = Value(raw.Get(VerifyBaseImageOidcIssuer));
        string? root = Value(raw.Get(VerifyBaseImageTrustedRoot));
        if (identity is null && pattern is null && issuer is null && root is null)
        {
            return null;
        }

        // Each value on its own first; the combination is judged only when every value is sound, so one typo is one error.
        bool sound = true;
        if (identity is not null && identity.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            sink.Report(Signing.Bundles.BundleVerificationDiagnostics.KeylessSettingsIncomplete.Create($"{VerifyBaseImageIdentity} '{Short(identity)}' is not a certificate identity (a URI or email address has no spaces)"));
            sound = false;
        }

        if (issuer is not null && !(Uri.TryCreate(issuer, UriKind.Absolute, out Uri? issuerUri) && issuerUri.Scheme is "https" or "http"))
        {
            sink.Report(Signing.Bundles.BundleVerificationDiagnostics.KeylessSettingsIncomplete.Create($"{VerifyBaseImageOidcIssuer} '{Short(issuer)}' is not an absolute http(s) URL"));
            sound = false;
        }

        if (pattern is not null)
        {
            try
            {
                Signing.Bundles.CertificateIdentityPolicy.Create(null, pattern, "https://issuer.invalid");
            }
            catch (SecureContainerException e)
            {
                sink.Report(e.Diagnostic);
                sound = false;
            }
        }

        if (root is not null && root.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            // ParsePath reports it (SC1005).
            sound = false;
        }

        if (!sound)
        {
            return null;
        }

        bool key = Value(raw.Get(VerifyBaseImageKey)) is not null;
        bool named = identity is not null || pattern is not null;
        string? problem =
            key && named ? $"{VerifyBaseImageKey} and a keyless identity are both set"
            : identity is not null && pattern is not null ? $"{VerifyBaseImageIdentity} and {VerifyBaseImageIdentityRegexp} are both set"
            : !named && issuer is not null ? $"{VerifyBaseImageOidcIssuer} is set without {VerifyBaseImageIdentity} or {VerifyBaseImageIdentityRegexp}"
            : !named && !key ? $"{VerifyBaseImageTrustedRoot} is set without an identity or a key to verify with"
            : named && issuer is null ? $"{VerifyBaseImageOidcIssuer} is not set (an identity alone can be claimed through any OIDC provider)"
            : named && root is null ? $"{VerifyBaseImageTrustedRoot} is not set"
            : null;
        if (problem is not null)
        {
            sink.Report(Signing.Bundles.BundleVerificationDiagnostics.KeylessSettingsIncomplete.Create(problem));
            return null;
        }

        if (!named)
        {
            // A key with a trusted root: the root checks the log entries of key-signed bundles.
            return null;
        }

        try
        {
            return Signing.Bundles.CertificateIdentityPolicy.Create(identity, pattern, issuer!);
        }
        catch (SecureContainerException e)
        {
            sink.Report(e.Diagnostic);
            return null;
        }
    }

    private static string Short(string value) => value.Length > 200 ? value[..200] + "…" : value;

    private static CycloneDxSpecVersion ParseSpecVersion(string? value, IDiagnosticSink sink)
    {
        try
        {
            return CycloneDxSpecVersions.Parse(value);
        }
        catch (SecureContainerException e)
        {
            sink.Report(e.Diagnostic);
            return CycloneDxSpecVersions.Default;
        }
    }

    /// <summary>Whole seconds since 1970 (<c>SOURCE_DATE_EPOCH</c>'s definition); anything else is SC5006.</summary>
    private static DateTimeOffset? ParseEpoch(string? value, IDiagnosticSink sink)
    {
        string trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return null;
        }

        if (SbomTimestamp.TryParseEpoch(trimmed, out DateTimeOffset time))
        {
            return time;
        }

        sink.Report(SbomDiagnostics.InvalidSourceDateEpoch.Create(trimmed));
        return null;
    }

    /// <summary>
    /// <c>key</c> or <c>keyless</c>, exactly (SC6058 otherwise). A malformed mode reads as keyless: it fails the check
    /// that a token source exists rather than silently publishing unsigned.
    /// </summary>
    private static SigningMethod ParseSigningMode(string? value, IDiagnosticSink sink)
    {
        string trimmed = value?.Trim() ?? string.Empty;
        switch (trimmed)
        {
            case "":
            case "key":
                return SigningMethod.Key;
            case "keyless":
                return SigningMethod.Keyless;
            default:
                sink.Report(KeylessDiagnostics.InvalidSigningMode.Create(trimmed.Length > 100 ? trimmed[..100] + "…" : trimmed));
                return SigningMethod.Keyless;
        }
    }

    /// <summary>An absolute https URL, or http to loopback (SC6059 otherwise); empty is the public-good instance.</summary>
    private static Uri ParseSigstoreUrl(string name, string? value, Uri defaultUrl, IDiagnosticSink sink)
    {
        string trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return defaultUrl;
        }

        if (SigstoreUrl.TryParse(trimmed, out Uri url))
        {
            return url;
        }

        sink.Report(KeylessDiagnostics.InvalidServiceUrl.Create(name, trimmed.Length > 200 ? trimmed[..200] + "…" : trimmed, defaultUrl));
        return defaultUrl;
    }

    private static string ParseVariableName(string? value, IDiagnosticSink sink)
    {
        string name = string.IsNullOrWhiteSpace(value) ? Signing.Keys.KeyPasswordSource.DefaultVariable : value.Trim();
        if (!Signing.Keys.KeyPasswordSource.IsValidVariableName(name))
        {
            sink.Report(SigningDiagnostics.PasswordVariableInvalid.Create(name.Length > 100 ? name[..100] + "…" : name));
            return Signing.Keys.KeyPasswordSource.DefaultVariable;
        }

        return name;
    }

    /// <summary>A file or folder path; characters no file system accepts are SC1005. Existence is checked where it is used.</summary>
    private static string? ParsePath(string name, string? value, IDiagnosticSink sink)
    {
        string trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return null;
        }

        if (trimmed.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || trimmed.Contains('\0', StringComparison.Ordinal))
        {
            sink.Report(ConfigurationDiagnostics.InvalidPath.Create(name, trimmed));
            return null;
        }

        return trimmed;
    }

    /// <summary>
    /// <c>7d</c>, <c>36h</c> or a whole number of days; anything else is SC7215 and reads as the default, so a typo
    /// neither disables the staleness check nor widens it.
    /// </summary>
    internal static TimeSpan ParseMaxAge(string? value, IDiagnosticSink sink)
    {
        TimeSpan fallback = ContentSettings.DefaultDatabaseMaxAge;
        string trimmed = value?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return fallback;
        }

        (string digits, double unitHours) = trimmed[^1] switch
        {
            'd' or 'D' => (trimmed[..^1], 24.0),
            'h' or 'H' => (trimmed[..^1], 1.0),
            _ => (trimmed, 24.0),
        };
        if (int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int amount) && amount > 0 && amount <= 3650 * 24)
        {
            return TimeSpan.FromHours(amount * unitHours);
        }

        sink.Report(Vulnerabilities.Osv.OsvDiagnostics.InvalidMaxAge.Create(trimmed));
        return fallback;
    }
}

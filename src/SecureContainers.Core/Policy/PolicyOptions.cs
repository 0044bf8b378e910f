using SecureContainers.Core.Configuration;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Policy;

/// <summary>
/// The rules in force for one build: the profile's defaults, each overridable on its own. Resolved once from the
/// raw MSBuild strings so that every front end applies the same matrix (docs/configuration.md shows it).
/// </summary>
public sealed record PolicyOptions
{
    /// <summary>Microsoft's official .NET image repositories: what the SDK itself picks when no base is set.</summary>
    public static IReadOnlyList<string> MicrosoftBaseImages { get; } =
    [
        "mcr.microsoft.com/dotnet/runtime",
        "mcr.microsoft.com/dotnet/aspnet",
        "mcr.microsoft.com/dotnet/runtime-deps",
    ];

    public SecurityProfile Profile { get; init; } = SecurityProfile.Baseline;

    public bool AllowRoot { get; init; }

    /// <summary>A base referenced by tag only is an error (otherwise the pinned reference is shown as advice).</summary>
    public bool RequireBaseImageDigest { get; init; }

    /// <summary>Shells, package managers, setuid/setgid files, sshd, sudo and world-writable paths are errors, not warnings.</summary>
    public bool RequireMinimalBaseImage { get; init; }

    /// <summary>The base must match <see cref="TrustedBaseImages"/>.</summary>
    public bool RequireTrustedBaseImage { get; init; } = true;

    public IReadOnlyList<TrustedImagePattern> TrustedBaseImages { get; init; } = [];

    /// <summary>
    /// <c>SecureContainerProfile</c>: empty is Baseline; anything but the two names is SC1002 (and Baseline). Every task
    /// that depends on the profile parses it here, so they cannot disagree about a typo.
    /// </summary>
    public static SecurityProfile ParseProfile(string? profile, IDiagnosticSink sink)
    {
        string trimmed = profile?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            return SecurityProfile.Baseline;
        }

        // Enum.TryParse also accepts numbers and comma lists; only the two names are profiles.
        SecurityProfile? named = Enum.GetValues<SecurityProfile>().Select(p => (SecurityProfile?)p)
            .FirstOrDefault(p => string.Equals(p.ToString(), trimmed, StringComparison.OrdinalIgnoreCase));
        if (named is null)
        {
            sink.Report(ConfigurationDiagnostics.InvalidProfile.Create(profile));
        }

        return named ?? SecurityProfile.Baseline;
    }

    public static PolicyOptions Resolve(
        string? profile,
        string? allowRoot,
        string? requireBaseImageDigest,
        string? requireMinimalBaseImage,
        string? requireTrustedBaseImage,
        string? trustMicrosoftBaseImages,
        IEnumerable<string> trustedBaseImages,
        IDiagnosticSink sink)
    {
        SecurityProfile resolvedProfile = ParseProfile(profile, sink);

        bool restricted = resolvedProfile == SecurityProfile.Restricted;
        List<TrustedImagePattern> patterns = new();
        // A typo must not widen the allowlist: malformed reads as false (trust only the listed patterns).
        if (PropertyParser.ParseBoolean("SecureContainerTrustMicrosoftBaseImages", trustMicrosoftBaseImages, true, sink, onError: false))
        {
            patterns.AddRange(MicrosoftBaseImages.Select(p => TrustedImagePattern.Parse(p)!));
        }

        foreach (string raw in trustedBaseImages.Where(t => !string.IsNullOrWhiteSpace(t)))
        {
            if (TrustedImagePattern.Parse(raw) is { } pattern)
            {
                patterns.Add(pattern);
            }
            else
            {
                sink.Report(ConfigurationDiagnostics.InvalidTrustedBaseImage.Create(raw));
            }
        }

        return new PolicyOptions
        {
            Profile = resolvedProfile,
            AllowRoot = PropertyParser.ParseBoolean("SecureContainerAllowRoot", allowRoot, false, sink, onError: false),
            RequireBaseImageDigest = PropertyParser.ParseBoolean("SecureContainerRequireBaseImageDigest", requireBaseImageDigest, restricted, sink, onError: true),
            RequireMinimalBaseImage = PropertyParser.ParseBoolean("SecureContainerRequireMinimalBaseImage", requireMinimalBaseImage, restricted, sink, onError: true),
            RequireTrustedBaseImage = PropertyParser.ParseBoolean("SecureContainerRequireTrustedBaseImage", requireTrustedBaseImage, true, sink, onError: true),
            TrustedBaseImages = patterns,
        };
    }
}

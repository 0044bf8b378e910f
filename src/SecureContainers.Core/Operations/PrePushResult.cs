using SecureContainers.Core.NuGet;
using SecureContainers.Core.Policy;
using SecureContainers.Core.Signing.Provenance;
using SecureContainers.Core.Vulnerabilities;

namespace SecureContainers.Core.Operations;

/// <summary>
/// What the pre-push check learned, handed in memory to the evidence step after the push: the base of each platform
/// (digest, contents, approved user), the NuGet closure of each RID and the advisories, so nothing is read twice.
/// </summary>
public sealed record PrePushResult
{
    /// <summary>False when any error was reported: nothing may be pushed.</summary>
    public required bool Passed { get; init; }

    public IReadOnlyList<PlatformGateResult> Platforms { get; init; } = [];

    /// <summary>The runtime closure by RID (the empty string for a RID-less restore).</summary>
    public IReadOnlyDictionary<string, NuGetRuntimeClosure> Closures { get; init; } = new Dictionary<string, NuGetRuntimeClosure>();

    public VulnerabilityReport? Advisories { get; init; }

    public SourceInfo? Source { get; init; }

    /// <summary>The SARIF report written, if any.</summary>
    public string? SarifFile { get; init; }

    public PlatformGateResult? PlatformFor(string runtimeIdentifier) =>
        Platforms.FirstOrDefault(p => string.Equals(p.RuntimeIdentifier, runtimeIdentifier, StringComparison.Ordinal));
}

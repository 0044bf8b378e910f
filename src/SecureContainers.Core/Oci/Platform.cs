using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Oci;

/// <summary>
/// An image platform (<c>os/architecture[/variant]</c>) in OCI terms. Variants are normalised the way containerd
/// does it: arm64 without a variant is v8, arm without a variant is v7, amd64 without a variant is v1.
/// </summary>
public sealed record Platform(string Os, string Architecture, string? Variant = null)
{
    private static readonly Dictionary<string, Platform> RidMap = new(StringComparer.OrdinalIgnoreCase)
    {
        ["linux-x64"] = new("linux", "amd64"),
        ["linux-musl-x64"] = new("linux", "amd64"),
        ["linux-arm64"] = new("linux", "arm64"),
        ["linux-musl-arm64"] = new("linux", "arm64"),
        ["linux-arm"] = new("linux", "arm", "v7"),
        ["linux-musl-arm"] = new("linux", "arm", "v7"),
        ["linux-x86"] = new("linux", "386"),
        ["linux-s390x"] = new("linux", "s390x"),
        ["linux-ppc64le"] = new("linux", "ppc64le"),
        ["linux-riscv64"] = new("linux", "riscv64"),
        ["win-x64"] = new("windows", "amd64"),
        ["win-arm64"] = new("windows", "arm64"),
    };

    /// <summary>The runtime identifiers <see cref="FromRuntimeIdentifier"/> accepts.</summary>
    public static IReadOnlyCollection<string> KnownRuntimeIdentifiers => RidMap.Keys;

    /// <summary>Maps a .NET RID to the platform its image must have; unknown RIDs are a coded error (SC3002).</summary>
    public static Platform FromRuntimeIdentifier(string rid)
    {
        if (rid is not null && RidMap.TryGetValue(rid, out Platform? platform))
        {
            return platform;
        }

        throw new SecureContainerException(OciDiagnostics.UnsupportedRuntimeIdentifier.Create(rid, string.Join(", ", RidMap.Keys)));
    }

    /// <summary>
    /// True when an index entry or image config declaring <paramref name="candidate"/> runs on this platform: same OS
    /// and architecture, and the same variant after normalisation (so linux/arm64 matches linux/arm64/v8).
    /// </summary>
    public bool Matches(Platform candidate) =>
        string.Equals(Os, candidate.Os, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Architecture, candidate.Architecture, StringComparison.OrdinalIgnoreCase)
        && string.Equals(NormalizedVariant(Architecture, Variant), NormalizedVariant(candidate.Architecture, candidate.Variant), StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    private static string? NormalizedVariant(string architecture, string? variant) =>
        string.IsNullOrEmpty(variant)
            ? architecture.ToLowerInvariant() switch { "arm64" => "v8", "arm" => "v7", "amd64" => "v1", _ => null }
            : variant;
}

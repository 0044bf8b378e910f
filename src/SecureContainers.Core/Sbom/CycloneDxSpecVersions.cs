using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Sbom;

/// <summary>Maps <c>SecureContainerSbomSpecVersion</c> values to <see cref="CycloneDxSpecVersion"/> and back.</summary>
public static class CycloneDxSpecVersions
{
    public const CycloneDxSpecVersion Default = CycloneDxSpecVersion.V1_6;

    /// <summary>Every version the writer emits, oldest first.</summary>
    public static IReadOnlyList<CycloneDxSpecVersion> All { get; } = [CycloneDxSpecVersion.V1_5, CycloneDxSpecVersion.V1_6, CycloneDxSpecVersion.V1_7];

    /// <summary><c>1.5</c>, <c>1.6</c> or <c>1.7</c> (surrounding white space ignored); empty means <see cref="Default"/>; anything else is SC5010.</summary>
    public static CycloneDxSpecVersion Parse(string? value)
    {
        string text = value?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return Default;
        }

        foreach (CycloneDxSpecVersion version in All)
        {
            if (string.Equals(text, ToText(version), StringComparison.Ordinal))
            {
                return version;
            }
        }

        throw new SecureContainerException(SbomDiagnostics.UnsupportedSpecVersion.Create(text));
    }

    /// <summary>The <c>specVersion</c> string, e.g. <c>1.6</c>.</summary>
    public static string ToText(CycloneDxSpecVersion version) => version switch
    {
        CycloneDxSpecVersion.V1_5 => "1.5",
        CycloneDxSpecVersion.V1_6 => "1.6",
        CycloneDxSpecVersion.V1_7 => "1.7",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unsupported CycloneDX version."),
    };
}

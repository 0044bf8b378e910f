using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Sbom;

/// <summary>Problems while collecting the image's components and writing its CycloneDX SBOM (SC5xxx).</summary>
public static class SbomDiagnostics
{

    public static readonly DiagnosticDescriptor InvalidSourceDateEpoch = new("SC5006", DiagnosticSeverity.Error,
        "SecureContainerSourceDateEpoch (SOURCE_DATE_EPOCH unless the project sets it) is '{0}', which is not a whole number of seconds since 1970-01-01 (0 to 253402300799). Reproducible builds take the SBOM timestamp from it; set it to the output of 'git log -1 --format=%ct' or unset it.")
    {
        CliMessageFormat = "SOURCE_DATE_EPOCH is '{0}', which is not a whole number of seconds since 1970-01-01 (0 to 253402300799). Reproducible builds take the SBOM timestamp from it; set it to the output of 'git log -1 --format=%ct' or unset it.",
    };

    public static readonly DiagnosticDescriptor WriteFailed = new("SC5007", DiagnosticSeverity.Error,
        "The SBOM could not be written to '{0}' ({1}). No partial file was left behind; check that the folder exists, is writable and has free space, or choose another path.");

    public static readonly DiagnosticDescriptor UnsupportedSpecVersion = new("SC5010", DiagnosticSeverity.Error,
        "SecureContainerSbomSpecVersion is '{0}', which is not a CycloneDX version SecureContainers writes. Set it to 1.5, 1.6 (the default) or 1.7.");
}

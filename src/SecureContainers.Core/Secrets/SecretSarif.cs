using SecureContainers.Core.Sarif;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// Maps the secret scan onto the shared SARIF model: one rule per secret rule, one result per finding (suppressed
/// ones carry their exclusion's justification), files relative to <see cref="PublishDirBase"/>, config values as
/// logical locations. The vulnerability gate adds its own rules and results to the same run.
/// </summary>
public static class SecretSarif
{
    public const string PublishDirBase = "PUBLISHDIR";

    public const string PublishDirDescription = "The app's publish directory, whose contents become the image's application layer.";

    public const string ImageRootBase = "IMAGEROOT";

    public const string ImageRootDescription = "The root of the image's file system, as its layers stack up.";

    public static IReadOnlyList<SarifRule> Rules { get; } = SecretRules.All
        .Select(r => new SarifRule(r.Code, ToPascalCase(r.Id), r.Title, r.Description, SarifWriter.LevelOf(r.Severity)))
        .ToArray();

    public static IReadOnlyList<SarifResult> Results(SecretScanResult scan) =>
        scan.Findings.Select(f => new SarifResult(f.Code, SarifWriter.LevelOf(f.Severity), f.ToDiagnostic().Message, LocationOf(f.Location))
        {
            SuppressionJustification = f.Suppression?.Justification,
        }).ToArray();

    /// <summary>A run holding only the secret scan (the build adds vulnerability results to the same lists).</summary>
    public static SarifRun ToRun(SecretScanResult scan, SarifTool tool) =>
        new(tool, Rules, Results(scan)) { UriBaseDescriptions = UriBases(scan) };

    /// <summary>PUBLISHDIR always (the build's reports have always named it); IMAGEROOT when a finding is in an image's layers.</summary>
    public static IReadOnlyDictionary<string, string> UriBases(SecretScanResult scan)
    {
        var bases = new Dictionary<string, string> { [PublishDirBase] = PublishDirDescription };
        if (scan.Findings.Any(f => f.Location.Kind == SecretLocationKind.ImageFile))
        {
            bases[ImageRootBase] = ImageRootDescription;
        }

        return bases;
    }

    private static SarifLocation LocationOf(SecretLocation location) => location.Kind switch
    {
        SecretLocationKind.File => new SarifPhysicalLocation(PublishDirBase, location.Name, location.Line),
        SecretLocationKind.ImageFile => new SarifPhysicalLocation(ImageRootBase, location.Key, location.Line),
        SecretLocationKind.EnvironmentVariable => new SarifLogicalLocation(location.Name, location.Key, "variable"),
        SecretLocationKind.Label => new SarifLogicalLocation(location.Name, location.Key, "property"),
        _ => new SarifLogicalLocation(location.Name, location.Key, "parameter"),
    };

    private static string ToPascalCase(string id) =>
        string.Concat(id.Split('-').Select(part => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));
}

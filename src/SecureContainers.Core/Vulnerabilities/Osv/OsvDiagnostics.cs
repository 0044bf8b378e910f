using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Vulnerabilities.Osv;

/// <summary>SC7200–SC7219: the offline OSV database (SecureContainerVulnerabilityDatabase) and the OS packages matched against it.</summary>
public static class OsvDiagnostics
{
    public static readonly DiagnosticDescriptor DatabaseNotFound = new(
        "SC7200",
        DiagnosticSeverity.Error,
        "The vulnerability database '{0}' could not be read ({1}), so the image's OS packages were not checked for known vulnerabilities. " +
        "Fix: point SecureContainerVulnerabilityDatabase at a folder of OSV JSON records or osv-scanner's offline layout (<folder>/<Ecosystem>/all.zip, downloaded from https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip), or remove the property.");

    public static readonly DiagnosticDescriptor MalformedRecord = new(
        "SC7201",
        DiagnosticSeverity.Warning,
        "The OSV record {0} in the vulnerability database was skipped: {1}. The other records are still used, but the vulnerability it describes is not checked. " +
        "Fix: download the database again (a truncated download looks like this), or report the record to its publisher.");

    public static readonly DiagnosticDescriptor RecordTooLarge = new(
        "SC7202",
        DiagnosticSeverity.Warning,
        "The OSV record {0} is {1} bytes, over the {2}-byte limit for one record, so it was skipped unread (an oversized entry can exhaust memory). " +
        "Fix: check that the database file is the one osv.dev publishes; real records are far smaller.");

    public static readonly DiagnosticDescriptor TooManyRecords = new(
        "SC7203",
        DiagnosticSeverity.Error,
        "The vulnerability database '{0}' holds more than {1} records; reading stopped there, so the check is incomplete. " +
        "Fix: keep only the ecosystems the images use (for example Debian/all.zip and NuGet/all.zip) in the folder.");

    public static readonly DiagnosticDescriptor UnreadableArchive = new(
        "SC7204",
        DiagnosticSeverity.Error,
        "The vulnerability database archive '{0}' could not be read ({1}), so none of its records were checked against. " +
        "Fix: download it again from https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip.");

    public static readonly DiagnosticDescriptor MoreSkippedRecords = new(
        "SC7205",
        DiagnosticSeverity.Warning,
        "{0} more OSV records of the vulnerability database '{1}' were skipped as malformed or oversized (the first ones are reported above). " +
        "Fix: download the database again.");

    public static readonly DiagnosticDescriptor UncomparableVersion = new(
        "SC7206",
        DiagnosticSeverity.Warning,
        "The OSV record {0} ({1}) has a version range for {2} that cannot be ordered against {3} {4}, so that range was not evaluated. " +
        "Fix: report the record to its publisher; check {3} by hand against {5}.");

    public static readonly DiagnosticDescriptor OperatingSystemNotCovered = new(
        "SC7207",
        DiagnosticSeverity.Warning,
        "The base image of {0} runs {1}, which has no OSV ecosystem here (Debian, Ubuntu, Alpine and Azure Linux are matched), so its {2} OS packages were not checked for known vulnerabilities. " +
        "Fix: use a base image on one of those, or check the image with a scanner for its distribution.");

    public static readonly DiagnosticDescriptor DatabaseRead = new(
        "SC7208",
        DiagnosticSeverity.Message,
        "SecureContainers: vulnerability database '{0}': {1} OSV records ({2} withdrawn and ignored) for {3} ecosystem(s).");

    public static readonly DiagnosticDescriptor EcosystemMissing = new(
        "SC7209",
        DiagnosticSeverity.Warning,
        "The vulnerability database '{0}' holds no record for {1}, the ecosystem of the base image of {2}, so its OS packages are unchecked, not clean. " +
        "Fix: add that ecosystem's records (osv-scanner's layout: '{0}/{3}/all.zip').");

    /// <summary>An error under Restricted, a warning under Baseline.</summary>
    public static readonly DiagnosticDescriptor KnownOsVulnerability = new(
        "SC7210",
        DiagnosticSeverity.Error,
        "The base image of {0} has {1} {2} (source package {3}), which has a known {4} vulnerability {5} ({6}){7}. " +
        "It is at or above SecureContainerVulnerabilitySeverity ({8}), so the image should not be published with it. " +
        "Fix: {9}, or, if it does not apply to this app, suppress it with <SecureContainerVulnerabilitySuppression Include=\"{5}\" Justification=\"why it does not apply\" />.")
    {
        CliMessageFormat =
            "The base image of {0} has {1} {2} (source package {3}), which has a known {4} vulnerability {5} ({6}){7}. " +
            "It is at or above the check's threshold ({8}); --profile Restricted makes this an error when a fix is published, Baseline a warning. " +
            "Fix: {9}, rebuild the image and push it again.",
    };

    public static readonly DiagnosticDescriptor OsVulnerabilityBelowThreshold = new(
        "SC7211",
        DiagnosticSeverity.Message,
        "The base image of {0} has {1} {2} (source package {3}), which has a known {4} vulnerability {5} ({6}){7}. " +
        "It is below SecureContainerVulnerabilitySeverity ({8}), so it does not fail the build. Fix: {9} when you can.");

    public static readonly DiagnosticDescriptor OsVulnerabilitySuppressed = new(
        "SC7212",
        DiagnosticSeverity.Message,
        "The {0} vulnerability {1} ({2}) in {3} {4} of the base image of {5} is suppressed by {6}; the SBOM records it with the justification: {7}");

    public static readonly DiagnosticDescriptor OsVulnerabilityUnknownSeverity = new(
        "SC7213",
        DiagnosticSeverity.Warning,
        "The base image of {0} has {1} {2} (source package {3}), which has the known vulnerability {4} ({5}){6}, whose record gives no severity, so no threshold applies. " +
        "Fix: read the advisory and {7}, or suppress it with <SecureContainerVulnerabilitySuppression Include=\"{4}\" Justification=\"why it does not apply\" />.")
    {
        CliMessageFormat =
            "The base image of {0} has {1} {2} (source package {3}), which has the known vulnerability {4} ({5}){6}, whose record gives no severity, so no threshold applies. " +
            "Fix: read the advisory and {7}, then rebuild the image.",
    };

    /// <summary>An error under Restricted, a warning under Baseline.</summary>
    public static readonly DiagnosticDescriptor DatabaseStale = new(
        "SC7214",
        DiagnosticSeverity.Warning,
        "The vulnerability database '{0}' is {1} old (its newest record was modified {2}), older than SecureContainerVulnerabilityDatabaseMaxAge ({3}), so vulnerabilities published since then are not checked. " +
        "Fix: download it again (https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip), or raise SecureContainerVulnerabilityDatabaseMaxAge if an older database is accepted on purpose.")
    {
        CliMessageFormat =
            "The vulnerability database '{0}' is {1} old (its newest record was modified {2}), older than {3}, so vulnerabilities published since then are not checked; --profile Restricted makes this an error. " +
            "Fix: download it again (https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip) and pass it with --db.",
    };

    public static readonly DiagnosticDescriptor InvalidMaxAge = new(
        "SC7215",
        DiagnosticSeverity.Error,
        "SecureContainerVulnerabilityDatabaseMaxAge is '{0}', which is not an age, so the default (7d) was used. " +
        "Fix: set it to a whole number of days or hours, such as 7d or 36h.");

    public static readonly DiagnosticDescriptor SbomNotScannable = new(
        "SC7216",
        DiagnosticSeverity.Error,
        "The SBOM attached to {0} cannot be scanned: {1}. Nothing was matched against the vulnerability database, so the image is unchecked, not clean. " +
        "Fix: attach the CycloneDX JSON SBOM the build wrote for this image again (securecontainers attach {0} --sbom FILE), or scan that file directly.");

    public static readonly DiagnosticDescriptor ExcludedComponentVulnerability = new(
        "SC7217",
        DiagnosticSeverity.Message,
        "{0} {1} is in the SBOM with scope excluded (restored for the build, not shipped in the image), and the {2} vulnerability {3} ({4}) affects it. " +
        "It is listed for information and never fails the scan. Fix: none needed for the image; move {0} to {5} to keep the build itself clean.");

    public static readonly DiagnosticDescriptor IndexCacheUnreadable = new(
        "SC7218",
        DiagnosticSeverity.Message,
        "The cached index of '{0}' ({1}) could not be read ({2}), so it was rebuilt from the archive and written again. " +
        "Fix: none needed; if this repeats, delete the folder {3}.");
}

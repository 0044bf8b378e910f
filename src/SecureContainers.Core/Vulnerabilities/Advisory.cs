namespace SecureContainers.Core.Vulnerabilities;

/// <summary>
/// One known vulnerability of one package, as a NuGet vulnerability feed publishes it.
/// </summary>
/// <param name="Id">The advisory's identifier, e.g. <c>GHSA-5crp-9r3c-p9vr</c> (see <see cref="IdFromUrl"/>).</param>
/// <param name="Url">The advisory page; NuGet identifies advisories by it (<c>NuGetAuditSuppress</c> matches it).</param>
/// <param name="Severity">The feed's rating.</param>
/// <param name="AffectedVersions">The affected versions as a NuGet version range string, e.g. <c>(, 13.0.1)</c>.</param>
/// <param name="SourceName">The NuGet source (audit source or package source) that reported it, by its nuget.config name.</param>
public sealed record Advisory(string Id, string Url, VulnerabilitySeverity Severity, string AffectedVersions, string? SourceName = null)
{
    /// <summary>
    /// The advisory id NuGet feeds imply: their data has only a URL, and the last path segment of a GitHub advisory
    /// URL (<c>https://github.com/advisories/GHSA-…</c>) is its GHSA id. For other URLs the whole URL is the id,
    /// since a guessed id could collide with a real one.
    /// </summary>
    public static string IdFromUrl(string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (Uri.TryCreate(url, UriKind.Absolute, out Uri? uri))
        {
            string last = uri.AbsolutePath.TrimEnd('/');
            last = last[(last.LastIndexOf('/') + 1)..];
            // GitHub writes GHSA ids with a lowercase body and CVE ids in uppercase; normalize so matching is exact.
            if (last.StartsWith("GHSA-", StringComparison.OrdinalIgnoreCase))
            {
                return "GHSA-" + last[5..].ToLowerInvariant();
            }

            if (last.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase))
            {
                return last.ToUpperInvariant();
            }
        }

        return url;
    }

    /// <summary>Builds an advisory from what NuGet's vulnerability data carries (URL, severity, range).</summary>
    public static Advisory FromUrl(string url, VulnerabilitySeverity severity, string affectedVersions, string? sourceName = null) =>
        new(IdFromUrl(url), url, severity, affectedVersions, sourceName);
}

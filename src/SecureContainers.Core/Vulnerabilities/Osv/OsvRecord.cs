namespace SecureContainers.Core.Vulnerabilities.Osv;

/// <summary>
/// One OSV record (https://ossf.github.io/osv-schema/), as much of it as matching needs. <see cref="Origin"/> says where
/// it was read (<c>Debian/all.zip!DSA-5514-1.json</c>) for messages.
/// </summary>
public sealed record OsvRecord
{
    public required string Id { get; init; }

    /// <summary>Other ids of the same vulnerability (<c>aliases</c>); records sharing an id are one vulnerability.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    public DateTimeOffset? Modified { get; init; }

    /// <summary>Set for a record its publisher withdrew; the database ignores those.</summary>
    public DateTimeOffset? Withdrawn { get; init; }

    public string? Summary { get; init; }

    public OsvSeverity Severity { get; init; } = OsvSeverity.Unknown;

    public IReadOnlyList<OsvAffected> Affected { get; init; } = [];

    public required string Origin { get; init; }

    /// <summary>The advisory page: osv.dev's, which exists for every id the database holds.</summary>
    public string Url => "https://osv.dev/vulnerability/" + Uri.EscapeDataString(Id);
}

/// <summary>
/// How bad a record says it is: <see cref="Level"/> and, when it came from a CVSS vector, the score and vector. <see cref="Basis"/>
/// names where it came from (<c>CVSS_V3</c>, <c>CVSS_V4</c>, <c>database_specific</c>, <c>Ubuntu</c>), for the report.
/// </summary>
public sealed record OsvSeverity(VulnerabilitySeverity Level, double? Score, string? Vector, string Basis)
{
    public static readonly OsvSeverity Unknown = new(VulnerabilitySeverity.Unknown, null, null, "none");
}

/// <summary>One <c>affected[]</c> entry: a package of an ecosystem, its ranges and explicit versions.</summary>
public sealed record OsvAffected(string Ecosystem, string Name, IReadOnlyList<OsvRange> Ranges, IReadOnlyList<string> Versions);

public enum OsvRangeType
{
    Ecosystem,
    Semver,
}

/// <summary>An ECOSYSTEM or SEMVER range (GIT ranges name commits, which installed packages do not have).</summary>
public sealed record OsvRange(OsvRangeType Type, IReadOnlyList<OsvEvent> Events);

public enum OsvEventKind
{
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

public readonly record struct OsvEvent(OsvEventKind Kind, string Version);

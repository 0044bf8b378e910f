namespace SecureContainers.Core.Packages;

/// <summary>One entry of a component's <c>licenses</c>: an SPDX id, a free-text name, or an SPDX expression.</summary>
public sealed record PackageLicense
{
    private PackageLicense(string? spdxId, string? name, string? expression, string? url)
    {
        SpdxId = spdxId;
        Name = name;
        Expression = expression;
        Url = url;
    }

    public string? SpdxId { get; }

    public string? Name { get; }

    public string? Expression { get; }

    public string? Url { get; }

    public static PackageLicense FromSpdxId(string spdxId, string? url = null) => new(Required(spdxId), null, null, url);

    public static PackageLicense FromName(string name, string? url = null) => new(null, Required(name), null, url);

    public static PackageLicense FromExpression(string expression) => new(null, null, Required(expression), null);

    private static string Required(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        return value;
    }
}

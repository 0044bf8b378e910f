namespace SecureContainers.Core.Sbom;

/// <summary>The hash algorithms CycloneDX names; only those SecureContainers computes or reads are listed.</summary>
public enum SbomHashAlgorithm
{
    Sha256,
    Sha384,
    Sha512,
}

/// <summary>A component hash; <see cref="Content"/> is hex (the writer lowercases it and checks its length).</summary>
public sealed record SbomHash(SbomHashAlgorithm Algorithm, string Content);

/// <summary>A CycloneDX name/value property. Names use the <c>securecontainers:</c> namespace for our own facts.</summary>
public sealed record SbomProperty(string Name, string Value);

/// <summary>One entry of a component's <c>licenses</c>: an SPDX id, a free-text name, or an SPDX expression.</summary>
public sealed record SbomLicense
{
    private SbomLicense(string? spdxId, string? name, string? expression, string? url)
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

    public static SbomLicense FromSpdxId(string spdxId, string? url = null) => new(Required(spdxId), null, null, url);

    public static SbomLicense FromName(string name, string? url = null) => new(null, Required(name), null, url);

    public static SbomLicense FromExpression(string expression) => new(null, null, Required(expression), null);

    private static string Required(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        return value;
    }
}

/// <summary>The CycloneDX external reference types SecureContainers emits.</summary>
public enum SbomExternalReferenceType
{
    Vcs,
    Website,
    Distribution,
}

/// <summary>A link from a component to somewhere else (its source repository, its registry).</summary>
public sealed record SbomExternalReference(SbomExternalReferenceType Type, string Url);

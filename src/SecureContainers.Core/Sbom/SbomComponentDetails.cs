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


/// <summary>The CycloneDX external reference types SecureContainers emits.</summary>
public enum SbomExternalReferenceType
{
    Vcs,
    Website,
    Distribution,
}

/// <summary>A link from a component to somewhere else (its source repository, its registry).</summary>
public sealed record SbomExternalReference(SbomExternalReferenceType Type, string Url);

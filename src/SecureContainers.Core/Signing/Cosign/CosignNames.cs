using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Signing.Cosign;

/// <summary>Where cosign keeps signatures and attestations, and how it names an image's repository.</summary>
public static class CosignNames
{
    public const string SimpleSigningMediaType = "application/vnd.dev.cosign.simplesigning.v1+json";
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";
    public const string DsseEnvelopeMediaType = "application/vnd.dsse.envelope.v1+json";
    public const string PredicateTypeAnnotation = "predicateType";

    /// <summary><c>sha256-&lt;hex&gt;.sig</c>: the tag-based discovery scheme of cosign's signature spec.</summary>
    public static string SignatureTag(Digest digest) => $"{digest.Algorithm}-{digest.Hex}.sig";

    /// <summary><c>sha256-&lt;hex&gt;.att</c>.</summary>
    public static string AttestationTag(Digest digest) => $"{digest.Algorithm}-{digest.Hex}.att";

    /// <summary>
    /// The repository name as cosign writes it into payloads and statement subjects (go-containerregistry's
    /// <c>Repository.Name()</c>): <c>registry/repository</c>, with Docker Hub spelled <c>index.docker.io</c>.
    /// </summary>
    public static string RepositoryName(string registry, string repository) =>
        (registry == ImageReference.DockerHub ? "index.docker.io" : registry) + "/" + repository;

    /// <summary>
    /// Whether a <c>docker-reference</c> from a payload names <paramref name="registry"/>/<paramref name="repository"/>.
    /// Both are normalised the same way (docker.io = index.docker.io, <c>library/</c>); a tag or digest on the
    /// reference is allowed, since other signers write one, but the repository must be the same.
    /// </summary>
    public static bool SameRepository(string dockerReference, string registry, string repository)
    {
        ImageReference named;
        try
        {
            named = ImageReference.Parse(dockerReference);
        }
        catch (SecureContainerException)
        {
            return false;
        }

        ImageReference expected = ImageReference.Parse(RepositoryName(registry, repository));
        return string.Equals(named.Registry, expected.Registry, StringComparison.OrdinalIgnoreCase)
            && string.Equals(named.Repository, expected.Repository, StringComparison.Ordinal);
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Dsse;

namespace SecureContainers.Core.Tests.Signing.Bundles;

/// <summary>
/// Key-based bundles built the way cosign v3 lays them out (a DSSE in-toto statement, or a message signature; a
/// public-key hint; no log entry), made here from the shared model so these tests do not depend on the bundle writer.
/// </summary>
internal static class TestBundles
{
    public static SigstoreBundle Statement(ISigner signer, Digest subject, string predicateType = BundleVerifier.CosignSignPredicateType, string predicate = "{}")
    {
        using JsonDocument doc = JsonDocument.Parse(predicate);
        byte[] statement = InTotoStatement.Create("registry.test/app", subject, predicateType, doc.RootElement);
        return new SigstoreBundle(VerificationMaterial.ForKey(""), DsseEnvelope.Sign(DsseEnvelope.InTotoPayloadType, statement, signer), null);
    }

    /// <summary>A message signature over <paramref name="content"/>, whose SHA-256 is the digest it names.</summary>
    public static SigstoreBundle Message(ISigner signer, byte[] content) =>
        new(VerificationMaterial.ForKey(""), null, new MessageSignature("SHA2_256", SHA256.HashData(content), signer.Sign(content)));

    public static Task<Descriptor> AttachAsync(RegistryClient client, string repository, Descriptor subject, SigstoreBundle bundle, string? predicateType = null)
    {
        Dictionary<string, string> annotations = new()
        {
            ["dev.sigstore.bundle.content"] = bundle.Content,
            ["org.opencontainers.image.created"] = "2025-01-01T00:00:00Z",
        };
        if (predicateType is not null)
        {
            annotations["dev.sigstore.bundle.predicateType"] = predicateType;
        }

        ArtifactLayer layer = new(bundle.ToJson(), SigstoreBundle.MediaTypeV03,
            new Dictionary<string, string> { ["org.opencontainers.image.title"] = $"{subject.Digest.Algorithm}-{subject.Digest.Hex}.sigstore.json" });
        return client.AttachArtifactAsync(new ArtifactRequest("registry.test", repository, subject, SigstoreBundle.MediaTypeV03, [layer]) { Annotations = annotations }, CancellationToken.None);
    }
}

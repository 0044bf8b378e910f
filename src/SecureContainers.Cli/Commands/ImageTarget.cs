using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Cli.Commands;

/// <summary>
/// The image a writing verb (attach, sign, attest) works on: the reference and optional <c>--platform</c>, both checked
/// before any network access, then resolved to one manifest digest that every write is bound to.
/// </summary>
internal sealed record ImageTarget(ImageReference Image, Platform? Platform)
{
    public static ImageTarget Parse(string image, string? platform) =>
        new(ImageReference.Parse(image), platform is null ? null : PlatformText.Parse(platform));

    /// <summary>
    /// Resolves a tag <b>once</b>: a tag moved by another push meanwhile cannot make one verb sign one image and attest
    /// another. Without --platform an index is itself the subject (as cosign does); with it, that platform's manifest.
    /// </summary>
    public async Task<Digest> ResolveAsync(RegistryClient client, CancellationToken ct)
    {
        Digest digest = Image.Digest ?? (await client.GetManifestAsync(Image.Registry, Image.Repository, Image.ReferenceForApi, ct).ConfigureAwait(false)).Digest;
        if (Platform is not null)
        {
            digest = (await client.ResolveAsync(Image with { Digest = digest }, Platform, ct).ConfigureAwait(false)).ManifestDigest;
        }

        return digest;
    }

    /// <summary><c>registry/repository@digest</c>: what was written to, without the tag that pointed there.</summary>
    public string Pinned(Digest digest) => $"{Image.Registry}/{Image.Repository}@{digest}";
}

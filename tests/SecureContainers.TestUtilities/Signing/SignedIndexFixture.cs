using SecureContainers.TestUtilities.Registry;
using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.TestUtilities.Signing;

/// <summary>
/// A multi-platform image as a secured multi-RID publish leaves it (build/SecureContainers.Build.targets,
/// _SecureContainerEvidence and _SecureContainerSignIndex): every platform manifest signed and attested with its SBOM and
/// provenance, the index signed and attested with provenance only. Tests then take pieces away.
/// </summary>
public sealed class SignedIndexFixture : IDisposable
{
    public const string Host = "registry.test";
    public const string Repository = "app";
    public const string Tag = "1.0";

    private static readonly CancellationToken None = CancellationToken.None;

    private readonly List<IDisposable> _owned = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("sc-index-").FullName;

    public SignedIndexFixture(FakeRegistry? registry = null)
    {
        Registry = registry ?? new FakeRegistry(Host);
        Client = new RegistryClient(Registry.Options());
        Amd64 = Registry.AddImage(Repository, null, new Platform("linux", "amd64"), "1654", MediaTypes.OciManifestV1, [1]);
        Arm64 = Registry.AddImage(Repository, null, new Platform("linux", "arm64", "v8"), "1654", MediaTypes.OciManifestV1, [2]);
        Signer = NewSigner("key.pem");
        OtherSigner = NewSigner("other.pem");
        PublicKeyPath = Path.Combine(_dir, "key.pub");
        File.WriteAllText(PublicKeyPath, Signer.PublicKey.ToPem());
    }

    /// <summary><see cref="Signer"/>'s public key as a PEM file, for <c>verify --key</c>.</summary>
    public string PublicKeyPath { get; }

    public FakeRegistry Registry { get; }

    public RegistryClient Client { get; }

    public FakeRegistry.FakeImage Amd64 { get; }

    public FakeRegistry.FakeImage Arm64 { get; }

    public EcdsaFileSigner Signer { get; }

    /// <summary>A second key: what it signs is not valid for <see cref="Signer"/>'s public key.</summary>
    public EcdsaFileSigner OtherSigner { get; }

    public Digest IndexDigest { get; private set; }

    /// <summary>
    /// Pushes the index (tag <see cref="Tag"/>) listing both platforms and, like buildx, one attestation manifest
    /// (platform unknown/unknown) when asked.
    /// </summary>
    public Digest AddIndex(bool withAttestationManifest = false, params FakeRegistry.FakeImage[] extra)
    {
        List<object> entries = new[] { Amd64, Arm64 }.Concat(extra).Select(Entry).ToList();
        if (withAttestationManifest)
        {
            FakeRegistry.FakeImage attestation = Registry.AddImage(Repository, null, new Platform("unknown", "unknown"), null, MediaTypes.OciManifestV1, [3]);
            entries.Add(new
            {
                mediaType = MediaTypes.OciManifestV1,
                digest = attestation.Digest.ToString(),
                size = attestation.Size,
                platform = new { os = "unknown", architecture = "unknown" },
                annotations = new Dictionary<string, string>
                {
                    ["vnd.docker.reference.type"] = "attestation-manifest",
                    ["vnd.docker.reference.digest"] = Amd64.Digest.ToString(),
                },
            });
        }

        byte[] index = JsonSerializer.SerializeToUtf8Bytes(new { schemaVersion = 2, mediaType = MediaTypes.OciIndexV1, manifests = entries });
        IndexDigest = Registry.AddManifest(Repository, Tag, index, MediaTypes.OciIndexV1);
        return IndexDigest;
    }

    /// <summary>What the build does to one platform manifest: signature, SBOM attestation, provenance attestation.</summary>
    public async Task SignPlatformAsync(FakeRegistry.FakeImage image, bool sbom = true, bool provenance = true, EcdsaFileSigner? signer = null)
    {
        signer ??= Signer;
        await CosignSigner.SignImageAsync(Client, Host, Repository, image.Digest, signer, None);
        if (sbom)
        {
            await CosignAttestor.AttestImageAsync(Client, Host, Repository, image.Digest, InTotoStatement.CycloneDxPredicateType, """{"bomFormat":"CycloneDX"}"""u8.ToArray(), signer, None);
        }

        if (provenance)
        {
            await AttestProvenanceAsync(image.Digest, signer);
        }
    }

    /// <summary>What the build does to the index: signature and provenance, no SBOM (an SBOM describes one platform).</summary>
    public async Task SignIndexAsync(bool provenance = true)
    {
        await CosignSigner.SignImageAsync(Client, Host, Repository, IndexDigest, Signer, None);
        if (provenance)
        {
            await AttestProvenanceAsync(IndexDigest, Signer);
        }
    }

    /// <summary>The whole secured multi-RID publish.</summary>
    public async Task PublishSignedAsync(bool withAttestationManifest = false)
    {
        AddIndex(withAttestationManifest);
        await SignPlatformAsync(Amd64);
        await SignPlatformAsync(Arm64);
        await SignIndexAsync();
    }

    public Task AttestProvenanceAsync(Digest digest, EcdsaFileSigner signer) =>
        CosignAttestor.AttestImageAsync(Client, Host, Repository, digest, InTotoStatement.SlsaProvenanceV1PredicateType, """{"buildDefinition":{}}"""u8.ToArray(), signer, None);

    private static object Entry(FakeRegistry.FakeImage image) => new
    {
        mediaType = MediaTypes.OciManifestV1,
        digest = image.Digest.ToString(),
        size = image.Size,
        platform = image.Platform.Variant is null
            ? (object)new { os = image.Platform.Os, architecture = image.Platform.Architecture }
            : new { os = image.Platform.Os, architecture = image.Platform.Architecture, variant = image.Platform.Variant },
    };

    private EcdsaFileSigner NewSigner(string name)
    {
        using System.Security.Cryptography.ECDsa key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        using KeyPassword none = KeyPassword.FromChars("", "TEST_PASSWORD");
        EcdsaFileSigner signer = EcdsaFileSigner.Load(path, none);
        _owned.Add(signer);
        return signer;
    }

    public void Dispose()
    {
        Client.Dispose();
        foreach (IDisposable d in _owned)
        {
            d.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
    }
}

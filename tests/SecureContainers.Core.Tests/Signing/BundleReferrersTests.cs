using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Attestations;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Cosign;
using SecureContainers.Core.Signing.Keys;
using SecureContainers.Core.Signing.Provenance;
using SecureContainers.TestUtilities.Validation;

namespace SecureContainers.Core.Tests.Signing;

/// <summary>
/// cosign v3 Sigstore bundles pushed as OCI referrers (cosign specs/BUNDLE_SPEC.md, pkg/oci/remote/write.go WriteReferrer),
/// against the fake registry with and without the referrers API, and judged by sigstore's own JS verifier.
/// </summary>
public sealed class BundleReferrersTests : IDisposable
{
    private const string BundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1795341600); // 2026-11-22T10:00:00Z
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly byte[] Sbom = """{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[]}"""u8.ToArray();

    private readonly SigningFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static ProvenanceInputs Provenance => new()
    {
        Project = "app.csproj",
        Repository = "registry.test/app",
        Builder = BuilderIdentity.Local,
        StartedOn = Created,
        FinishedOn = Created,
    };

    private ImageSigningRequest Request(ISigner signer, SignatureFormat format = SignatureFormat.Bundle, bool attest = false) =>
        new(SigningFixture.Host, "app", _fixture.Digest, signer)
        {
            Format = format,
            Sbom = attest ? Sbom : null,
            Provenance = attest ? Provenance : null,
            Created = Created,
        };

    private async Task<byte[]> BundleBytesAsync(Digest manifestDigest)
    {
        (_, string mediaType, byte[] bytes) = await _fixture.Client.GetManifestAsync(SigningFixture.Host, "app", manifestDigest.ToString(), None);
        Descriptor layer = Assert.Single(ImageManifest.Parse(bytes, mediaType).Layers);
        await using DigestVerifyingStream stream = await _fixture.Client.OpenBlobAsync(SigningFixture.Host, "app", layer, None);
        using MemoryStream copy = new();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private JsonElement[] FallbackEntries()
    {
        byte[] bytes = _fixture.Registry.ManifestAt("app", RegistryClient.ReferrersTag(_fixture.Digest)) ?? throw new InvalidOperationException("no referrers tag");
        using JsonDocument doc = JsonDocument.Parse(bytes);
        return doc.RootElement.GetProperty("manifests").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    [Fact]
    public void TheSignStatementIsTheOneCosignV3SignsForADigest()
    {
        Digest digest = Digest.Parse("sha256:" + new string('a', 64));

        // cosign signDigestBundle: protojson of intotov1.Statement, subject without a name and with an empty annotations struct.
        Assert.Equal(
            """{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},"annotations":{}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}""",
            Encoding.UTF8.GetString(CosignSignStatement.Create(digest)));
    }

    [Fact]
    public void ThePublicKeyHintIsBase64OfTheSha256OfTheSubjectPublicKeyInfo()
    {
        (string path, EcdsaFileSigner signer) = _fixture.NewKey();
        using (signer)
        {
            using ECDsa key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(path));
            string expected = Convert.ToBase64String(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

            Assert.Equal(expected, PublicKeyWitness.HintFor(signer.PublicKey));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheSignatureBundleIsAReferrerShapedAsCosignWritesIt(bool referrersApi)
    {
        _fixture.Registry.ReferrersApi = referrersApi;
        (_, EcdsaFileSigner signer) = _fixture.NewKey();
        using (signer)
        {
            SigningResult result = await ImageSigning.SignAsync(_fixture.Client, Request(signer), None);

            ImageBundle bundle = Assert.Single(result.Bundles);
            Assert.True(bundle.Added);
            byte[] manifest = _fixture.Registry.ManifestAt("app", bundle.Manifest.ToString())!;
            byte[] bundleBytes = await BundleBytesAsync(bundle.Manifest);
            Digest layer = Digest.Sha256(bundleBytes);
            Assert.Equal(
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"" + BundleType + "\"," +
                "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2,\"artifactType\":\"" + BundleType + "\"}," +
                $"\"layers\":[{{\"mediaType\":\"{BundleType}\",\"digest\":\"{layer}\",\"size\":{bundleBytes.Length}}}]," +
                $"\"subject\":{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{_fixture.Digest}\",\"size\":{_fixture.Image.Size}}}," +
                "\"annotations\":{\"dev.sigstore.bundle.content\":\"dsse-envelope\",\"dev.sigstore.bundle.predicateType\":\"https://sigstore.dev/cosign/sign/v1\",\"org.opencontainers.image.created\":\"2026-11-22T10:00:00Z\"}}",
                Encoding.UTF8.GetString(manifest));

            // The bundle: v0.3, the key's hint, the sign statement in a DSSE envelope whose one signature has no keyid.
            using JsonDocument doc = JsonDocument.Parse(bundleBytes);
            JsonElement root = doc.RootElement;
            Assert.Equal(["mediaType", "verificationMaterial", "dsseEnvelope"], root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(BundleType, root.GetProperty("mediaType").GetString());
            Assert.Equal(PublicKeyWitness.HintFor(signer.PublicKey), root.GetProperty("verificationMaterial").GetProperty("publicKey").GetProperty("hint").GetString());
            JsonElement envelope = root.GetProperty("dsseEnvelope");
            Assert.Equal(CosignSignStatement.Create(_fixture.Digest), Convert.FromBase64String(envelope.GetProperty("payload").GetString()!));
            Assert.Equal("application/vnd.in-toto+json", envelope.GetProperty("payloadType").GetString());
            Assert.Equal(["sig"], Assert.Single(envelope.GetProperty("signatures").EnumerateArray()).EnumerateObject().Select(p => p.Name));

            IReadOnlyList<Descriptor> listed = await _fixture.Client.GetReferrersAsync(SigningFixture.Host, "app", _fixture.Digest, BundleType, None);
            Assert.Equal(bundle.Manifest, Assert.Single(listed).Digest);
            if (referrersApi)
            {
                Assert.Null(_fixture.Registry.ManifestAt("app", RegistryClient.ReferrersTag(_fixture.Digest)));
            }
            else
            {
                // Kyverno and others filter fallback entries by artifactType: each one carries it, and the annotations.
                JsonElement entry = Assert.Single(FallbackEntries());
                Assert.Equal(BundleType, entry.GetProperty("artifactType").GetString());
                Assert.Equal("dsse-envelope", entry.GetProperty("annotations").GetProperty("dev.sigstore.bundle.content").GetString());
                Assert.Equal("https://sigstore.dev/cosign/sign/v1", entry.GetProperty("annotations").GetProperty("dev.sigstore.bundle.predicateType").GetString());
                Assert.Equal("2026-11-22T10:00:00Z", entry.GetProperty("annotations").GetProperty("org.opencontainers.image.created").GetString());
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SigningAndAttestingAgainWithTheSameKeyPushesNoSecondBundle(bool referrersApi)
    {
        _fixture.Registry.ReferrersApi = referrersApi;
        (_, EcdsaFileSigner signer) = _fixture.NewKey();
        (_, EcdsaFileSigner other) = _fixture.NewKey("other.pem");
        using (signer)
        using (other)
        {
            SigningResult first = await ImageSigning.SignAsync(_fixture.Client, Request(signer, attest: true), None);
            SigningResult again = await ImageSigning.SignAsync(_fixture.Client, Request(signer, attest: true), None);

            Assert.All(first.Bundles, b => Assert.True(b.Added));
            Assert.All(again.Bundles, b => Assert.False(b.Added));
            Assert.Equal(first.Bundles.Select(b => b.Manifest), again.Bundles.Select(b => b.Manifest));
            Assert.Equal(3, (await _fixture.Client.GetReferrersAsync(SigningFixture.Host, "app", _fixture.Digest, BundleType, None)).Count);

            // Another key's signature is another bundle, kept next to the first.
            SigningResult byOther = await ImageSigning.SignAsync(_fixture.Client, Request(other), None);
            Assert.True(Assert.Single(byOther.Bundles).Added);
            Assert.Equal(4, (await _fixture.Client.GetReferrersAsync(SigningFixture.Host, "app", _fixture.Digest, BundleType, None)).Count);
        }
    }

    [Fact]
    public async Task ForeignReferrersInTheFallbackIndexAreKept()
    {
        // Another tool's artifact, already listed under the referrers tag with its own fields.
        const string foreign = """{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","size":7,"artifactType":"application/vnd.example.other","annotations":{"z":"1"}}""";
        _fixture.Registry.AddManifest("app", RegistryClient.ReferrersTag(_fixture.Digest),
            Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{foreign}}]}"""), MediaTypes.OciIndexV1);
        (_, EcdsaFileSigner signer) = _fixture.NewKey();
        using (signer)
        {
            SigningResult result = await ImageSigning.SignAsync(_fixture.Client, Request(signer, attest: true), None);

            JsonElement[] entries = FallbackEntries();
            Assert.Equal(foreign, entries[0].GetRawText());
            Assert.Equal(result.Bundles.Select(b => b.Manifest.ToString()), entries[1..].Select(e => e.GetProperty("digest").GetString()));
            Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("artifactType").GetString())));
            Assert.Equal(
                [CosignSignStatement.PredicateType, InTotoStatement.CycloneDxPredicateType, ProvenancePredicate.PredicateType],
                entries[1..].Select(e => e.GetProperty("annotations").GetProperty("dev.sigstore.bundle.predicateType").GetString()));
        }
    }

    [Theory]
    [InlineData(SignatureFormat.Legacy, true, false)]
    [InlineData(SignatureFormat.Bundle, false, true)]
    [InlineData(SignatureFormat.Both, true, true)]
    public async Task TheFormatDecidesWhatIsWritten(SignatureFormat format, bool legacy, bool bundles)
    {
        (_, EcdsaFileSigner signer) = _fixture.NewKey();
        using (signer)
        {
            SigningResult result = await ImageSigning.SignAsync(_fixture.Client, Request(signer, format, attest: true), None);

            Assert.Equal(legacy, result.Signature is not null);
            Assert.Equal(legacy ? 2 : 0, result.Attestations.Count);
            Assert.Equal(legacy, _fixture.Registry.ManifestAt("app", CosignNames.SignatureTag(_fixture.Digest)) is not null);
            Assert.Equal(legacy, _fixture.Registry.ManifestAt("app", CosignNames.AttestationTag(_fixture.Digest)) is not null);
            Assert.Equal(bundles ? 3 : 0, result.Bundles.Count);
            Assert.Equal(bundles ? 3 : 0, (await _fixture.Client.GetReferrersAsync(SigningFixture.Host, "app", _fixture.Digest, BundleType, None)).Count);
            Assert.Contains($"format {format.ToString().ToLowerInvariant()}", result.Describe(), StringComparison.Ordinal);

            // Both formats sign the same attestation statements.
            if (legacy && bundles)
            {
                Assert.Equal(result.Attestations.Select(a => a.Statement), result.Bundles.Skip(1).Select(b => b.Statement));
            }
        }
    }

    [Fact]
    public async Task EachLaneWritesItsSharedDocumentOnceForAllItsStatements()
    {
        (_, EcdsaFileSigner signer) = _fixture.NewKey();
        using (signer)
        {
            SigningResult result = await ImageSigning.SignAsync(_fixture.Client, Request(signer, SignatureFormat.Both, attest: true), None);

            int Writes(string tag) => _fixture.Registry.CountRequests(r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath == $"/v2/app/manifests/{tag}");
            // Every update waits out a settling pause: the signature bundle and both attestation bundles share one, and
            // the two legacy attestations another (at the same time as the .sig tag's).
            Assert.Equal(1, Writes(RegistryClient.ReferrersTag(_fixture.Digest)));
            Assert.Equal(1, Writes(CosignNames.AttestationTag(_fixture.Digest)));
            Assert.Equal(1, Writes(CosignNames.SignatureTag(_fixture.Digest)));
            Assert.Equal(3, FallbackEntries().Length);
            Assert.Single(result.Attestations.Select(a => a.AttestationManifest).Distinct());
            Assert.Equal(2, ImageManifest.Parse(_fixture.Registry.ManifestAt("app", CosignNames.AttestationTag(_fixture.Digest))!, MediaTypes.OciManifestV1).Layers.Count);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ThePushersManifestStandsInForTheSubjectReadOnlyWhenItIsTheSignedOne(bool matching)
    {
        (_, EcdsaFileSigner signer) = _fixture.NewKey();
        using (signer)
        {
            byte[] manifest = _fixture.Image.ManifestBytes;
            byte[] reported = matching ? manifest : [.. manifest, (byte)' '];

            SigningResult result = await ImageSigning.SignAsync(_fixture.Client, Request(signer, attest: true) with { PushedManifest = reported }, None);

            // Bytes that hash to the digest are what the registry holds; anything else is not taken on trust.
            int subjectReads = _fixture.Registry.CountRequests(r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath == $"/v2/app/manifests/{_fixture.Digest}");
            Assert.Equal(matching ? 0 : 1, subjectReads);
            foreach (ImageBundle bundle in result.Bundles)
            {
                using JsonDocument referrer = JsonDocument.Parse(_fixture.Registry.ManifestAt("app", bundle.Manifest.ToString())!);
                JsonElement subject = referrer.RootElement.GetProperty("subject");
                Assert.Equal(MediaTypes.OciManifestV1, subject.GetProperty("mediaType").GetString());
                Assert.Equal(_fixture.Digest.ToString(), subject.GetProperty("digest").GetString());
                Assert.Equal(manifest.Length, subject.GetProperty("size").GetInt64());
            }
        }
    }

    [Fact]
    public async Task AnImageMissingFromTheRegistryIsSC6040AndNothingIsPushed()
    {
        (_, EcdsaFileSigner signer) = _fixture.NewKey();
        using (signer)
        {
            ImageSigningRequest request = Request(signer) with { Digest = Digest.Parse("sha256:" + new string('c', 64)) };

            SecureContainerException e = await Assert.ThrowsAsync<SecureContainerException>(() => ImageSigning.SignAsync(_fixture.Client, request, None));

            Assert.Equal("SC6040", e.Diagnostic.Code);
            Assert.Equal(0, _fixture.Registry.CountRequests(r => r.Method == HttpMethod.Put));
        }
    }

    [SigstoreVerifierFact]
    public async Task SigstoresJsVerifierAcceptsEveryBundleWithTheKeyAndRefusesAnotherKeyAndATamperedPayload()
    {
        (_, EcdsaFileSigner signer) = _fixture.NewKey();
        (_, EcdsaFileSigner other) = _fixture.NewKey("other.pem");
        using (signer)
        using (other)
        {
            SigningResult result = await ImageSigning.SignAsync(_fixture.Client, Request(signer, attest: true), None);
            Assert.Equal(3, result.Bundles.Count);

            foreach (ImageBundle bundle in result.Bundles)
            {
                byte[] bytes = await BundleBytesAsync(bundle.Manifest);
                SigstoreVerdict good = SigstoreJsVerifier.VerifyWithKey(bytes, signer.PublicKey.ToPem(), _fixture.Digest.ToString());
                Assert.True(good.Ok, $"{bundle.PredicateType}: {good}");

                Assert.False(SigstoreJsVerifier.VerifyWithKey(bytes, other.PublicKey.ToPem()).Ok, $"{bundle.PredicateType} verified with another key");
                Assert.False(SigstoreJsVerifier.VerifyWithKey(bytes, signer.PublicKey.ToPem(), "sha256:" + new string('d', 64)).Ok,
                    $"{bundle.PredicateType} verified as being about another digest");

                // One changed byte of the statement: the envelope's signature no longer covers it.
                byte[] statement = (byte[])bundle.Statement.Clone();
                statement[statement.Length - 2] ^= 0x01;
                string payload = Convert.ToBase64String(bundle.Statement);
                byte[] tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace(payload, Convert.ToBase64String(statement), StringComparison.Ordinal));
                Assert.NotEqual(bytes, tampered);
                SigstoreVerdict refused = SigstoreJsVerifier.VerifyWithKey(tampered, signer.PublicKey.ToPem());
                Assert.False(refused.Ok, $"{bundle.PredicateType} verified with a tampered payload");
                Assert.Contains("SIGNATURE", refused.Error, StringComparison.Ordinal);
            }
        }
    }
}

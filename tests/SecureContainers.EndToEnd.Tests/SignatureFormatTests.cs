using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// The default signature format, both, in a real publish to Distribution 2.8 (no referrers API, so the referrers tag
/// fallback): the legacy signature keeps verifying as before, and cosign v3 bundles for the signature, the SBOM and the
/// provenance sit with the SBOM artifact under the one image, each typed, each accepted by sigstore's own verifier.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class SignatureFormatTests(SigningKeys keys) : IClassFixture<SigningKeys>
{
    private const string Repository = "e2e/both-formats";
    private const string BundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    [SigstoreJsFact]
    public async Task BothFormatsPutLegacyTagsAndTypedBundleReferrersUnderOneImageAndSigstoreVerifiesTheBundles()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "both-formats");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")}",
            $"ContainerRegistry={TestBed.Registry}",
            $"ContainerRepository={Repository}",
            "ContainerImageTag=1.0",
            $"SecureContainerSigningKey={keys.PrivateKey}",
        ], keys.Environment);
        Assert.True(result.Succeeded, result.ToString());

        // Legacy: as before, our verify accepts the .sig/.att tags.
        ProcessResult verify = await CliTool.RunAsync(["verify", $"{TestBed.Registry}/{Repository}:1.0", "--key", keys.PublicKey, "--require-sbom", "--require-provenance"]);
        Assert.True(verify.ExitCode == 0, verify.Output);
        string digest = (await RegistryProbe.ManifestAsync(Repository, "1.0"))!.Value.Digest;
        Assert.Equal(1, await RegistryProbe.LayerCountAsync(Repository, RegistryProbe.CosignTag(digest, "sig")));
        Assert.Equal(2, await RegistryProbe.LayerCountAsync(Repository, RegistryProbe.CosignTag(digest, "att")));

        // The referrers tag index: the SBOM artifact and three bundles, every entry typed (policy engines skip untyped ones).
        var index = await RegistryProbe.ManifestAsync(Repository, "sha256-" + digest["sha256:".Length..]);
        JsonElement[] entries = index!.Value.Json.RootElement.GetProperty("manifests").EnumerateArray().ToArray();
        Assert.Equal(["application/vnd.cyclonedx+json", BundleType, BundleType, BundleType], entries.Select(e => e.GetProperty("artifactType").GetString()));
        JsonElement[] bundles = entries[1..];
        Assert.Equal(
            ["https://sigstore.dev/cosign/sign/v1", "https://cyclonedx.org/bom", "https://slsa.dev/provenance/v1"],
            bundles.Select(e => e.GetProperty("annotations").GetProperty("dev.sigstore.bundle.predicateType").GetString()));

        foreach (JsonElement entry in bundles)
        {
            var manifest = await RegistryProbe.ManifestAsync(Repository, entry.GetProperty("digest").GetString()!);
            JsonElement root = manifest!.Value.Json.RootElement;
            Assert.Equal(digest, root.GetProperty("subject").GetProperty("digest").GetString());
            Assert.Equal(BundleType, root.GetProperty("artifactType").GetString());
            Assert.Equal("dsse-envelope", root.GetProperty("annotations").GetProperty("dev.sigstore.bundle.content").GetString());
            JsonElement layer = Assert.Single(root.GetProperty("layers").EnumerateArray());
            Assert.Equal(BundleType, layer.GetProperty("mediaType").GetString());
            byte[] bundle = await RegistryProbe.BlobAsync(Repository, layer.GetProperty("digest").GetString()!);

            ProcessResult accepted = await SigstoreJs.VerifyWithKeyAsync(bundle, keys.PublicKey, digest);
            Assert.True(accepted.ExitCode == 0, accepted.Output);
            ProcessResult refused = await SigstoreJs.VerifyWithKeyAsync(bundle, keys.OtherPublicKey, digest);
            Assert.True(refused.ExitCode == 1, refused.Output);
        }

        sample.Succeeded();
    }
}

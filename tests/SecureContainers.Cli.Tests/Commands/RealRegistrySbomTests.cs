using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Cli.Tests.Commands;

/// <summary>
/// `securecontainers sbom` against the real registry eng/test.sh starts (SC_TEST_REGISTRY=localhost:PORT: Distribution
/// 2.8 without the referrers API, so the SBOM is found through the referrers tag), with registry options from the
/// environment exactly as the installed tool builds them. Without SC_TEST_REGISTRY the test is skipped, saying so.
/// </summary>
public class RealRegistrySbomTests
{
    [RegistryFact]
    public async Task SbomAttachedInTheRealRegistryComesBackByteForByte()
    {
        string registry = RegistryFactAttribute.Address;

        CancellationToken ct = CancellationToken.None;
        // A repository of its own per run, so no other test's referrers can be chosen instead.
        string repository = $"cli-tests/sbom-{Guid.NewGuid():N}";
        using RegistryClient client = new(RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable));
        Descriptor config = await client.PushBlobAsync(registry, repository, FakeRegistry.ConfigJson(new Platform("linux", "amd64"), "1654"), MediaTypes.OciConfigV1, ct);
        byte[] manifest = FakeRegistry.ManifestJson(MediaTypes.OciManifestV1, config, []);
        Digest digest = await client.PushManifestAsync(registry, repository, "1.0", manifest, MediaTypes.OciManifestV1, ct);
        byte[] sbom = CliHarness.Sbom(repository, digest);
        await client.AttachArtifactAsync(new ArtifactRequest(registry, repository, new Descriptor(MediaTypes.OciManifestV1, digest, manifest.Length),
            SbomFetcher.CycloneDxJsonMediaType, [new ArtifactLayer(sbom, SbomFetcher.CycloneDxJsonMediaType)]), ct);
        string file = Path.Combine(Directory.CreateTempSubdirectory("sc-cli-real-").FullName, "sbom.cdx.json");
        CliHarness cli = new() { RegistryOptions = () => RegistryClientOptions.FromEnvironment(Environment.GetEnvironmentVariable) };

        CliResult result = await cli.RunAsync("sbom", $"{registry}/{repository}:1.0", "-o", file);

        Assert.True(result.ExitCode == ExitCode.Success, result.Error);
        Assert.Equal(sbom, File.ReadAllBytes(file));
    }
}

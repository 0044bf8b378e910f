using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// Images the build did not push itself: a tarball from the SDK's archive destination pushed with skopeo, and an image
/// published without the package. The CLI writes the evidence the build would have written, and verify accepts it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class ImagesPushedAnotherWayTests(SigningKeys keys) : IClassFixture<SigningKeys>
{
    // Fixed, so that the provenance statement (which carries its time) repeats exactly on a second run.
    private const string SourceDateEpoch = "1767225600";

    private Dictionary<string, string?> CliEnvironment => new(keys.Environment) { ["SOURCE_DATE_EPOCH"] = SourceDateEpoch };

    private static string[] ScCodes(IEnumerable<string> codes) => codes.Where(c => c.StartsWith("SC", StringComparison.Ordinal)).Order().ToArray();

    [Fact]
    public async Task TarballPushedWithSkopeoGetsItsEvidenceFromTheCliOnceAndVerifies()
    {
        const string Repository = "e2e/from-tarball";
        using SampleWorkspace sample = SampleWorkspace.Create("ConsoleWorker", "from-tarball");
        string archive = Path.Combine(sample.Directory, "out", "image.tar.gz");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("runtime:10.0")}",
            $"ContainerArchiveOutputPath={archive}",
            $"ContainerRepository={Repository}",
        ]);

        // Gates on, signing off: the build writes the archive and the SBOM file, and pushes nothing.
        Assert.True(result.Succeeded, result.ToString());
        Assert.Empty(ScCodes(result.Errors));
        Assert.True(File.Exists(archive), result.Output);
        string sbom = Path.Combine(sample.Directory, "bin", "Release", "securecontainers", "e2e_from-tarball-linux-x64.cdx.json");
        Assert.True(File.Exists(sbom), result.Output);
        Assert.Empty(await RegistryProbe.TagsAsync(Repository));

        // Any tool pushes it. The SDK's archive is an OCI image layout; skopeo copies the manifest unchanged, so the
        // pushed digest is the one the SBOM names.
        string image = $"{TestBed.Registry}/{Repository}:1.0";
        ProcessResult push = await ProcessRunner.RunAsync(
            "skopeo", ["copy", "--dest-tls-verify=false", $"oci-archive:{archive}", $"docker://{image}"], sample.Directory, timeout: TimeSpan.FromMinutes(3));
        Assert.True(push.Succeeded, push.Output);
        string digest = (await RegistryProbe.ManifestAsync(Repository, "1.0"))!.Value.Digest;

        // The CLI completes the evidence; a second run of every verb adds nothing.
        string[][] verbs =
        [
            ["attach", image, "--sbom", sbom],
            ["sign", image, "--key", keys.PrivateKey],
            ["attest", image, "--key", keys.PrivateKey, "--sbom", sbom, "--provenance"],
        ];
        for (int run = 1; run <= 2; run++)
        {
            foreach (string[] verb in verbs)
            {
                ProcessResult written = await CliTool.RunAsync([.. verb, "--output", "json"], CliEnvironment);
                Assert.True(written.ExitCode == 0, $"run {run}: {written.Output}");
                using JsonDocument report = JsonDocument.Parse(written.Output);
                Assert.Equal(digest, report.RootElement.GetProperty("digest").GetString());
                if (run == 2 && verb[0] == "attest")
                {
                    Assert.All(report.RootElement.GetProperty("attestations").EnumerateArray(), a => Assert.False(a.GetProperty("added").GetBoolean(), a.ToString()));
                }
            }

            Assert.Equal(["application/vnd.cyclonedx+json"], await RegistryProbe.ReferrerArtifactTypesAsync(Repository, digest));
            Assert.Equal(1, await RegistryProbe.LayerCountAsync(Repository, RegistryProbe.CosignTag(digest, "sig")));
            Assert.Equal(2, await RegistryProbe.LayerCountAsync(Repository, RegistryProbe.CosignTag(digest, "att")));
        }

        ProcessResult verify = await CliTool.RunAsync(["verify", image, "--key", keys.PublicKey, "--require-sbom", "--require-provenance"]);
        Assert.True(verify.ExitCode == 0, verify.Output);

        // The SBOM comes back byte for byte, through the CLI and straight from the registry, tied to the pushed digest.
        string fetched = Path.Combine(sample.Directory, "fetched.cdx.json");
        ProcessResult read = await CliTool.RunAsync(["sbom", image, "-o", fetched]);
        Assert.True(read.ExitCode == 0, read.Output);
        Assert.Equal(File.ReadAllBytes(sbom), File.ReadAllBytes(fetched));
        var attached = await RegistryProbe.AttachedSbomAsync(Repository, digest);
        Assert.Equal(digest, attached!.Value.Subject);
        Assert.Equal(File.ReadAllBytes(sbom), attached.Value.Sbom);
        sample.Succeeded();
    }

    [Fact]
    public async Task ImageBuiltWithoutThePackageIsSignedAndAttestedByTheCliAndVerifiesOnlyWithItsKey()
    {
        const string Repository = "e2e/plain-sdk";
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "plain-sdk");
        sample.RemoveSecureContainersPackage();
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("aspnet:10.0")}",
            $"ContainerRegistry={TestBed.Registry}",
            $"ContainerRepository={Repository}",
            "ContainerImageTag=1.0",
        ]);

        // The plain SDK: no gate, no SBOM, nothing but the image in the registry.
        Assert.True(result.Succeeded, result.ToString());
        Assert.Empty(ScCodes(result.Warnings.Concat(result.Errors)));
        Assert.False(Directory.Exists(Path.Combine(sample.Directory, "bin", "Release", "securecontainers")));
        Assert.Equal(["1.0"], await RegistryProbe.TagsAsync(Repository));

        string image = $"{TestBed.Registry}/{Repository}:1.0";
        ProcessResult sign = await CliTool.RunAsync(["sign", image, "--key", keys.PrivateKey], keys.Environment);
        Assert.True(sign.ExitCode == 0, sign.Output);
        ProcessResult attest = await CliTool.RunAsync(["attest", image, "--key", keys.PrivateKey, "--provenance"], keys.Environment);
        Assert.True(attest.ExitCode == 0, attest.Output);

        ProcessResult verify = await CliTool.RunAsync(["verify", image, "--key", keys.PublicKey, "--require-provenance"]);
        Assert.True(verify.ExitCode == 0, verify.Output);
        ProcessResult other = await CliTool.RunAsync(["verify", image, "--key", keys.OtherPublicKey, "--require-provenance"]);
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("SC6021", other.Output);
        sample.Succeeded();
    }
}

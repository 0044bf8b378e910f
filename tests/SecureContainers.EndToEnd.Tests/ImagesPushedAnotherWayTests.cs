using System.Formats.Tar;
using System.IO.Compression;
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
        string digest;
        using (JsonDocument index = ReadOciArchive(archive).Index)
        {
            digest = index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        }

        Assert.Null(await RegistryProbe.ManifestAsync(Repository, digest));

        // Any tool pushes it. The SDK's archive is an OCI image layout; skopeo copies the manifest unchanged, so the
        // pushed digest is the one in the archive, which the SBOM names.
        string image = $"{TestBed.Registry}/{Repository}:1.0";
        ProcessResult push = await ProcessRunner.RunAsync(
            "skopeo", ["copy", "--dest-tls-verify=false", $"oci-archive:{archive}", $"docker://{image}"], sample.Directory, timeout: TimeSpan.FromMinutes(3));
        Assert.True(push.Succeeded, push.Output);
        Assert.Equal(digest, (await RegistryProbe.ManifestAsync(Repository, "1.0"))!.Value.Digest);

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

                // The default format, both, also writes Sigstore bundles; the second run finds each one there.
                if (run == 2 && verb[0] is "sign" or "attest")
                {
                    Assert.All(report.RootElement.GetProperty("bundles").EnumerateArray(), b => Assert.False(b.GetProperty("added").GetBoolean(), b.ToString()));
                }
            }

            const string Bundle = "application/vnd.dev.sigstore.bundle.v0.3+json";
            Assert.Equal(["application/vnd.cyclonedx+json", Bundle, Bundle, Bundle], await RegistryProbe.ReferrerArtifactTypesAsync(Repository, digest));
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
        string digest = (await RegistryProbe.ManifestAsync(Repository, "1.0"))!.Value.Digest;
        Assert.DoesNotContain(await RegistryProbe.TagsAsync(Repository), t => t.StartsWith("sha256-" + digest["sha256:".Length..], StringComparison.Ordinal));

        string image = $"{TestBed.Registry}/{Repository}:1.0";
        ProcessResult sign = await CliTool.RunAsync(["sign", image, "--key", keys.PrivateKey], keys.Environment);
        Assert.True(sign.ExitCode == 0, sign.Output);
        ProcessResult attest = await CliTool.RunAsync(["attest", image, "--key", keys.PrivateKey, "--provenance"], keys.Environment);
        Assert.True(attest.ExitCode == 0, attest.Output);

        ProcessResult verify = await CliTool.RunAsync(["verify", image, "--key", keys.PublicKey, "--require-provenance"]);
        Assert.True(verify.ExitCode == 0, verify.Output);
        ProcessResult other = await CliTool.RunAsync(["verify", image, "--key", keys.OtherPublicKey, "--require-provenance"]);
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("SC6071", other.Output); // signed in both formats: the bundle is what verify reads (bundles win)
        sample.Succeeded();
    }

    [Fact]
    public async Task SigningKeyWithAnArchiveDestinationWarnsSC6034AndSignsNothing()
    {
        const string Repository = "e2e/tarball-with-key";
        using SampleWorkspace sample = SampleWorkspace.Create("ConsoleWorker", "tarball-with-key");
        string archive = Path.Combine(sample.Directory, "out", "image.tar.gz");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={TestBed.BaseImage("runtime:10.0")}",
            $"ContainerArchiveOutputPath={archive}",
            $"ContainerRepository={Repository}",
            $"SecureContainerSigningKey={keys.PrivateKey}",
        ], keys.Environment);

        // The key is not silently ignored: one coded warning pointing at `securecontainers sign`, and the build still
        // writes its archive and SBOM.
        Assert.True(result.Succeeded, result.ToString());
        Assert.Empty(ScCodes(result.Errors));
        Assert.Single(result.Output.Split('\n'), l => l.Contains("warning SC6034", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(sample.Directory, "bin", "Release", "securecontainers", "e2e_tarball-with-key-linux-x64.cdx.json")), result.Output);

        // Nothing signed: the archive holds the image alone (one manifest, its config and layers), and no registry got anything.
        (JsonDocument index, IReadOnlyList<string> blobs) = ReadOciArchive(archive);
        using (index)
        {
            JsonElement manifests = index.RootElement.GetProperty("manifests");
            Assert.Equal(1, manifests.GetArrayLength());
            using JsonDocument manifest = JsonDocument.Parse(ReadArchiveEntry(archive, "blobs/" + manifests[0].GetProperty("digest").GetString()!.Replace(':', '/')));
            string[] expected =
            [
                manifests[0].GetProperty("digest").GetString()!,
                manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!,
                .. manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!),
            ];
            Assert.Equal(expected.Order(), blobs.Order());
        }

        Assert.Empty(await RegistryProbe.TagsAsync(Repository));
        sample.Succeeded();
    }

    /// <summary>The index.json of an OCI image layout archive and the digests of the blobs in it.</summary>
    private static (JsonDocument Index, IReadOnlyList<string> Blobs) ReadOciArchive(string archive)
    {
        List<string> blobs = [];
        JsonDocument? index = null;
        using TarReader reader = new(OpenArchive(archive));
        while (reader.GetNextEntry() is { } entry)
        {
            string name = entry.Name.TrimStart('.', '/');
            if (name == "index.json")
            {
                index = JsonDocument.Parse(entry.DataStream!);
            }
            else if (name.StartsWith("blobs/", StringComparison.Ordinal) && entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
            {
                string[] parts = name.Split('/');
                blobs.Add($"{parts[1]}:{parts[2]}");
            }
        }

        return (index ?? throw new InvalidOperationException($"{archive} has no index.json: not an OCI image layout"), blobs);
    }

    private static byte[] ReadArchiveEntry(string archive, string path)
    {
        using TarReader reader = new(OpenArchive(archive));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') == path)
            {
                using MemoryStream bytes = new();
                entry.DataStream!.CopyTo(bytes);
                return bytes.ToArray();
            }
        }

        throw new InvalidOperationException($"{path} is not in {archive}");
    }

    // The SDK writes a plain tar whatever the file is called; read a gzipped one too, should that change.
    private static Stream OpenArchive(string archive)
    {
        FileStream file = File.OpenRead(archive);
        bool gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }
}

using System.Text;
using System.Text.Json;
using SecureContainers.EndToEnd.Tests.Infrastructure;

namespace SecureContainers.EndToEnd.Tests;

/// <summary>
/// Notary Project signatures on the base, in real publishes and real CLI runs against the test registry: envelopes made
/// by openssl and packed by an independent script (eng/testbed/notary), trusted through notation's own trust policy
/// and trust store formats. Each hostile signature must stop the build with its code before anything is pushed.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class NotaryBaseImageTests(SigningKeys keys) : IClassFixture<SigningKeys>
{
    private const string Signer = "CN=Test Publisher Signing, O=Test Publisher, S=WA, C=US";

    public static TheoryData<string, string> HostileCases => NotaryFixtures.HostileCases();

    private static string[] Push(string baseImage, string repository, params string[] extra) =>
    [
        $"ContainerBaseImage={baseImage}",
        $"ContainerRegistry={TestBed.Registry}",
        $"ContainerRepository={repository}",
        "ContainerImageTag=1.0",
        .. NotaryFixtures.Properties,
        .. extra,
    ];

    private static string[] ScCodes(IEnumerable<string> codes) => codes.Where(c => c.StartsWith("SC", StringComparison.Ordinal)).Distinct().Order().ToArray();

    [Fact]
    public async Task NotarySignedBasePassesRestrictedAndTheSignerIsInTheOutputTheSbomAndTheProvenance()
    {
        JsonElement facts = NotaryFixtures.Case("valid");
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "notary-restricted");
        PublishResult result = await sample.PublishAsync(
            Push(NotaryFixtures.Pinned("valid"), "e2e/notary-restricted", "SecureContainerProfile=Restricted", $"SecureContainerSigningKey={keys.PrivateKey}"),
            keys.Environment);

        Assert.True(result.Succeeded, result.ToString());
        string platform = facts.GetProperty("platform").GetString()!, index = facts.GetProperty("index").GetString()!;
        string manifestSignature = facts.GetProperty("platformSignatures")[0].GetString()!, indexSignature = facts.GetProperty("indexSignatures")[0].GetString()!;

        // Build output: both the index and the platform manifest, with the signer and the timestamp.
        Assert.Contains("SC4139", result.Output);
        Assert.Contains($"(index {index}) has a valid Notary signature under trust policy 'testbed' (strict): signed by {Signer}, timestamped", result.Output);
        Assert.Contains($"(linux/amd64 manifest {platform}) has a valid Notary signature", result.Output);
        Assert.Contains("SC4135", result.Output);

        // SBOM: on the base component.
        string sbomPath = Directory.GetFiles(Path.Combine(sample.Directory, "bin", "Release", "securecontainers"), "*.cdx.json").Single();
        using JsonDocument sbom = JsonDocument.Parse(File.ReadAllBytes(sbomPath));
        JsonElement baseComponent = sbom.RootElement.GetProperty("metadata").GetProperty("component").GetProperty("pedigree").GetProperty("ancestors")[0];
        Dictionary<string, string> properties = baseComponent.GetProperty("properties").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("value").GetString()!);
        Assert.Equal("testbed", properties["securecontainers:notary:policy"]);
        Assert.Equal(Signer, properties["securecontainers:notary:signer"]);
        Assert.Equal(manifestSignature, properties["securecontainers:notary:signature"]);
        Assert.Equal(indexSignature, properties["securecontainers:notary:indexSignature"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", properties["securecontainers:notary:signedAt"]);

        // Provenance: the base's resolved dependency carries the same facts.
        string digest = (await RegistryProbe.ManifestAsync("e2e/notary-restricted", "1.0"))!.Value.Digest;
        using JsonDocument statement = await ProvenanceAsync("e2e/notary-restricted", digest);
        JsonElement dependency = statement.RootElement.GetProperty("predicate").GetProperty("buildDefinition").GetProperty("resolvedDependencies").EnumerateArray()
            .Single(d => d.GetProperty("uri").GetString()!.StartsWith("pkg:oci/", StringComparison.Ordinal));
        JsonElement annotations = dependency.GetProperty("annotations");
        Assert.Equal(Signer, annotations.GetProperty("notary.signer").GetString());
        Assert.Equal(manifestSignature, annotations.GetProperty("notary.signature").GetString());
        Assert.Equal(index, annotations.GetProperty("notary.index").GetString());
        Assert.Equal(indexSignature, annotations.GetProperty("notary.indexSignature").GetString());
        sample.Succeeded();
    }

    [Theory]
    [MemberData(nameof(HostileCases))]
    public async Task HostileNotarySignatureFailsRestrictedWithItsCodeAndPushesNothing(string name, string code)
    {
        string repository = $"e2e/notary-{name}";
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", $"notary-{name}");
        string cache = Path.Combine(sample.Directory, "layer-cache");
        PublishResult result = await sample.PublishAsync(Push(NotaryFixtures.Pinned(name), repository, "SecureContainerProfile=Restricted", "SecureContainerRequireSigning=false",
            $"SecureContainerCacheDirectory={cache}"));

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains(code, result.Errors);
        if (code != "SC4137")
        {
            // The summary names the manifest that failed and the trust policy; a flood is refused before any is read.
            Assert.Contains("SC4138", result.Errors);
        }

        // Nothing of the unproven base was read: no finding about its content, and no layer scanned into the cache.
        Assert.DoesNotContain(ScCodes(result.Errors.Concat(result.Warnings)), c => c.StartsWith("SC411", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(cache, "sha256")) && Directory.EnumerateFiles(Path.Combine(cache, "sha256")).Any(), $"a base layer was read into {cache}");
        Assert.False(await RegistryProbe.RepositoryExistsAsync(repository), $"something was pushed to {repository}");
        sample.Succeeded();
    }

    [Fact]
    public async Task BaselineWarnsOnABrokenNotarySignatureAndStillPublishes()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "notary-baseline");
        PublishResult result = await sample.PublishAsync(Push(NotaryFixtures.Pinned("other-digest"), "e2e/notary-baseline"));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("SC4127", result.Warnings);
        Assert.Contains("SC4138", result.Warnings);
        Assert.DoesNotContain(ScCodes(result.Errors), c => c.StartsWith("SC41", StringComparison.Ordinal));
        sample.Succeeded();
    }

    [Fact]
    public async Task MalformedTrustPolicyIsACodedErrorBeforeAnythingIsPushed()
    {
        using SampleWorkspace sample = SampleWorkspace.Create("AspNetApi", "notary-bad-policy");
        string policy = Path.Combine(sample.Directory, "trustpolicy.json");
        File.WriteAllText(policy, """{"version":"1.0","trustPolicies":[{"name":"p","registryScopes":["*"],"signatureVerification":{"level":"skip"}}]}""");
        PublishResult result = await sample.PublishAsync(
        [
            $"ContainerBaseImage={NotaryFixtures.Pinned("valid")}", $"ContainerRegistry={TestBed.Registry}", "ContainerRepository=e2e/notary-bad-policy",
            "ContainerImageTag=1.0", $"SecureContainerNotaryTrustPolicy={policy}", $"SecureContainerNotaryTrustStore={NotaryFixtures.TrustStore}",
        ]);

        Assert.False(result.Succeeded, result.ToString());
        Assert.Contains("SC4140", result.Errors);
        Assert.Contains("skips verification; such a policy cannot have the global scope", result.Output);
        Assert.False(await RegistryProbe.RepositoryExistsAsync("e2e/notary-bad-policy"));
        sample.Succeeded();
    }

    [Theory]
    [InlineData("valid")]
    [InlineData("jws")]
    public async Task VerifyNotaryAcceptsTheIndexAndEveryPlatformManifest(string name)
    {
        JsonElement facts = NotaryFixtures.Case(name);
        ProcessResult verify = await CliTool.RunAsync(
            ["verify", facts.GetProperty("reference").GetString()!, "--notary", "--notary-trust-policy", NotaryFixtures.TrustPolicy, "--notary-trust-store", NotaryFixtures.TrustStore, "--output", "json"]);

        Assert.True(verify.ExitCode == 0, verify.Output);
        using JsonDocument report = JsonDocument.Parse(verify.Output);
        JsonElement root = report.RootElement;
        Assert.True(root.GetProperty("verified").GetBoolean());
        Assert.Equal("testbed", root.GetProperty("policy").GetString());
        Assert.False(root.GetProperty("revocationChecked").GetBoolean());
        JsonElement[] manifests = root.GetProperty("manifests").EnumerateArray().ToArray();
        Assert.Equal(3, manifests.Length);
        Assert.All(manifests, m => Assert.Equal(Signer, m.GetProperty("signer").GetString()));
        Assert.Contains(manifests, m => m.GetProperty("digest").GetString() == facts.GetProperty("index").GetString());
        Assert.Contains(manifests, m => m.GetProperty("digest").GetString() == facts.GetProperty("platform").GetString()
            && m.GetProperty("signature").GetString() == facts.GetProperty("platformSignatures")[0].GetString());
    }

    [Theory]
    [MemberData(nameof(HostileCases))]
    public async Task VerifyNotaryRefusesEachHostileSignatureWithItsCode(string name, string code)
    {
        ProcessResult verify = await CliTool.RunAsync(
            ["verify", NotaryFixtures.Case(name).GetProperty("reference").GetString()!, "--notary", "--notary-trust-policy", NotaryFixtures.TrustPolicy, "--notary-trust-store", NotaryFixtures.TrustStore]);

        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains($"error {(code == "SC4138" ? "SC4143" : code)}:", verify.Output);
        Assert.Contains("NOT verified (Notary)", verify.Output);
    }

    [Fact]
    public async Task VerifyNotaryWithoutATrustPolicyForTheRepositoryFails()
    {
        ProcessResult verify = await CliTool.RunAsync(["verify", NotaryFixtures.Case("valid").GetProperty("reference").GetString()!, "--notary"]);

        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains("error SC4144:", verify.Output);
    }

    [Fact]
    public async Task CheckReportsTheBaseNotarySignatureOfAnImagePushedAnotherWay()
    {
        // The fixture names no base, so it is checked as its own base: its Notary signature is the base's.
        JsonElement facts = NotaryFixtures.Case("valid");
        ProcessResult check = await CliTool.RunAsync(
            ["check", facts.GetProperty("reference").GetString()!, "--no-advisories", "--notary-trust-policy", NotaryFixtures.TrustPolicy, "--notary-trust-store", NotaryFixtures.TrustStore, "--output", "json"]);

        Assert.True(check.ExitCode == 0, check.Output);
        // Standard error (SC7008 for --no-advisories) comes first in the captured output; the document is the rest.
        using JsonDocument report = JsonDocument.Parse(check.Output[check.Output.IndexOf("\n{", StringComparison.Ordinal)..]);
        JsonElement notary = report.RootElement.GetProperty("base").GetProperty("notary");
        Assert.Equal(Signer, notary.GetProperty("signer").GetString());
        Assert.Equal(facts.GetProperty("platformSignatures")[0].GetString(), notary.GetProperty("signature").GetString());
        Assert.Equal(facts.GetProperty("indexSignatures")[0].GetString(), notary.GetProperty("indexSignature").GetString());

        ProcessResult hostile = await CliTool.RunAsync(
            ["check", NotaryFixtures.Case("other-digest").GetProperty("reference").GetString()!, "--no-advisories", "--profile", "Restricted", "--notary-trust-policy", NotaryFixtures.TrustPolicy, "--notary-trust-store", NotaryFixtures.TrustStore]);
        Assert.NotEqual(0, hostile.ExitCode);
        Assert.Contains("error SC4127:", hostile.Output);
        Assert.Contains("error SC4138:", hostile.Output);
    }

    /// <summary>The SLSA provenance statement of an image, from its Sigstore bundle referrer (the DSSE payload).</summary>
    private static async Task<JsonDocument> ProvenanceAsync(string repository, string imageDigest)
    {
        var index = await RegistryProbe.ManifestAsync(repository, "sha256-" + imageDigest["sha256:".Length..]);
        JsonElement entry = index!.Value.Json.RootElement.GetProperty("manifests").EnumerateArray().First(m =>
            m.TryGetProperty("annotations", out JsonElement a) && a.TryGetProperty("dev.sigstore.bundle.predicateType", out JsonElement t)
            && t.GetString() == "https://slsa.dev/provenance/v1");
        var artifact = await RegistryProbe.ManifestAsync(repository, entry.GetProperty("digest").GetString()!);
        byte[] bundle = await RegistryProbe.BlobAsync(repository, artifact!.Value.Json.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!);
        using JsonDocument bundleJson = JsonDocument.Parse(bundle);
        string payload = bundleJson.RootElement.GetProperty("dsseEnvelope").GetProperty("payload").GetString()!;
        return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
    }
}

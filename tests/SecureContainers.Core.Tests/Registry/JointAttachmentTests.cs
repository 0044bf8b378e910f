using System.Net;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.Core.Tests.Registry;

/// <summary>Independent attaches to one subject that share one update of its referrers tag (a build's SBOM and bundles).</summary>
public class JointAttachmentTests
{
    private const string Sbom = "application/vnd.cyclonedx+json";
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static (FakeRegistry Registry, Descriptor Subject) WithImage(bool referrersApi = false) => ReferrersTests.WithImage(referrersApi);

    private static ArtifactRequest Request(Descriptor subject, string content) =>
        new("registry.test", "app", subject, Sbom, [new ArtifactLayer(Encoding.UTF8.GetBytes(content), Sbom)]);

    private static string TagPath(Descriptor subject) => "/v2/app/manifests/" + RegistryClient.ReferrersTag(subject.Digest);

    private static string[] Entries(FakeRegistry registry, Descriptor subject)
    {
        using JsonDocument doc = JsonDocument.Parse(registry.ManifestAt("app", RegistryClient.ReferrersTag(subject.Digest))!);
        return doc.RootElement.GetProperty("manifests").EnumerateArray().Select(e => e.GetProperty("digest").GetString()!).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Waits until the registry has received <paramref name="manifests"/> artifact manifests (pushed by digest).</summary>
    private static async Task PushedAsync(FakeRegistry registry, int manifests)
    {
        using CancellationTokenSource timeout = new(Patience);
        while (registry.CountRequests(r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath.Contains("/manifests/sha256:", StringComparison.Ordinal)) < manifests)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    [Fact]
    public async Task TheFirstPartyWaitsForTheOtherAndBothAreWrittenInOneUpdate()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        JointAttachment joint = new(2);

        Task<Descriptor> first = client.AttachArtifactAsync(Request(subject, """{"n":1}"""), None, joint.Parties[0]);
        await PushedAsync(registry, 1);
        await Task.Delay(200);
        // Its manifest is in, but the tag waits for the other party.
        Assert.False(first.IsCompleted);
        Assert.Equal(0, registry.CountRequests(r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath == TagPath(subject)));

        IReadOnlyList<Descriptor> second = await client.AttachArtifactsAsync([Request(subject, """{"n":2}"""), Request(subject, """{"n":3}""")], None, joint.Parties[1]);
        Descriptor firstArtifact = await first.WaitAsync(Patience);

        Assert.Equal(1, registry.CountRequests(r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath == TagPath(subject)));
        Assert.Equal(new[] { firstArtifact }.Concat(second).Select(a => a.Digest.ToString()).Order(StringComparer.Ordinal), Entries(registry, subject));
    }

    [Fact]
    public async Task TheTagListsThePartiesInTheirOrderWhicheverArrivesFirst()
    {
        // The SBOM's party is the first: the index is the same whether its upload or the bundles' ends first.
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        JointAttachment joint = new(2);

        Task<IReadOnlyList<Descriptor>> late = client.AttachArtifactsAsync([Request(subject, """{"n":2}"""), Request(subject, """{"n":3}""")], None, joint.Parties[1]);
        await PushedAsync(registry, 2);
        Descriptor early = await client.AttachArtifactAsync(Request(subject, """{"n":1}"""), None, joint.Parties[0]);
        IReadOnlyList<Descriptor> second = await late.WaitAsync(Patience);

        using JsonDocument index = JsonDocument.Parse(registry.ManifestAt("app", RegistryClient.ReferrersTag(subject.Digest))!);
        Assert.Equal(
            new[] { early }.Concat(second).Select(a => a.Digest.ToString()),
            index.RootElement.GetProperty("manifests").EnumerateArray().Select(e => e.GetProperty("digest").GetString()!));
    }

    [Fact]
    public async Task APartyThatLeavesLetsTheOthersWriteWithoutIt()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        JointAttachment joint = new(2);

        Task<Descriptor> first = client.AttachArtifactAsync(Request(subject, """{"n":1}"""), None, joint.Parties[0]);
        await PushedAsync(registry, 1);
        joint.Parties[1].Dispose();

        Descriptor artifact = await first.WaitAsync(Patience);
        Assert.Equal([artifact.Digest.ToString()], Entries(registry, subject));
    }

    [Fact]
    public async Task APartyWithNothingNewLeavesWithoutWriting()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        JointAttachment joint = new(2);

        Assert.Empty(await client.AttachArtifactsAsync([], None, joint.Parties[1]));
        Descriptor artifact = await client.AttachArtifactAsync(Request(subject, """{"n":1}"""), None, joint.Parties[0]).WaitAsync(Patience);

        Assert.Equal([artifact.Digest.ToString()], Entries(registry, subject));
    }

    [Fact]
    public async Task APartyWhosePushFailsLeavesAndTheOtherIsWritten()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        byte[] refused = Encoding.UTF8.GetBytes("""{"n":"refused"}""");
        Digest refusedDigest = Digest.Sha256(refused);
        // The upload of its one blob is refused (its PUT names the digest).
        registry.Intercept(r => r.Method == HttpMethod.Put && r.RequestUri!.Query.Contains(refusedDigest.Hex, StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.Forbidden)
            : null);
        JointAttachment joint = new(2);

        Task<Descriptor> failing = client.AttachArtifactAsync(Request(subject, """{"n":"refused"}"""), None, joint.Parties[1]);
        Task<Descriptor> first = client.AttachArtifactAsync(Request(subject, """{"n":1}"""), None, joint.Parties[0]);

        await Assert.ThrowsAsync<SecureContainerException>(() => failing.WaitAsync(Patience));
        Descriptor artifact = await first.WaitAsync(Patience);
        Assert.Equal([artifact.Digest.ToString()], Entries(registry, subject));
    }

    [Fact]
    public async Task AFailedJointUpdateIsTheFailureOfEveryPartyInIt()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        using RegistryClient client = new(registry.Options());
        registry.Intercept(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath == TagPath(subject) ? new HttpResponseMessage(HttpStatusCode.Forbidden) : null);
        JointAttachment joint = new(2);

        Task<Descriptor> first = client.AttachArtifactAsync(Request(subject, """{"n":1}"""), None, joint.Parties[0]);
        Task<Descriptor> second = client.AttachArtifactAsync(Request(subject, """{"n":2}"""), None, joint.Parties[1]);

        SecureContainerException a = await Assert.ThrowsAsync<SecureContainerException>(() => first.WaitAsync(Patience));
        SecureContainerException b = await Assert.ThrowsAsync<SecureContainerException>(() => second.WaitAsync(Patience));
        Assert.Equal(a.Diagnostic.Code, b.Diagnostic.Code);
        Assert.Null(registry.ManifestAt("app", RegistryClient.ReferrersTag(subject.Digest)));
    }

    [Fact]
    public async Task PartiesOfAnotherSubjectAreRefusedAndTheRestIsWritten()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage();
        FakeRegistry.FakeImage other = registry.AddImage("app", "2", new Platform("linux", "arm64"), "1654", MediaTypes.OciManifestV1, [4, 5, 6]);
        using RegistryClient client = new(registry.Options());
        JointAttachment joint = new(2);

        Task<Descriptor> first = client.AttachArtifactAsync(Request(subject, """{"n":1}"""), None, joint.Parties[0]);
        await PushedAsync(registry, 1);
        await Assert.ThrowsAsync<ArgumentException>(() => client.AttachArtifactAsync(
            Request(new Descriptor(MediaTypes.OciManifestV1, other.Digest, other.Size), """{"n":2}"""), None, joint.Parties[1]).WaitAsync(Patience));

        Descriptor artifact = await first.WaitAsync(Patience);
        Assert.Equal([artifact.Digest.ToString()], Entries(registry, subject));
    }

    [Fact]
    public async Task OnARegistryWithTheReferrersApiNoPartyWaitsForAnother()
    {
        (FakeRegistry registry, Descriptor subject) = WithImage(referrersApi: true);
        using RegistryClient client = new(registry.Options());
        JointAttachment joint = new(2);

        Descriptor artifact = await client.AttachArtifactAsync(Request(subject, """{"n":1}"""), None, joint.Parties[0]).WaitAsync(Patience);

        Assert.Equal([artifact.Digest], (await client.GetReferrersAsync("registry.test", "app", subject.Digest, null, None)).Select(d => d.Digest));
        Assert.Null(registry.ManifestAt("app", RegistryClient.ReferrersTag(subject.Digest)));
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Notary;

namespace SecureContainers.Core.Tests.Signing.Notary;

/// <summary>notation's trustpolicy.json and trust store as the specification constrains them: what notation refuses is refused.</summary>
public sealed class NotaryTrustPolicyDocumentTests : IDisposable
{
    private const string Identity = "x509.subject: C=US, ST=WA, O=Test Publisher";

    private readonly string _dir = Directory.CreateTempSubdirectory("sc-trustpolicy-").FullName;

    private string Store => Path.Combine(_dir, "truststore");

    public NotaryTrustPolicyDocumentTests()
    {
        AddCertificate("ca", "team", Root("CN=Team Root"));
        AddCertificate("tsa", "team", Root("CN=Team TSA Root"));
    }

    private static X509Certificate2 Root(string subject)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private void AddCertificate(string type, string name, X509Certificate2 certificate, string file = "root.pem")
    {
        string dir = Path.Combine(Store, "x509", type, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, file), certificate.ExportCertificatePem());
    }

    private string Write(string json)
    {
        string path = Path.Combine(_dir, "trustpolicy.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string Policy(string name = "team", string scopes = "\"registry.example/team/base\"", string level = "strict",
        string stores = "\"ca:team\", \"tsa:team\"", string identities = "\"" + Identity + "\"", string extra = "") =>
        $$"""{"name": "{{name}}", "registryScopes": [{{scopes}}], "signatureVerification": {"level": "{{level}}"{{extra}}}, "trustStores": [{{stores}}], "trustedIdentities": [{{identities}}]}""";

    private static string Document(params string[] policies) => $$"""{"version": "1.0", "trustPolicies": [{{string.Join(",", policies)}}]}""";

    private IReadOnlyList<NotaryTrustPolicy> Load(string json) =>
        NotaryTrustPolicyDocument.Load(Write(json), Store, "SecureContainerNotaryTrustPolicy", "SecureContainerNotaryTrustStore");

    private Diagnostic Refused(string json) =>
        Assert.Throws<SecureContainerException>(() => Load(json)).Diagnostic;

    [Fact]
    public void ValidPolicyReadsScopesLevelStoresAndIdentities()
    {
        NotaryTrustPolicy policy = Assert.Single(Load(Document(Policy(extra: ", \"override\": {\"expiry\": \"log\", \"revocation\": \"skip\"}"))));

        Assert.Equal("team", policy.Name);
        Assert.Equal(["registry.example/team/base"], policy.RegistryScopes);
        Assert.Equal(NotaryVerificationLevel.Strict, policy.Level);
        Assert.Equal("CN=Team Root", Assert.Single(policy.TrustedRoots).Subject);
        Assert.Equal("CN=Team TSA Root", Assert.Single(policy.TimestampRoots).Subject);
        Assert.Equal([Identity], policy.TrustedIdentities);
        Assert.Equal(NotaryAction.Log, policy.ActionFor(NotaryValidation.Expiry));
        Assert.Equal(NotaryAction.Enforce, policy.ActionFor(NotaryValidation.Authenticity));
        Assert.Equal(NotaryAction.Enforce, policy.ActionFor(NotaryValidation.Integrity));
    }

    [Fact]
    public void ExactScopeWinsOverTheGlobalOne()
    {
        IReadOnlyList<NotaryTrustPolicy> policies = Load(Document(Policy("global", "\"*\""), Policy("exact")));

        Assert.Equal("exact", NotaryTrustPolicy.Select(policies, "registry.example/team/base")!.Name);
        Assert.Equal("global", NotaryTrustPolicy.Select(policies, "registry.example/other")!.Name);
    }

    [Fact]
    public void SkipPolicyNeedsNoStoreAndIsSelectedForItsScope()
    {
        NotaryTrustPolicy policy = Assert.Single(Load(Document("""{"name": "unsigned", "registryScopes": ["registry.example/legacy"], "signatureVerification": {"level": "skip"}}""")));

        Assert.Equal(NotaryVerificationLevel.Skip, policy.Level);
    }

    [Theory]
    [InlineData("""{"trustPolicies": []}""", "has no \"version\"")]
    [InlineData("""{"version": "2.0", "trustPolicies": []}""", "only 1.0 is defined")]
    [InlineData("""{"version": "1.0", "trustPolicies": []}""", "missing or empty")]
    [InlineData("not json", "it is not JSON")]
    public void MalformedDocumentsAreRefused(string json, string reason)
    {
        Diagnostic refused = Refused(json);

        Assert.Equal("SC4140", refused.Code);
        Assert.Contains(reason, refused.Message);
        Assert.Contains("SecureContainerNotaryTrustPolicy", refused.Message);
    }

    public static TheoryData<string, string> InvalidPolicies => new()
    {
        { Document(Policy(), Policy()), "used twice" },
        { Document(Policy("a"), Policy("b")), "each repository must have one policy" },
        { Document(Policy(scopes: "\"*\", \"registry.example/x\"")), "mixes the global scope" },
        { Document(Policy(scopes: "\"registry.example/team/*\"")), "no tag, digest or wildcard" },
        { Document(Policy(scopes: "\"base\"")), "fully qualified repository" },
        { Document(Policy(scopes: "\"registry.example/team/base:1.0\"")), "no tag, digest or wildcard" },
        { Document(Policy(scopes: "")), "has no registry scope" },
        { Document(Policy(level: "lenient")), "\"signatureVerification\"" },
        { Document(Policy(extra: ", \"override\": {\"integrity\": \"log\"}")), "integrity never" },
        { Document(Policy(extra: ", \"override\": {\"expiry\": \"skip\"}")), "use \"enforce\" or \"log\"" },
        { Document(Policy(level: "skip")), "cannot have the global scope" },
        { Document("""{"name": "s", "registryScopes": ["*"], "signatureVerification": {"level": "skip"}}"""), "cannot have the global scope" },
        { Document(Policy(stores: "")), "needs \"trustStores\" and \"trustedIdentities\"" },
        { Document(Policy(identities: "")), "needs \"trustStores\" and \"trustedIdentities\"" },
        { Document(Policy(stores: "\"team\"")), "the form is ca:<name>" },
        { Document(Policy(stores: "\"ca:../team\"")), "the form is ca:<name>" },
        { Document(Policy(stores: "\"tsa:team\"")), "names only timestamping stores" },
        { Document(Policy(identities: "\"*\", \"" + Identity + "\"")), "\"*\" must be alone" },
        { Document(Policy(identities: "\"x509.subject: C=US, O=Test Publisher\"")), "lacks C, ST or O" },
        { Document(Policy(identities: "\"CN=Test\"")), "the form is 'x509.subject:" },
        { Document(Policy(identities: "\"" + Identity + "\", \"" + Identity + ", CN=Signer\"")), "overlaps another one" },
    };

    [Theory]
    [MemberData(nameof(InvalidPolicies))]
    public void PoliciesTheSpecificationForbidsAreRefused(string json, string reason)
    {
        Diagnostic refused = Refused(json);

        Assert.Equal("SC4140", refused.Code);
        Assert.Contains(reason, refused.Message);
    }

    [Fact]
    public void MissingNamedStoreIsATrustStoreError()
    {
        Diagnostic refused = Refused(Document(Policy(stores: "\"ca:absent\"")));

        Assert.Equal("SC4141", refused.Code);
        Assert.Contains("ca:absent", refused.Message);
        Assert.Contains("SecureContainerNotaryTrustStore", refused.Message);
    }

    [Fact]
    public void LeafCertificateInATrustStoreIsRefused()
    {
        using RSA key = RSA.Create(2048);
        X509Certificate2 leaf = new CertificateRequest("CN=Not A CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        AddCertificate("ca", "leafy", leaf);

        Diagnostic refused = Refused(Document(Policy(stores: "\"ca:leafy\"")));

        Assert.Equal("SC4141", refused.Code);
        Assert.Contains("not a CA certificate", refused.Message);
    }

    [UnixFact]
    public void SymlinkedStoreIsRefusedAsTheSpecificationRequires()
    {
        Directory.CreateSymbolicLink(Path.Combine(Store, "x509", "ca", "linked"), Path.Combine(Store, "x509", "ca", "team"));

        Diagnostic refused = Refused(Document(Policy(stores: "\"ca:linked\"")));

        Assert.Equal("SC4141", refused.Code);
        Assert.Contains("symbolic link", refused.Message);
    }

    [Fact]
    public void StoreWithoutCertificatesIsRefused()
    {
        Directory.CreateDirectory(Path.Combine(Store, "x509", "ca", "empty"));
        File.WriteAllText(Path.Combine(Store, "x509", "ca", "empty", "notes.txt"), "no certificates here");

        Assert.Equal("SC4141", Refused(Document(Policy(stores: "\"ca:empty\""))).Code);
    }

    [Fact]
    public void PolicyNamingStoresWithoutATrustStoreDirectoryIsRefused()
    {
        Diagnostic refused = Assert.Throws<SecureContainerException>(() =>
            NotaryTrustPolicyDocument.Load(Write(Document(Policy())), null, "--notary-trust-policy", "--notary-trust-store")).Diagnostic;

        Assert.Equal("SC4141", refused.Code);
        Assert.Contains("--notary-trust-store", refused.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

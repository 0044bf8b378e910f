using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Signing.Bundles;
using SecureContainers.Core.Signing.Keys;
using SecureContainers.Core.Signing.Trust;
using Xunit.Abstractions;

namespace SecureContainers.Core.Tests.Signing.Bundles;

/// <summary>
/// sigstore-conformance's bundle-verify cases (TestData/SOURCES.md): real public-good and mock-instance bundles, each
/// expected to verify or, for a name ending in <c>_fail</c>, not to. These are the cases for Rekor v1 entries, the
/// ones this verifier reads; Rekor v2 and RFC 3161-only cases are left out.
/// </summary>
public sealed class ConformanceVectorTests(ITestOutputHelper output)
{
    private const string DefaultIdentity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    private const string DefaultIssuer = "https://token.actions.githubusercontent.com";

    public static TheoryData<string> Cases() => new(Directory.GetDirectories(Path.Combine(TestData(), "conformance")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryCaseVerifiesOrFailsAsTheConformanceSuiteExpects(string name)
    {
        BundleCheck? check = Run(name, out string problem);
        output.WriteLine(check is null ? $"not read: {problem}" : check.Valid ? $"valid: {check.Signer} at {check.SignedAt}" : $"{check.Failure}: {check.Reason}");

        if (name.EndsWith("_fail", StringComparison.Ordinal))
        {
            Assert.False(check?.Valid ?? false, $"{name} verified but must fail");
        }
        else
        {
            Assert.True(check is { Valid: true }, $"{name} failed: {check?.Reason ?? problem}");
        }
    }

    [Fact]
    public void FailuresNameTheBrokenPartNotJustNo()
    {
        Assert.Equal(BundleFailure.CertificateUntrusted, Run("intoto-set-outside-signing-cert-validity_fail", out _)!.Failure);
        Assert.Equal(BundleFailure.TlogInvalid, Run("intoto-log-entry-mismatch_fail", out _)!.Failure);
        Assert.Equal(BundleFailure.TlogInvalid, Run("intoto-missing-inclusion-proof_fail", out _)!.Failure);
        Assert.Equal(BundleFailure.TlogInvalid, Run("set-invalid-signature_fail", out _)!.Failure);
        Assert.Equal(BundleFailure.TlogInvalid, Run("inclusion-proof-corrupted-hash_fail", out _)!.Failure);
        Assert.Equal(BundleFailure.TlogInvalid, Run("checkpoint-wrong-roothash_fail", out _)!.Failure);
    }

    internal static string TestData([CallerFilePath] string thisFile = "") => Path.Combine(Path.GetDirectoryName(thisFile)!, "TestData");

    private static BundleCheck? Run(string name, out string problem)
    {
        string dir = Path.Combine(TestData(), "conformance", name);
        string? Optional(string file) => File.Exists(Path.Combine(dir, file)) ? File.ReadAllText(Path.Combine(dir, file)).Trim() : null;

        SigstoreBundle? bundle = SigstoreBundleReader.TryParse(File.ReadAllBytes(Path.Combine(dir, "bundle.sigstore.json")), out problem);
        if (bundle is null)
        {
            return null;
        }

        TrustedRoot root;
        VerificationKey? key;
        try
        {
            // The wrong-key case's key is not a point on the curve: refused on loading, as --key would refuse it.
            key = Optional("key.pub") is string pem ? VerificationKey.FromPem(pem, "key.pub") : null;
            root = TrustedRoot.Load(File.Exists(Path.Combine(dir, "trusted_root.json")) ? Path.Combine(dir, "trusted_root.json") : Path.Combine(TestData(), "public-good-trusted_root.json"));
        }
        catch (SecureContainerException ex)
        {
            problem = ex.Diagnostic.Message;
            return null;
        }

        string artifact = File.Exists(Path.Combine(dir, "artifact")) ? Path.Combine(dir, "artifact") : Path.Combine(TestData(), "conformance", "a.txt");
        Digest digest = Digest.Parse("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(artifact))));
        BundleVerificationPolicy policy = key is not null
            ? new BundleVerificationPolicy { Key = key, TrustedRoot = File.Exists(Path.Combine(dir, "trusted_root.json")) ? root : null }
            : new BundleVerificationPolicy { Identity = CertificateIdentityPolicy.Create(Optional("identity") ?? DefaultIdentity, null, Optional("issuer") ?? DefaultIssuer), TrustedRoot = root };
        using (key)
        {
            return BundleVerifier.Verify(bundle, digest, policy);
        }
    }
}

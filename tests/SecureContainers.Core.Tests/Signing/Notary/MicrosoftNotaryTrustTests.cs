using System.Security.Cryptography;
using SecureContainers.Core.Signing.Notary;

namespace SecureContainers.Core.Tests.Signing.Notary;

/// <summary>The built-in trust for Microsoft's signed images: the roots it carries are the ones Microsoft publishes.</summary>
public sealed class MicrosoftNotaryTrustTests
{
    [Fact]
    public void SigningRootIsMicrosoftsPublishedSupplyChainRoot()
    {
        // dotnet/dotnet-docker documentation/image-signatures.md prints this SHA-256 for the root of the .NET images' chain.
        var root = Assert.Single(MicrosoftNotaryTrust.Policy.TrustedRoots);

        Assert.Equal("23ffe2b8bdb9a1711515d4cffda04bc7f793d513c76c243f1020507d8669b7db", Convert.ToHexStringLower(SHA256.HashData(root.RawData)));
        Assert.Equal("CN=Microsoft Supply Chain RSA Root CA 2022, O=Microsoft Corporation, C=US", root.Subject);
    }

    [Fact]
    public void TimestampRootIsMicrosoftRootCertificateAuthority2010()
    {
        // The SHA-1 thumbprint Windows' root store lists for Microsoft Root Certificate Authority 2010.
        var root = Assert.Single(MicrosoftNotaryTrust.Policy.TimestampRoots);

        Assert.Equal("3b1efd3a66ea28b16697394703a72ca340a05bd5", Convert.ToHexStringLower(SHA1.HashData(root.RawData)));
        Assert.Equal(MicrosoftNotaryTrust.TimestampRootSha256, Convert.ToHexStringLower(SHA256.HashData(root.RawData)));
        Assert.Contains("CN=Microsoft Root Certificate Authority 2010", root.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyIsStrictForTheDotNetImagesAndOnlyMicrosoftsSigner()
    {
        NotaryTrustPolicy policy = MicrosoftNotaryTrust.Policy;

        Assert.Equal(NotaryVerificationLevel.Strict, policy.Level);
        Assert.Contains("mcr.microsoft.com/dotnet/aspnet", policy.RegistryScopes);
        Assert.Contains("mcr.microsoft.com/dotnet/runtime-deps", policy.RegistryScopes);
        Assert.DoesNotContain(NotaryTrustPolicy.AnyScope, policy.RegistryScopes);
        Assert.Equal(["x509.subject: CN=Microsoft SCD Products RSA Signing,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US"], policy.TrustedIdentities);
    }

    [Fact]
    public void UserPolicyForAMicrosoftScopeReplacesTheBuiltInOneThere()
    {
        NotaryTrustPolicy mine = new("mine", ["mcr.microsoft.com/dotnet/aspnet"], NotaryVerificationLevel.Audit, [], [], ["*"]);
        NotaryTrustPolicy global = new("global", [NotaryTrustPolicy.AnyScope], NotaryVerificationLevel.Strict, [], [], ["*"]);

        IReadOnlyList<NotaryTrustPolicy> policies = MicrosoftNotaryTrust.With([mine, global]);

        Assert.Equal("mine", NotaryTrustPolicy.Select(policies, "mcr.microsoft.com/dotnet/aspnet")!.Name);
        // The built-in policy's exact scopes win over a user's global one, as in notation's evaluation order.
        Assert.Equal(MicrosoftNotaryTrust.PolicyName, NotaryTrustPolicy.Select(policies, "mcr.microsoft.com/dotnet/runtime")!.Name);
        Assert.Equal("global", NotaryTrustPolicy.Select(policies, "registry.example/app")!.Name);
    }

    [Fact]
    public void WithoutUserPoliciesOnlyMicrosoftScopesAreCovered()
    {
        IReadOnlyList<NotaryTrustPolicy> policies = MicrosoftNotaryTrust.With([]);

        Assert.NotNull(NotaryTrustPolicy.Select(policies, "mcr.microsoft.com/dotnet/sdk"));
        Assert.Null(NotaryTrustPolicy.Select(policies, "docker.io/library/debian"));
    }
}

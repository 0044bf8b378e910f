using SecureContainers.Core.Diagnostics;
using System.Text;
using SecureContainers.Core.Signing.Trust;

namespace SecureContainers.Core.Tests.Signing.Bundles;

public sealed class TrustedRootTests
{
    [Fact]
    public void PublicGoodRootReadsEveryAuthorityAndLog()
    {
        TrustedRoot root = TrustedRoot.Load(Path.Combine(ConformanceVectorTests.TestData(), "public-good-trusted_root.json"));

        Assert.NotEmpty(root.CertificateAuthorities);
        Assert.Contains(root.Tlogs, l => l.BaseUrl == "https://rekor.sigstore.dev" && l.Key.IsSupported);
        Assert.Contains(root.Tlogs, l => l.Key.KeyDetails == "PKIX_ED25519" && !l.Key.IsSupported);
        Assert.NotEmpty(root.CtLogs);
        Assert.All(root.Tlogs, l => Assert.Equal(32, l.LogId.Length));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"mediaType\":\"application/json\"}")]
    [InlineData("{\"tlogs\":[{\"baseUrl\":\"https://x\",\"publicKey\":{\"rawBytes\":\"AAAA\",\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\",\"validFor\":{}},\"logId\":{\"keyId\":\"AAAA\"}}]}")]
    [InlineData("{\"certificateAuthorities\":[{\"certChain\":{\"certificates\":[{\"rawBytes\":\"AAAA\"}]}}]}")]
    [InlineData("{\"tlogs\":{}}")]
    public void MalformedRootsAreSC6070(string json)
    {
        SecureContainerException ex = Assert.Throws<SecureContainerException>(() => TrustedRoot.Parse(Encoding.UTF8.GetBytes(json), "root.json"));
        Assert.Equal("SC6070", ex.Diagnostic.Code);
    }

    [Fact]
    public void MissingAndOversizedFilesAreSC6070()
    {
        string big = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(big, new byte[TrustedRoot.MaxBytes + 1]);
            Assert.Equal("SC6070", Assert.Throws<SecureContainerException>(() => TrustedRoot.Load(big)).Diagnostic.Code);
            Assert.Equal("SC6070", Assert.Throws<SecureContainerException>(() => TrustedRoot.Load(big + ".missing")).Diagnostic.Code);
        }
        finally
        {
            File.Delete(big);
        }
    }
}

using System.Security.Cryptography;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Tests.Signing;

public sealed class KeyLoadingTests : IDisposable
{
    private readonly SigningFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static PbeParameters FastPbe => new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000);

    private static string CodeOf(Action action) => Assert.Throws<SecureContainerException>(action).Diagnostic.Code;

    [Fact]
    public void EncryptedPkcs8RoundTripsWithItsPassword()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string path = _f.Write("enc.key", key.ExportEncryptedPkcs8PrivateKeyPem(SigningFixture.Password, FastPbe));
        using KeyPassword password = SigningFixture.Pass();

        using EcdsaFileSigner signer = EcdsaFileSigner.Load(path, password);

        byte[] signature = signer.Sign("data"u8);
        Assert.True(key.VerifyData("data"u8, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal(EcCurve.P256, signer.Curve);
        Assert.Equal("ecdsa-p256-sha256", signer.Algorithm);
    }

    [Fact]
    public void WrongPasswordIsCodedAndNeverEchoed()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string path = _f.Write("enc.key", key.ExportEncryptedPkcs8PrivateKeyPem(SigningFixture.Password, FastPbe));
        const string wrong = "Wr0ng-Passw0rd-Sentinel";
        using KeyPassword password = SigningFixture.Pass(wrong);

        SecureContainerException ex = Assert.Throws<SecureContainerException>(() => EcdsaFileSigner.Load(path, password));

        Assert.Equal(SigningDiagnostics.KeyPasswordWrong, ex.Diagnostic.Descriptor);
        Assert.Contains("TEST_PASSWORD", ex.Message);
        Assert.DoesNotContain(wrong, ex.ToString());
        Assert.DoesNotContain(SigningFixture.Password, ex.ToString());
        Assert.DoesNotContain(wrong, password.ToString());
    }

    [Fact]
    public void EncryptedKeyWithoutPasswordIsCoded()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string path = _f.Write("enc.key", key.ExportEncryptedPkcs8PrivateKeyPem(SigningFixture.Password, FastPbe));
        using KeyPassword empty = KeyPasswordSource.FromEnvironment("SC_TEST_UNSET_VARIABLE", _ => null);

        Assert.Equal("SC6005", CodeOf(() => EcdsaFileSigner.Load(path, empty)));
    }

    [Fact]
    public void Sec1P384KeyWithParametersBlockLoads()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        // openssl ecparam -genkey writes an EC PARAMETERS block first.
        string path = _f.Write("sec1.key", "-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n" + key.ExportECPrivateKeyPem());
        using KeyPassword none = SigningFixture.Pass("");

        using EcdsaFileSigner signer = EcdsaFileSigner.Load(path, none);

        Assert.Equal(EcCurve.P384, signer.Curve);
        Assert.True(key.VerifyData("x"u8, signer.Sign("x"u8), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void RsaKeyIsRefusedNamingItsType()
    {
        using RSA rsa = RSA.Create(2048);
        string pkcs8 = _f.Write("rsa.key", rsa.ExportPkcs8PrivateKeyPem());
        string pkcs1 = _f.Write("rsa1.key", rsa.ExportRSAPrivateKeyPem());
        string encrypted = _f.Write("rsa-enc.key", rsa.ExportEncryptedPkcs8PrivateKeyPem(SigningFixture.Password, FastPbe));
        using KeyPassword password = SigningFixture.Pass();

        foreach (string path in new[] { pkcs8, pkcs1, encrypted })
        {
            SecureContainerException ex = Assert.Throws<SecureContainerException>(() => EcdsaFileSigner.Load(path, password));
            Assert.Equal("SC6003", ex.Diagnostic.Code);
            Assert.Contains("RSA", ex.Message);
        }
    }

    [Fact]
    public void P521KeyIsRefusedNamingItsCurve()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP521);
        string path = _f.Write("p521.key", key.ExportPkcs8PrivateKeyPem());
        using KeyPassword none = SigningFixture.Pass("");

        SecureContainerException ex = Assert.Throws<SecureContainerException>(() => EcdsaFileSigner.Load(path, none));

        Assert.Equal("SC6003", ex.Diagnostic.Code);
        Assert.Contains("P-521", ex.Message);
    }

    [Fact]
    public void CosignKeyFormatIsCodedWithTheSupportedFormats()
    {
        string path = _f.Write("cosign.key", "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
        using KeyPassword password = SigningFixture.Pass();

        SecureContainerException ex = Assert.Throws<SecureContainerException>(() => EcdsaFileSigner.Load(path, password));

        Assert.Equal("SC6006", ex.Diagnostic.Code);
        Assert.Contains("PKCS#8", ex.Message);
    }

    [Fact]
    public void MissingAndMalformedFilesAreCoded()
    {
        using KeyPassword none = SigningFixture.Pass("");
        Assert.Equal("SC6001", CodeOf(() => EcdsaFileSigner.Load(Path.Combine(_f.Dir, "absent.key"), none)));
        Assert.Equal("SC6002", CodeOf(() => EcdsaFileSigner.Load(_f.Write("junk.key", "not a key"), none)));
        Assert.Equal("SC6002", CodeOf(() => EcdsaFileSigner.Load(_f.Write("trunc.key", "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n"), none)));
        Assert.Equal("SC6001", CodeOf(() => VerificationKey.Load(Path.Combine(_f.Dir, "absent.pub"))));
        Assert.Equal("SC6002", CodeOf(() => VerificationKey.Load(_f.Write("junk.pub", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))));
    }

    /// <summary>A folder given as the key is a wrong path, not a missing file: "does not exist" would send the user looking elsewhere.</summary>
    [Fact]
    public void FolderGivenAsTheKeyIsSaidToBeAFolder()
    {
        using KeyPassword none = SigningFixture.Pass("");
        string folder = Directory.CreateDirectory(Path.Combine(_f.Dir, "keys")).FullName;

        SecureContainerException signing = Assert.Throws<SecureContainerException>(() => EcdsaFileSigner.Load(folder, none));
        SecureContainerException verifying = Assert.Throws<SecureContainerException>(() => VerificationKey.Load(folder));

        Assert.All(new[] { signing, verifying }, e =>
        {
            Assert.Equal("SC6002", e.Diagnostic.Code);
            Assert.Contains("is a folder", e.Diagnostic.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("does not exist", e.Diagnostic.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void PublicKeyPemLoadsAndRsaPublicKeyIsRefused()
    {
        (_, EcdsaFileSigner signer) = _f.NewKey();
        using (signer)
        using (VerificationKey key = VerificationKey.Load(_f.Write("k.pub", signer.PublicKey.ToPem())))
        {
            Assert.True(key.Verify("m"u8, signer.Sign("m"u8)));
            Assert.False(key.Verify("n"u8, signer.Sign("m"u8)));
            Assert.Equal(signer.PublicKey.Fingerprint, key.Fingerprint);
        }

        using RSA rsa = RSA.Create(2048);
        Assert.Equal("SC6003", CodeOf(() => VerificationKey.Load(_f.Write("rsa.pub", rsa.ExportSubjectPublicKeyInfoPem()))));
    }

    [Fact]
    public void PasswordComesFromTheNamedVariableOnly()
    {
        Dictionary<string, string> env = new() { ["MY_KEY_PASS"] = "s3cret", [KeyPasswordSource.DefaultVariable] = "other" };

        using KeyPassword named = KeyPasswordSource.FromEnvironment("MY_KEY_PASS", env.GetValueOrDefault);
        using KeyPassword fallback = KeyPasswordSource.FromEnvironment(null, env.GetValueOrDefault);

        Assert.Equal("s3cret", new string(named.Chars));
        Assert.Equal("other", new string(fallback.Chars));
        Assert.Equal(KeyPasswordSource.DefaultVariable, fallback.VariableName);
        Assert.DoesNotContain("s3cret", named.ToString());
        Assert.Equal("SC6010", CodeOf(() => KeyPasswordSource.FromEnvironment("NOT-A-NAME", env.GetValueOrDefault)));
    }
}

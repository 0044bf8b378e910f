using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Tests.Signing;

public sealed class KeyGeneratorTests : IDisposable
{
    private readonly SigningFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void WritesAnEncryptedOwnerOnlyKeyAndAPublicKeyThatLoad()
    {
        string dir = Path.Combine(_f.Dir, "keys");

        GeneratedKeyPair pair = KeyGenerator.Generate(dir, SigningFixture.Password);

        Assert.Equal(Path.Combine(dir, "securecontainers.key"), pair.PrivateKeyPath);
        string pem = File.ReadAllText(pair.PrivateKeyPath);
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", pem);
        Assert.DoesNotContain(SigningFixture.Password, pem);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pair.PrivateKeyPath));
        }

        using KeyPassword password = SigningFixture.Pass();
        using EcdsaFileSigner signer = EcdsaFileSigner.Load(pair.PrivateKeyPath, password);
        using VerificationKey pub = VerificationKey.Load(pair.PublicKeyPath);
        Assert.Equal(EcCurve.P256, signer.Curve);
        Assert.Equal(pair.Fingerprint, pub.Fingerprint);
        Assert.True(pub.Verify("payload"u8, signer.Sign("payload"u8)));
    }

    [Fact]
    public void RefusesToOverwriteEitherFile()
    {
        string dir = Path.Combine(_f.Dir, "keys");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "securecontainers.pub"), "keep me");

        SecureContainerException ex = Assert.Throws<SecureContainerException>(() => KeyGenerator.Generate(dir, SigningFixture.Password));

        Assert.Equal("SC6007", ex.Diagnostic.Code);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(dir, "securecontainers.pub")));
        Assert.False(File.Exists(Path.Combine(dir, "securecontainers.key")));
    }

    [Fact]
    public void RefusesAnEmptyPassword()
    {
        SecureContainerException ex = Assert.Throws<SecureContainerException>(() => KeyGenerator.Generate(_f.Dir, ""));

        Assert.Equal("SC6008", ex.Diagnostic.Code);
        Assert.Empty(Directory.GetFiles(_f.Dir));
    }
}

using System.Security.Cryptography;
using System.Text;
using SecureContainers.Core.Signing.Keys;

namespace SecureContainers.Core.Tests.Signing;

/// <summary>One publish decrypts its signing key three times; the costly PBKDF2 runs once, and gives the same bytes.</summary>
public sealed class Pbkdf2MemoTests
{
    [Fact]
    public void ASecondDerivationOfTheSameInputsIsTheKeptOneAndEqualsPbkdf2()
    {
        byte[] password = Encoding.UTF8.GetBytes("memo-test-" + Guid.NewGuid());
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        byte[] expected = Rfc2898DeriveBytes.Pbkdf2(password, salt, 1000, HashAlgorithmName.SHA256, 32);

        int before = Pbkdf2Memo.DerivationsOnThisThread;
        byte[] first = Pbkdf2Memo.Derive(password, salt, 1000, HashAlgorithmName.SHA256, 32);
        byte[] second = Pbkdf2Memo.Derive(password, salt, 1000, HashAlgorithmName.SHA256, 32);

        Assert.Equal(expected, first);
        Assert.Equal(expected, second);
        Assert.NotSame(first, second);
        Assert.Equal(before + 1, Pbkdf2Memo.DerivationsOnThisThread);
    }

    [Fact]
    public void AFullMemoMakesRoomForTheNewestDerivation()
    {
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        for (int i = 0; i < Pbkdf2Memo.Capacity; i++)
        {
            Pbkdf2Memo.Derive(Encoding.UTF8.GetBytes($"filler-{i}-{Guid.NewGuid()}"), salt, 1000, HashAlgorithmName.SHA256, 32);
        }

        byte[] password = Encoding.UTF8.GetBytes("memo-test-" + Guid.NewGuid());
        int before = Pbkdf2Memo.DerivationsOnThisThread;
        Pbkdf2Memo.Derive(password, salt, 1000, HashAlgorithmName.SHA256, 32);
        Pbkdf2Memo.Derive(password, salt, 1000, HashAlgorithmName.SHA256, 32);

        // The oldest entry made room: the key just derived is the one kept for the next step.
        Assert.Equal(before + 1, Pbkdf2Memo.DerivationsOnThisThread);
    }

    [Fact]
    public void ACallerZeroingItsCopyDoesNotSpoilTheNext()
    {
        byte[] password = Encoding.UTF8.GetBytes("memo-test-" + Guid.NewGuid());
        byte[] salt = RandomNumberGenerator.GetBytes(16);

        CryptographicOperations.ZeroMemory(Pbkdf2Memo.Derive(password, salt, 1000, HashAlgorithmName.SHA256, 32));

        Assert.Equal(Rfc2898DeriveBytes.Pbkdf2(password, salt, 1000, HashAlgorithmName.SHA256, 32), Pbkdf2Memo.Derive(password, salt, 1000, HashAlgorithmName.SHA256, 32));
    }

    [Theory]
    [InlineData("another password", 1000, 32)]
    [InlineData("memo-test", 1001, 32)]
    [InlineData("memo-test", 1000, 16)]
    public void AnyOtherInputIsAnotherDerivation(string password, int iterations, int length)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        byte[] kept = Pbkdf2Memo.Derive(Encoding.UTF8.GetBytes("memo-test"), salt, 1000, HashAlgorithmName.SHA256, 32);

        byte[] other = Pbkdf2Memo.Derive(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length);

        Assert.Equal(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length), other);
        Assert.NotEqual(kept, other);
    }
}

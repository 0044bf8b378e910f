using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Core.Tests.Sbom;

public class SbomTimestampTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, 750, TimeSpan.FromHours(1));

    [Theory]
    [InlineData("1700000000", 1700000000)]
    [InlineData(" 0 ", 0)]
    [InlineData("253402300799", 253402300799)]
    public void SourceDateEpochWins(string value, long seconds)
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(seconds), SbomTimestamp.Resolve(value, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void WithoutSourceDateEpochTheClockIsUsedToWholeSeconds(string? value)
    {
        DateTimeOffset resolved = SbomTimestamp.Resolve(value, Now);

        Assert.Equal(Now.ToUnixTimeSeconds(), resolved.ToUnixTimeSeconds());
        Assert.Equal(0, resolved.Millisecond);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1e9")]
    [InlineData("2023-11-14")]
    [InlineData("253402300800")]
    [InlineData("99999999999999999999")]
    public void InvalidSourceDateEpochIsSC5006(string value)
    {
        var ex = Assert.Throws<SecureContainerException>(() => SbomTimestamp.Resolve(value, Now));

        Assert.Equal("SC5006", ex.Diagnostic.Code);
        Assert.Contains(value, ex.Diagnostic.Message);
    }
}

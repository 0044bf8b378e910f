using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Policy;

namespace SecureContainers.Core.Tests.Policy;

public class PolicyOptionsTests
{
    private static (PolicyOptions Options, DiagnosticBag Diagnostics) Resolve(
        string? profile = null, string? digest = null, string? minimal = null, string? trusted = null, string? microsoft = null, params string[] patterns)
    {
        DiagnosticBag bag = new();
        return (PolicyOptions.Resolve(profile, null, digest, minimal, trusted, microsoft, patterns, bag), bag);
    }

    [Theory]
    [InlineData(null, false, false)]
    [InlineData("Baseline", false, false)]
    [InlineData("restricted", true, true)]
    [InlineData("Restricted", true, true)]
    public void ProfileSetsTheRuleDefaults(string? profile, bool digest, bool minimal)
    {
        (PolicyOptions options, DiagnosticBag bag) = Resolve(profile);
        Assert.Empty(bag.Items);
        Assert.Equal(digest, options.RequireBaseImageDigest);
        Assert.Equal(minimal, options.RequireMinimalBaseImage);
        Assert.True(options.RequireTrustedBaseImage);
    }

    [Fact]
    public void EachRuleOverridesTheProfile()
    {
        (PolicyOptions restricted, _) = Resolve("Restricted", digest: "false", minimal: "false");
        Assert.False(restricted.RequireBaseImageDigest);
        Assert.False(restricted.RequireMinimalBaseImage);

        (PolicyOptions baseline, _) = Resolve("Baseline", digest: "true", minimal: "true", trusted: "false");
        Assert.True(baseline.RequireBaseImageDigest);
        Assert.True(baseline.RequireMinimalBaseImage);
        Assert.False(baseline.RequireTrustedBaseImage);
    }

    [Theory]
    [InlineData("Strict")]
    [InlineData("1")]
    [InlineData("Baseline,Restricted")]
    public void UnknownProfileIsSC1002(string profile) => Assert.Equal("SC1002", Assert.Single(Resolve(profile).Diagnostics.Items).Code);

    [Fact]
    public void MicrosoftImagesAreTrustedByDefaultAndCanBeDropped()
    {
        Assert.Equal(3, Resolve().Options.TrustedBaseImages.Count);
        Assert.Empty(Resolve(microsoft: "false").Options.TrustedBaseImages);
        Assert.Equal(4, Resolve(patterns: "localhost:5000/base/*").Options.TrustedBaseImages.Count);
    }

    [Fact]
    public void MalformedTrustedPatternIsSC1003()
    {
        (PolicyOptions options, DiagnosticBag bag) = Resolve(patterns: "not a pattern");
        Assert.Equal("SC1003", Assert.Single(bag.Items).Code);
        Assert.Equal(3, options.TrustedBaseImages.Count);
    }
}

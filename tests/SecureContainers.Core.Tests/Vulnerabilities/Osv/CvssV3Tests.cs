using SecureContainers.Core.Vulnerabilities;
using SecureContainers.Core.Vulnerabilities.Osv;

namespace SecureContainers.Core.Tests.Vulnerabilities.Osv;

public class CvssV3Tests
{
    public static TheoryData<string, double> ReferenceVectors => CvssReferenceScores.V31;

    [Theory]
    [MemberData(nameof(ReferenceVectors))]
    public void BaseScoreEqualsTheIndependentImplementation(string vector, double expected)
    {
        Assert.True(CvssV3.TryBaseScore(vector, out double score));
        Assert.Equal(expected, score);
    }

    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H/E:P/RL:O", 7.5)]
    [InlineData("CVSS:3.0/AV:P/AC:H/PR:N/UI:R/S:C/C:L/I:H/A:L", 6.2)]
    public void TemporalMetricsAreIgnoredAndVersion30IsScoredToo(string vector, double expected)
    {
        Assert.True(CvssV3.TryBaseScore(vector, out double score));
        Assert.Equal(expected, score);
    }

    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H/A:L")]
    [InlineData("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H")]
    [InlineData("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P")]
    [InlineData("AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H/ZZ:Q")]
    public void IncompleteOrForeignVectorsAreRefused(string vector) => Assert.False(CvssV3.TryBaseScore(vector, out _));

    [Theory]
    [InlineData(9.8, VulnerabilitySeverity.Critical)]
    [InlineData(7.0, VulnerabilitySeverity.High)]
    [InlineData(6.9, VulnerabilitySeverity.Moderate)]
    [InlineData(3.9, VulnerabilitySeverity.Low)]
    [InlineData(0.0, VulnerabilitySeverity.Low)]
    public void ScoresFallInTheSpecificationsBands(double score, VulnerabilitySeverity expected) => Assert.Equal(expected, CvssV3.Band(score));
}

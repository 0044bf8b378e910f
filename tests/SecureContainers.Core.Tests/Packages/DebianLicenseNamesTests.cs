using SecureContainers.Core.Packages;

namespace SecureContainers.Core.Tests.Packages;

public class DebianLicenseNamesTests
{
    [Fact]
    public void EveryMappedIdIsOnTheSpdxListCycloneDxValidatesAgainst()
    {
        Assert.All(DebianLicenseNames.SpdxIds.Values, id => Assert.Contains(id, SpdxLicenseList.Ids));
    }

    [Fact]
    public void EveryStandardShortNameOfTheSpecTableHasARowOrIsLeftOutOnPurpose()
    {
        // §7.1's keyword table; public-domain (no license), Perl (the spec says write "GPL-1+ or Artistic-1") and
        // unversioned GFDL/Zope (version 1.0 has no SPDX id) stay names.
        string[] keywords = ["Apache", "Artistic", "BSD-2-clause", "BSD-3-clause", "BSD-4-clause", "ISC", "CC-BY", "CC-BY-SA", "CC-BY-ND",
            "CC-BY-NC", "CC-BY-NC-SA", "CC-BY-NC-ND", "CC0", "CDDL", "CPL", "EFL", "Expat", "GPL", "LGPL", "GFDL-1.3", "GFDL-NIV-1.3",
            "LPPL", "MPL", "Python", "QPL", "W3C", "Zlib", "Zope-2.1"];
        Assert.All(keywords, k => Assert.NotNull(DebianLicenseNames.ToLicense(k).SpdxId));
        Assert.All(["public-domain", "Perl", "GFDL", "Zope"], k => Assert.Null(DebianLicenseNames.ToLicense(k).SpdxId));
    }

    [Theory]
    [InlineData("GPL-2+", "GPL-2.0-or-later")]
    [InlineData("GPL-2", "GPL-2.0-only")]
    [InlineData("GPL-2.0+", "GPL-2.0-or-later")]
    [InlineData("gpl-3.0", "GPL-3.0-only")]
    [InlineData("GPL", "GPL-1.0-only")]
    [InlineData("LGPL", "LGPL-2.0-only")]
    [InlineData("LGPL-2.1+", "LGPL-2.1-or-later")]
    [InlineData("LGPL-3+", "LGPL-3.0-or-later")]
    [InlineData("Expat", "MIT")]
    [InlineData("BSD-3-clause", "BSD-3-Clause")]
    [InlineData("BSD-2-Clause", "BSD-2-Clause")]
    [InlineData("Apache-2.0", "Apache-2.0")]
    [InlineData("Apache-2", "Apache-2.0")]
    [InlineData("zlib", "Zlib")]
    [InlineData("CC0-1.0", "CC0-1.0")]
    [InlineData("CC-BY-SA-3.0", "CC-BY-SA-3.0")]
    [InlineData("GFDL-NIV-1.3+", "GFDL-1.3-no-invariants-or-later")]
    [InlineData("Artistic", "Artistic-1.0")]
    [InlineData("MPL-2.0", "MPL-2.0")]
    [InlineData("MIT", "MIT")]
    [InlineData("Sleepycat", "Sleepycat")]
    [InlineData("LGPL-2.1-or-later", "LGPL-2.1-or-later")]
    public void StandardShortNamesAndSpdxIdsBecomeSpdxIds(string shortName, string spdxId)
    {
        PackageLicense license = DebianLicenseNames.ToLicense(shortName);

        Assert.Equal(spdxId, license.SpdxId);
        Assert.Null(license.Name);
    }

    [Theory]
    [InlineData("public-domain")]
    [InlineData("permissive-fsf")]
    [InlineData("BSD-3-clause-Regents")]
    [InlineData("GPL-3+ with Bison exception")]
    [InlineData("GPL-2 with Linux-syscall-note exception")]
    [InlineData("Apache-2.0+")]
    [InlineData("MIT/X11")]
    [InlineData("Perl")]
    public void OtherNamesStayNamesAsWritten(string shortName)
    {
        PackageLicense license = DebianLicenseNames.ToLicense(shortName);

        Assert.Null(license.SpdxId);
        Assert.Equal(shortName, license.Name);
    }

    [Fact]
    public void ResultsAreDeduplicatedAndOrderedWhateverTheInputOrder()
    {
        IReadOnlyList<PackageLicense> a = DebianLicenseNames.ToLicenses(["public-domain", "GPL-2+", "GPL-2.0+", "Expat", "MIT"]);
        IReadOnlyList<PackageLicense> b = DebianLicenseNames.ToLicenses(["MIT", "GPL-2.0+", "Expat", "public-domain", "GPL-2+"]);

        Assert.Equal([("GPL-2.0-or-later", null), ("MIT", null), (null, "public-domain")], a.Select(l => (l.SpdxId, l.Name)));
        Assert.Equal(a, b);
    }
}

using SecureContainers.Core.Layers;

namespace SecureContainers.Core.Tests.Layers;

public class DebianCopyrightParserTests
{
    private const string Format = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n";

    private static string TestData(params string[] parts) =>
        RepositoryRoot.Combine(["tests", "SecureContainers.Core.Tests", "Layers", "TestData", "debian-copyright", .. parts]);

    /// <summary>Real files from Debian 12 packages against python3-debian's reading of them (TestData/debian-copyright/SOURCE.md).</summary>
    public static TheoryData<string, string> RealFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (string line in File.ReadAllLines(TestData("expected.tsv")))
        {
            string[] columns = line.Split('\t');
            data.Add(columns[0], columns[1]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void RealDebianCopyrightFilesGiveTheShortNamesAnIndependentParserFinds(string package, string expected)
    {
        DebianCopyright copyright = DebianCopyrightParser.Parse(File.ReadAllBytes(TestData(package)));

        if (expected == "FREEFORM")
        {
            Assert.Equal(DebianCopyrightKind.FreeForm, copyright.Kind);
            Assert.Empty(copyright.Licenses);
        }
        else
        {
            Assert.Equal(DebianCopyrightKind.MachineReadable, copyright.Kind);
            Assert.Equal(expected.Split('|'), copyright.Licenses);
        }
    }

    [Theory]
    [InlineData("Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0/")]
    [InlineData("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0")]
    [InlineData("format:   HTTPS://WWW.DEBIAN.ORG/doc/packaging-manuals/copyright-format/1.0/  ")]
    public void BothFormatUrisOfVersion1AreMachineReadable(string formatLine)
    {
        DebianCopyright copyright = DebianCopyrightParser.Parse(formatLine + "\n\nFiles: *\nCopyright: 2024 X\nLicense: Expat\n");

        Assert.Equal(DebianCopyrightKind.MachineReadable, copyright.Kind);
        Assert.Equal(["Expat"], copyright.Licenses);
    }

    [Theory]
    [InlineData("Files: *\nCopyright: 2024 X\nLicense: GPL-2+\n")]
    [InlineData("Format: http://dep.debian.net/deps/dep5\n\nFiles: *\nCopyright: 2024 X\nLicense: GPL-2+\n")]
    [InlineData("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/2.0/\n\nFiles: *\nLicense: GPL-2+\n")]
    [InlineData("This is the Debian prepackaged version of foo.\n\nLicense: GPL-2+\n")]
    [InlineData("")]
    public void WithoutTheVersion1FormatFieldTheLicenseIsNotGuessed(string text)
    {
        // Draft DEP-5 URIs and unknown versions included: the spec says short names mean nothing certain there.
        Assert.Same(DebianCopyright.FreeForm, DebianCopyrightParser.Parse(text));
    }

    [Fact]
    public void OnlyFilesStanzasCountNotTheHeaderSummaryNorStandAloneLicenseTexts()
    {
        DebianCopyright copyright = DebianCopyrightParser.Parse(Format + "License: GPL-3+\n\nFiles: *\nCopyright: X\nLicense: LGPL-2.1+\n\nFiles: doc/*\nCopyright: Y\nLicense: GFDL-NIV-1.3\n text\n\nLicense: Apache-2.0\n Unused stand-alone text.\n\nLicense: LGPL-2.1+\n Full text.\n");

        Assert.Equal(["GFDL-NIV-1.3", "LGPL-2.1+"], copyright.Licenses);
    }

    [Theory]
    [InlineData("GPL-2+", "GPL-2+")]
    [InlineData("GPL-1+ or Artistic", "Artistic|GPL-1+")]
    [InlineData("GPL-2+ or Artistic-2.0, and BSD-3-clause", "Artistic-2.0|BSD-3-clause|GPL-2+")]
    [InlineData("MPL-1.1 or GPL-2 OR LGPL-2.1", "GPL-2|LGPL-2.1|MPL-1.1")]
    [InlineData("GPL-2+ with OpenSSL exception", "GPL-2+ with OpenSSL exception")]
    [InlineData("GPL-2+ with OpenSSL exception, and Expat", "Expat|GPL-2+ with OpenSSL exception")]
    [InlineData("BSD-3-clause-Cambridge with BINARY LIBRARY-LIKE PACKAGES exception or GPL-2", "BSD-3-clause-Cambridge with BINARY LIBRARY-LIKE PACKAGES exception|GPL-2")]
    [InlineData("Expat and expat", "Expat")]
    public void SynopsisTermsAreSplitOnOrAndAndKeepingExceptionsWhole(string synopsis, string expected)
    {
        Assert.Equal(expected.Split('|'), DebianCopyrightParser.ParseSynopsis(synopsis)!.Order(StringComparer.Ordinal).Distinct(StringComparer.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("")]
    [InlineData("GPL-2 or")]
    [InlineData("or GPL-2")]
    [InlineData("GPL-2 and and MIT")]
    [InlineData("GPL-2 MIT")]
    [InlineData("GPL-2,")]
    [InlineData("GPL-2, MIT")]
    [InlineData("GPL-2+ with OpenSSL")]
    [InlineData("GPL-2+ with exception")]
    [InlineData("GPL-2,MIT")]
    public void MalformedSynopsesAreRejected(string synopsis)
    {
        Assert.Null(DebianCopyrightParser.ParseSynopsis(synopsis));
    }

    [Theory]
    [InlineData("Files: *\nCopyright: X\n", "no License field")]
    [InlineData("Files: *\nCopyright: X\nLicense:\n GPL text without a synopsis\n", "License synopsis")]
    [InlineData("Files: *\nCopyright: X\nLicense: GPL-2 or\n", "License synopsis")]
    [InlineData("Files:\nCopyright: X\nLicense: GPL-2\n", "empty Files field")]
    [InlineData("Files: *\nthis line has no colon\nLicense: GPL-2\n", "not a 'Field: value' line")]
    [InlineData("Files: *\nLicense: GPL-2\nLicense: MIT\n", "repeats the field 'License'")]
    [InlineData("Copyright: X\nLicense: GPL-2\n", "no Files stanza")]
    public void ADeclaredFormatWithBrokenSyntaxIsMalformedWithTheReason(string body, string reason)
    {
        DebianCopyright copyright = DebianCopyrightParser.Parse(Format + "\n" + body);

        Assert.Equal(DebianCopyrightKind.Malformed, copyright.Kind);
        Assert.Empty(copyright.Licenses);
        Assert.Contains(reason, copyright.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ContinuationBeforeAnyFieldIsMalformed()
    {
        DebianCopyright copyright = DebianCopyrightParser.Parse(Format + "\n continuation\nFiles: *\nCopyright: X\nLicense: MIT\n");

        Assert.Equal(DebianCopyrightKind.Malformed, copyright.Kind);
        Assert.Contains("line 3", copyright.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CrLfCommentsAndInvalidUtf8DoNotStopTheRead()
    {
        byte[] content = [.. System.Text.Encoding.UTF8.GetBytes(Format.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n# a comment\r\nFiles: *\r\nCopyright: J"), 0xFF, .. "rg\r\nLicense: Zlib\r\n"u8];

        Assert.Equal(["Zlib"], DebianCopyrightParser.Parse(content).Licenses);
    }
}

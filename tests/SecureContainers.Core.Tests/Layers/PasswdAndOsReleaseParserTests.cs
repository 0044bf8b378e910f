using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SecureContainers.Core.Layers;

namespace SecureContainers.Core.Tests.Layers;

public class PasswdAndOsReleaseParserTests
{
    [Fact]
    public void PasswdSkipsBlankCommentNisAndMalformedLines()
    {
        string text = "root:x:0:0:root:/root:/bin/bash\r\n\r\n# comment\r\n+nis::::::\r\nbroken line\r\n"
            + "toofew:x:1:1:/:/bin/sh\r\nbaduid:x:abc:1::/:/bin/sh\r\nnegative:x:-1:1::/:/bin/sh\r\nnouser:x:4294967295:1::/:/bin/sh\r\n"
            + "app:x:1654:1654:App:/home/app:/usr/sbin/nologin\r\nroot:x:999:999::/:/bin/sh";

        IReadOnlyList<PasswdEntry> entries = PasswdParser.Parse(text);

        Assert.Equal(
            [new PasswdEntry("root", 0, 0, "/root", "/bin/bash"), new PasswdEntry("app", 1654, 1654, "/home/app", "/usr/sbin/nologin")],
            entries);
    }

    [Fact]
    public void PasswdToleratesNonUtf8Bytes()
    {
        byte[] bytes = [.. "j"u8, 0xE9, .. "r:x:1000:1000:J"u8, 0xFF, .. "r:/home/j:/bin/sh\nok:x:1:1::/:/bin/sh\n"u8];

        IReadOnlyList<PasswdEntry> entries = PasswdParser.Parse(bytes);

        Assert.Equal(2, entries.Count);
        Assert.Equal(1000, entries[0].Uid);
        Assert.Equal("ok", entries[1].Name);
    }

    [Fact]
    public void ReportLooksUpUidByName()
    {
        var report = new ImageContentsReport([], [], [], [], [], [], PasswdParser.Parse("app:x:1654:1654::/app:/bin/false\n"), null, [], [], []);

        Assert.True(report.TryGetUid("app", out long uid));
        Assert.Equal(1654, uid);
        Assert.False(report.TryGetUid("root", out _));
    }

    [Fact]
    public void OsReleaseReadsQuotedAndUnquotedValues()
    {
        string text = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\r\nNAME='Debian'\r\nVERSION_ID=\"12\"\r\n"
            + "VERSION_CODENAME=bookworm\r\nID=debian\r\n# ID=fake\r\nBROKEN\r\n=novalue\r\nHOME_URL=\"https://say \\\"hi\\\"\"\r\n";

        OsRelease os = OsReleaseParser.Parse(text);

        Assert.Equal("debian", os.Id);
        Assert.Equal("12", os.VersionId);
        Assert.Equal("bookworm", os.VersionCodename);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", os.PrettyName);
        Assert.Equal("Debian", os.Values["NAME"]);
        Assert.Equal("https://say \"hi\"", os.Values["HOME_URL"]);
    }

    [Fact]
    public void OsReleaseOfAlpineWithoutCodename()
    {
        OsRelease os = OsReleaseParser.Parse("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n"u8);

        Assert.Equal(("alpine", "3.20.3", (string?)null), (os.Id, os.VersionId, os.VersionCodename));
    }

    [Fact]
    public void ParsersNeverThrowOnArbitraryText()
    {
        Gen<string> lines = Gen.Elements("root:x:0:0::/:/bin/sh", "a:b:c", "", " ", "\t", "ID=\"x", "ID='", "\"", "=", ":::::::",
            "Package: p", "Version: 1", " continued", "Status: install ok installed", "P:x", "V:1", "#", "\r", "\uFFFD", "Source: s (1", "Depends: a (>= 1) | b:any, ,");
        Gen<string> text = Gen.Frequency(
            (3, Gen.Zip(Gen.ListOf(lines), Gen.Elements("\n", "\r\n", "\r"), (l, newline) => string.Join(newline, l))),
            (1, ArbMap.Default.GeneratorFor<string>().Where(s => s is not null)));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Arb.From(text), (string s) =>
        {
            _ = PasswdParser.Parse(s);
            _ = OsReleaseParser.Parse(s);
            _ = DpkgStatusParser.Parse(s, default);
            _ = ApkInstalledParser.Parse(s, default);
            _ = PasswdParser.Parse(Encoding.Latin1.GetBytes(s));
        }));
    }
}

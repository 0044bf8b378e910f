using SecureContainers.Core.Packages;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Sbom;
using SecureContainers.Core.NuGet;

namespace SecureContainers.Core.Tests.Sbom;

public sealed class NuspecReaderTests : IDisposable
{
    private readonly TempPackagesFolder _packages = new();
    private readonly DiagnosticBag _diagnostics = new();

    [Fact]
    public void SingleListedLicenseExpressionBecomesAnSpdxId()
    {
        _packages.AddNuspec("Newtonsoft.Json", "13.0.3", """<license type="expression">MIT</license><licenseUrl>https://aka.ms/deprecateLicenseUrl</licenseUrl>""");

        PackageLicense license = Assert.Single(Find("Newtonsoft.Json", "13.0.3")!.Licenses);

        Assert.Equal(("MIT", null, null, null), (license.SpdxId, license.Name, license.Expression, license.Url));
    }

    [Fact]
    public void CompoundLicenseExpressionIsKeptAsAnExpression()
    {
        _packages.AddNuspec("Dual", "1.0.0", """<license type="expression" version="1.0.0">(MIT OR Apache-2.0) AND BSD-3-Clause</license>""");

        Assert.Equal("(MIT OR Apache-2.0) AND BSD-3-Clause", Assert.Single(Find("Dual", "1.0.0")!.Licenses).Expression);
    }

    [Fact]
    public void LicenseFileIsNamedByItsPathInThePackage()
    {
        _packages.AddNuspec("Own", "2.0.0", """<license type="file">docs/LICENSE.txt</license>""");

        Assert.Equal("See license file docs/LICENSE.txt", Assert.Single(Find("Own", "2.0.0")!.Licenses).Name);
    }

    [Fact]
    public void LicenseUrlOnlyIsALicenseWithThatUrl()
    {
        _packages.AddNuspec("Old", "1.0.0", """<licenseUrl>https://example.com/license.html</licenseUrl>""", "http://schemas.microsoft.com/packaging/2010/07/nuspec.xsd");

        PackageLicense license = Assert.Single(Find("Old", "1.0.0")!.Licenses);

        Assert.Equal(("Unknown - See URL", "https://example.com/license.html"), (license.Name, license.Url));
    }

    [Fact]
    public void LicensesNuGetOrgUrlIsReadAsTheExpressionItNames()
    {
        _packages.AddNuspec("Mid", "1.0.0", """<licenseUrl>https://licenses.nuget.org/Apache-2.0</licenseUrl>""");

        Assert.Equal("Apache-2.0", Assert.Single(Find("Mid", "1.0.0")!.Licenses).SpdxId);
    }

    [Fact]
    public void NoLicenseDeclaredGivesNoLicense()
    {
        _packages.AddNuspec("Bare", "1.0.0", """<licenseUrl>https://aka.ms/deprecateLicenseUrl</licenseUrl>""");

        Assert.Empty(Find("Bare", "1.0.0")!.Licenses);
    }

    [Fact]
    public void DescriptionAuthorsAndLinksAreRead()
    {
        _packages.AddNuspec("Polly", "8.5.2", """
            <authors>Michael Wolfenden, App vNext</authors>
            <description>  Polly is a resilience library.  </description>
            <projectUrl>https://github.com/App-vNext/Polly</projectUrl>
            <repository type="git" url="https://github.com/App-vNext/Polly" commit="abc" />
            """);

        NuGetPackageMetadata metadata = Find("Polly", "8.5.2")!;

        Assert.Equal(["Michael Wolfenden", "App vNext"], metadata.Authors);
        Assert.Equal("Polly is a resilience library.", metadata.Description);
        Assert.Equal(("https://github.com/App-vNext/Polly", "https://github.com/App-vNext/Polly"), (metadata.ProjectUrl, metadata.RepositoryUrl));
    }

    [Fact]
    public void AssetsFilePathIsUsedToFindThePackageFolder()
    {
        string dir = Directory.CreateDirectory(Path.Combine(_packages.Root, "custom", "layout")).FullName;
        File.WriteAllText(Path.Combine(dir, "odd.nuspec"), """<package><metadata><id>Odd</id><description>found</description></metadata></package>""");

        Assert.Equal("found", NuspecReader.Find([_packages.Root], "Odd", "1.0.0", "custom/layout", _diagnostics)!.Description);
    }

    [Fact]
    public void SecondPackagesFolderIsSearchedWhenTheFirstLacksThePackage()
    {
        using var fallback = new TempPackagesFolder();
        fallback.AddNuspec("Fallback", "1.0.0", "<description>from fallback</description>");

        Assert.Equal("from fallback", NuspecReader.Find([_packages.Root, fallback.Root], "Fallback", "1.0.0", null, _diagnostics)!.Description);
        Assert.Empty(_diagnostics.Items);
    }

    [Fact]
    public void NuspecThatDoesNotParseIsSC5008NamingTheFile()
    {
        string path = _packages.AddRaw("Broken", "1.0.0", "<package><metadata><id>Broken</metadata>");

        Assert.Null(NuspecReader.Find([_packages.Root], "Broken", "1.0.0", null, _diagnostics));

        Diagnostic warning = Assert.Single(_diagnostics.Items);
        Assert.Equal(("SC5008", DiagnosticSeverity.Warning), (warning.Descriptor.Code, warning.Severity));
        Assert.Contains(path, warning.Message);
    }

    [Fact]
    public void NuspecWithADtdIsRefused()
    {
        _packages.AddRaw("Dtd", "1.0.0", """<?xml version="1.0"?><!DOCTYPE package [<!ENTITY x "y">]><package><metadata><description>&x;</description></metadata></package>""");

        Assert.Null(NuspecReader.Find([_packages.Root], "Dtd", "1.0.0", null, _diagnostics));

        Assert.Equal("SC5008", Assert.Single(_diagnostics.Items).Descriptor.Code);
    }

    [Fact]
    public void XmlThatIsNotANuspecIsSC5008()
    {
        _packages.AddRaw("Other", "1.0.0", "<project />");

        Assert.Null(NuspecReader.Find([_packages.Root], "Other", "1.0.0", null, _diagnostics));

        Assert.Equal("SC5008", Assert.Single(_diagnostics.Items).Descriptor.Code);
    }

    [Fact]
    public void PackageMissingFromThePackagesFolderIsSC5009()
    {
        Assert.Null(NuspecReader.Find([_packages.Root], "Gone", "1.0.0", null, _diagnostics));

        Diagnostic warning = Assert.Single(_diagnostics.Items);
        Assert.Equal(("SC5009", DiagnosticSeverity.Warning), (warning.Descriptor.Code, warning.Severity));
        Assert.Contains(Path.Combine(_packages.Root, "gone", "1.0.0", "gone.nuspec"), warning.Message);
    }

    [Fact]
    public void AnUnchangedNuspecIsNotParsedAgain()
    {
        string path = _packages.AddNuspec("Twice", "1.0.0", "<description>first</description>");
        DateTime written = File.GetLastWriteTimeUtc(path);
        Assert.Equal("first", Find("Twice", "1.0.0")!.Description);

        // Same length and time of last write: what NuGet's folder looks like when the evidence step reads after the rehearsal.
        File.WriteAllText(path, File.ReadAllText(path).Replace("first", "other"));
        File.SetLastWriteTimeUtc(path, written);

        Assert.Equal("first", Find("Twice", "1.0.0")!.Description);
    }

    [Theory]
    [InlineData("<description>longer second</description>", false)]
    [InlineData("<description>other</description>", true)]
    public void AChangedNuspecIsReadAgain(string metadata, bool sameLength)
    {
        string path = _packages.AddNuspec("Changed", "1.0.0", "<description>first</description>");
        DateTime written = File.GetLastWriteTimeUtc(path);
        Assert.Equal("first", Find("Changed", "1.0.0")!.Description);

        File.WriteAllText(path, File.ReadAllText(path).Replace("<description>first</description>", metadata));
        File.SetLastWriteTimeUtc(path, sameLength ? written.AddSeconds(1) : written);

        Assert.Equal(metadata[13..^14], Find("Changed", "1.0.0")!.Description);
    }

    [Theory]
    [InlineData("Foo.Bar", "1.0.0-Beta.1+Build.5", "foo.bar/1.0.0-beta.1")]
    [InlineData("X", "2.0.0", "x/2.0.0")]
    public void DefaultLayoutIsLowercaseIdAndVersionWithoutBuildMetadata(string id, string version, string expected)
    {
        Assert.Equal(expected.Replace('/', Path.DirectorySeparatorChar), NuspecReader.DefaultRelativePath(id, version));
    }

    public void Dispose() => _packages.Dispose();

    private NuGetPackageMetadata? Find(string id, string version) => NuspecReader.Find([_packages.Root], id, version, null, _diagnostics);
}

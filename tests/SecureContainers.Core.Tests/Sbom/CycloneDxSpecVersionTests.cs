using System.Text;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Core.Tests.Sbom;

public class CycloneDxSpecVersionTests
{
    [Theory]
    [InlineData("1.5", CycloneDxSpecVersion.V1_5)]
    [InlineData(" 1.6 ", CycloneDxSpecVersion.V1_6)]
    [InlineData("1.7", CycloneDxSpecVersion.V1_7)]
    [InlineData("", CycloneDxSpecVersion.V1_6)]
    [InlineData(null, CycloneDxSpecVersion.V1_6)]
    public void PropertyValueSelectsTheVersion(string? value, CycloneDxSpecVersion expected)
    {
        Assert.Equal(expected, CycloneDxSpecVersions.Parse(value));
    }

    [Theory]
    [InlineData("1.4")]
    [InlineData("2.0")]
    [InlineData("v1.6")]
    [InlineData("1.6.0")]
    public void OtherValuesAreSC5010(string value)
    {
        SecureContainerException ex = Assert.Throws<SecureContainerException>(() => CycloneDxSpecVersions.Parse(value));

        Assert.Equal("SC5010", ex.Diagnostic.Descriptor.Code);
    }

    [Theory]
    [InlineData(CycloneDxSpecVersion.V1_5, "1.5")]
    [InlineData(CycloneDxSpecVersion.V1_6, "1.6")]
    [InlineData(CycloneDxSpecVersion.V1_7, "1.7")]
    public void DocumentDeclaresItsVersionAndSchema(CycloneDxSpecVersion version, string text)
    {
        string json = Encoding.UTF8.GetString(SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Full() with { SpecVersion = version })));

        Assert.StartsWith($"{{\n  \"$schema\": \"http://cyclonedx.org/schema/bom-{text}.schema.json\",\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"{text}\",", json);
    }

    [Fact]
    public void UninitialisedVersionIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SbomWriter.Write(SbomBuilder.Build(SbomTestInputs.Full() with { SpecVersion = default })));
    }
}

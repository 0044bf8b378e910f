using System.Text;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Tests.Oci;

public class OciDocumentTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void ImageConfigReadsTheFieldsPolicyNeeds()
    {
        byte[] json = Encoding.UTF8.GetBytes("""
            {"architecture":"arm","os":"linux","variant":"v7",
             "config":{"User":"1654","Env":["PATH=/usr/bin","APP_UID=1654","EMPTY=","A=b=c","PATH=/bin"],
               "ExposedPorts":{"8080/tcp":{}},"Labels":{"org.opencontainers.image.version":"10.0"},
               "Entrypoint":["dotnet","app.dll"],"Cmd":null,"WorkingDir":"/app"}}
            """);
        ImageConfig c = ImageConfig.Parse(json);
        Assert.Equal("1654", c.User);
        Assert.Equal("/bin", c.Environment["PATH"]);
        Assert.Equal("1654", c.Environment["APP_UID"]);
        Assert.Equal("", c.Environment["EMPTY"]);
        Assert.Equal("b=c", c.Environment["A"]);
        Assert.Equal(["8080/tcp"], c.ExposedPorts);
        Assert.Equal("10.0", c.Labels["org.opencontainers.image.version"]);
        Assert.Equal(["dotnet", "app.dll"], c.Entrypoint);
        Assert.Null(c.Cmd);
        Assert.Equal("/app", c.WorkingDir);
        Assert.Equal(new Platform("linux", "arm", "v7"), c.Platform);
    }

    [Fact]
    public void ImageConfigWithoutConfigSectionHasNoUser()
    {
        ImageConfig c = ImageConfig.Parse("""{"architecture":"amd64","os":"linux"}"""u8);
        Assert.Null(c.User);
        Assert.Empty(c.Environment);
        Assert.Empty(c.ExposedPorts);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"os":"linux"}""")]
    [InlineData("""{"os":"linux","architecture":"amd64","config":{"Env":"PATH=/x"}}""")]
    [InlineData("""{"os":"linux","architecture":"amd64","config":{"User":0}}""")]
    public void MalformedConfigIsSC3003(string json)
    {
        SecureContainerException ex = Assert.Throws<SecureContainerException>(() => ImageConfig.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Equal("SC3003", ex.Diagnostic.Code);
    }

    [Fact]
    public void ManifestWithInvalidDigestIsSC3004()
    {
        string json = $$"""
            {"schemaVersion":2,"mediaType":"{{MediaTypes.OciManifestV1}}",
             "config":{"mediaType":"{{MediaTypes.OciConfigV1}}","digest":"sha256:../../etc/passwd","size":2},"layers":[]}
            """;
        SecureContainerException ex = Assert.Throws<SecureContainerException>(() => ImageManifest.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Equal("SC3004", ex.Diagnostic.Code);
    }

    [Fact]
    public void DescriptorKeepsPlatformAnnotationsAndArtifactType()
    {
        using JsonDocument doc = JsonDocument.Parse($$"""
            {"mediaType":"{{MediaTypes.OciManifestV1}}","digest":"sha256:{{Hex}}","size":7,
             "platform":{"os":"linux","architecture":"arm64","variant":"v8"},
             "annotations":{"a":"b"},"artifactType":"application/spdx+json"}
            """);
        Descriptor d = Descriptor.Parse(doc.RootElement);
        Assert.Equal(7, d.Size);
        Assert.Equal(new Platform("linux", "arm64", "v8"), d.Platform);
        Assert.Equal("b", d.Annotations!["a"]);
        Assert.Equal("application/spdx+json", d.ArtifactType);
    }

    [Theory]
    [InlineData("""{"mediaType":"x","digest":"sha256:HEX","size":-1}""")]
    [InlineData("""{"mediaType":"x","digest":"sha256:HEX"}""")]
    [InlineData("""{"digest":"sha256:HEX","size":1}""")]
    public void DescriptorWithoutValidSizeOrTypeIsSC3003(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json.Replace("HEX", Hex));
        Assert.Equal("SC3003", Assert.Throws<SecureContainerException>(() => Descriptor.Parse(doc.RootElement)).Diagnostic.Code);
    }

    [Fact]
    public void IndexListsItsManifests()
    {
        string json = $$$"""
            {"schemaVersion":2,"manifests":[{"mediaType":"{{{MediaTypes.OciManifestV1}}}","digest":"sha256:{{{Hex}}}","size":1,"platform":{"os":"linux","architecture":"amd64"}}]}
            """;
        ImageIndex index = ImageIndex.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciIndexV1);
        Assert.Equal(MediaTypes.OciIndexV1, index.MediaType);
        Assert.Single(index.Manifests);
    }

    [Fact]
    public void SchemaVersionOtherThanTwoIsRejected()
    {
        Assert.Equal("SC3003", Assert.Throws<SecureContainerException>(() => ImageIndex.Parse("""{"schemaVersion":1,"manifests":[]}"""u8)).Diagnostic.Code);
    }
}

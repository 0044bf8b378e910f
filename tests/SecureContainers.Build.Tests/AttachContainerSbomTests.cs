using SecureContainers.Build.Tasks;

namespace SecureContainers.Build.Tests;

/// <summary>A registry that takes no SBOM: the file stays, the build warns (Baseline) or fails (Restricted) with SC5101.</summary>
public sealed class AttachContainerSbomTests : IDisposable
{
    private readonly string _sbom = Path.Combine(Directory.CreateTempSubdirectory("sc-attach-").FullName, "app.cdx.json");

    public AttachContainerSbomTests() => File.WriteAllText(_sbom, """{"bomFormat":"CycloneDX","specVersion":"1.6"}""");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_sbom)!, recursive: true);

    private (bool Result, MockBuildEngine Engine) Attach(bool required)
    {
        MockBuildEngine engine = new();
        AttachContainerSbom task = new()
        {
            BuildEngine = engine,
            SbomFile = _sbom,
            // Nothing listens on port 1: the registry is unreachable.
            Registry = "localhost:1",
            Repository = "app",
            ImageDigest = "sha256:" + new string('b', 64),
            Required = required,
        };
        return (task.Execute(), engine);
    }

    [Fact]
    public void UnreachableRegistryWarnsUnderBaselineAndKeepsTheFile()
    {
        (bool result, MockBuildEngine engine) = Attach(required: false);

        Assert.True(result);
        Assert.Empty(engine.Errors);
        Assert.Equal("SC5101", Assert.Single(engine.Warnings).Code);
        Assert.Contains("SC3101", engine.Warnings[0].Message);
        Assert.True(File.Exists(_sbom));
    }

    [Fact]
    public void UnreachableRegistryFailsWhenAttachmentIsRequired()
    {
        (bool result, MockBuildEngine engine) = Attach(required: true);

        Assert.False(result);
        Assert.Equal("SC5101", Assert.Single(engine.Errors).Code);
    }
}

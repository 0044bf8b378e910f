using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Core.Tests.Sbom;

public sealed class SbomFileWriteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sbom-write-").FullName;

    [Fact]
    public void WritesTheSameBytesAsWriteAndLeavesNoTemporaryFile()
    {
        SbomDocument document = SbomBuilder.Build(SbomTestInputs.Create());
        string path = Path.Combine(_dir, "app.cdx.json");

        SbomWriter.WriteToFile(document, path);

        Assert.Equal(SbomWriter.Write(document), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void ReplacesAnExistingFile()
    {
        string path = Path.Combine(_dir, "app.cdx.json");
        File.WriteAllText(path, "old");
        SbomDocument document = SbomBuilder.Build(SbomTestInputs.Create());

        SbomWriter.WriteToFile(document, path);

        Assert.Equal(SbomWriter.Write(document), File.ReadAllBytes(path));
    }

    [Fact]
    public void InvalidDocumentLeavesThePreviousFileUntouched()
    {
        string path = Path.Combine(_dir, "app.cdx.json");
        File.WriteAllText(path, "previous sbom");
        SbomDocument document = SbomBuilder.Build(SbomTestInputs.Create());
        SbomDocument invalid = document with { Components = [.. document.Components, document.Components[0]] };

        Assert.Throws<ArgumentException>(() => SbomWriter.WriteToFile(invalid, path));

        Assert.Equal("previous sbom", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void FailedReplaceIsSC5007AndLeavesTargetAndNoTemporaryFile()
    {
        // A directory where the file should go: the final rename fails after the temp file was fully written.
        string path = Path.Combine(_dir, "app.cdx.json");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "keep.txt"), "x");

        var ex = Assert.Throws<SecureContainerException>(() => SbomWriter.WriteToFile(SbomBuilder.Build(SbomTestInputs.Create()), path));

        Assert.Equal("SC5007", ex.Diagnostic.Code);
        Assert.Contains(path, ex.Diagnostic.Message);
        Assert.True(File.Exists(Path.Combine(path, "keep.txt")));
        Assert.Equal([path], Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void MissingFolderIsCreated()
    {
        string path = Path.Combine(_dir, "no-such-folder", "app.cdx.json");

        SbomWriter.WriteToFile(SbomBuilder.Build(SbomTestInputs.Create()), path);

        Assert.True(File.Exists(path));
    }

    [Fact]
    public void FolderThatIsAFileIsSC5007()
    {
        File.WriteAllText(Path.Combine(_dir, "a-file"), "");
        string path = Path.Combine(_dir, "a-file", "app.cdx.json");

        var ex = Assert.Throws<SecureContainerException>(() => SbomWriter.WriteToFile(SbomBuilder.Build(SbomTestInputs.Create()), path));

        Assert.Equal("SC5007", ex.Diagnostic.Code);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

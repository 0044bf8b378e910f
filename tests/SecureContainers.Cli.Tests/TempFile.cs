namespace SecureContainers.Cli.Tests;

/// <summary>A file in the temp folder, deleted afterwards.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(byte[] content, string extension = ".cdx.json")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sc-{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(Path, content);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}

using SecureContainers.Core.Secrets;

namespace SecureContainers.Core.Tests.Secrets;

/// <summary>A temporary publish directory for one test, deleted afterwards.</summary>
internal sealed class PublishDirectory : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("sc-publish-").FullName;

    public PublishDirectory Write(string relativePath, string content)
    {
        string path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public PublishDirectory WriteBytes(string relativePath, byte[] content)
    {
        string path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return this;
    }

    public SecretScanResult Scan(params SecretScanExclusion[] exclusions) =>
        SecretScanner.Scan(new SecretScanInput { PublishDirectory = Root }, new SecretScanOptions { Exclusions = exclusions });

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

internal static class SecretAssertions
{
    /// <summary>(code, location key, line) of every reported finding, for compact assertions.</summary>
    public static (string Code, string Key, int? Line)[] Reported(this SecretScanResult result) =>
        result.Reported.Select(f => (f.Code, f.Location.Key, f.Location.Line)).ToArray();

    public static string[] Codes(this SecretScanResult result) => result.Reported.Select(f => f.Code).ToArray();
}

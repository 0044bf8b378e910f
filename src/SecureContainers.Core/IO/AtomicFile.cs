using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.IO;

/// <summary>
/// Writes a file so that readers never see half of it: the bytes go to a temporary file in the same folder (flushed to
/// disk), which is then renamed over the target. A failure leaves the previous file untouched and no temporary file.
/// </summary>
public static class AtomicFile
{
    /// <param name="failure">Turns the I/O failure (target path, message) into the caller's coded diagnostic.</param>
    public static void Write(string path, ReadOnlySpan<byte> content, Func<string, string, Diagnostic> failure)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        string temp = Path.Combine(directory, "." + Path.GetFileName(fullPath) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            Directory.CreateDirectory(directory);
            using (FileStream stream = new(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, fullPath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The temporary file is harmless; the original failure is the one to report.
            }

            throw new SecureContainerException(failure(fullPath, ex.Message), ex);
        }
    }
}

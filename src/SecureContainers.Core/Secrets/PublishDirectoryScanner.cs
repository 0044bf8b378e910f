using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// Walks the publish directory in ordinal order (deterministic findings) and applies the file-name rules to every
/// entry and the content rules to text files. Symbolic links are not followed: a link to a file inside the directory
/// is scanned at its target; a link leading outside is SC7132, because the SDK copies what it points to and this
/// scan must not read outside the directory it was given. The rules for one file are <see cref="SecretFileRules"/>.
/// </summary>
internal sealed class PublishDirectoryScanner(string root, long maxContentBytes, List<SecretFinding> findings, IDiagnosticSink sink, CancellationToken cancellationToken)
{
    private readonly string _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));

    public void Run()
    {
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"The publish directory '{_root}' does not exist.");
        }

        var pending = new Stack<string>();
        pending.Push(_root);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string directory = pending.Pop();
            FileSystemInfo[] entries;
            try
            {
                entries = new DirectoryInfo(directory).GetFileSystemInfos();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                NotScanned(directory, $"the folder could not be listed ({ex.Message})", "make the publish directory readable by the build.");
                continue;
            }

            // Reverse ordinal order on the stack pops folders in ordinal order.
            Array.Sort(entries, (a, b) => string.CompareOrdinal(b.Name, a.Name));
            foreach (FileSystemInfo entry in entries)
            {
                Visit(entry, pending);
            }
        }
    }

    private void Visit(FileSystemInfo entry, Stack<string> pending)
    {
        string relative = Relative(entry.FullName);
        if (entry.LinkTarget is not null)
        {
            ApplyNameRules(entry, relative);
            FileSystemInfo? target = ResolveLink(entry);
            if (target is { Exists: true } && !IsUnderRoot(target.FullName))
            {
                NotScanned(entry.FullName, "it is a symbolic link to a path outside the publish directory, which the image gets a copy of",
                    "copy the file into the project instead of linking it, or remove the link.");
            }

            return;
        }

        if (entry is DirectoryInfo)
        {
            if (entry.Name == SecretFileRules.GitFolderName)
            {
                findings.Add(new SecretFinding(SecretRules.GitFolder, new SecretLocation(SecretLocationKind.File, relative)));
                return;
            }

            pending.Push(entry.FullName);
            return;
        }

        if (ApplyNameRules(entry, relative))
        {
            return;
        }

        if (!SecretFileRules.IsBinaryByName(entry.Name))
        {
            ScanContent((FileInfo)entry, relative);
        }
    }

    /// <summary>Applies the name rules; true when an error-level one matched, so reading the content adds nothing.</summary>
    private bool ApplyNameRules(FileSystemInfo entry, string relative) =>
        SecretFileRules.ApplyNameRules(entry.Name, new SecretLocation(SecretLocationKind.File, relative), findings);

    private void ScanContent(FileInfo file, string relative)
    {
        try
        {
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            SecretFileRules.ScanContent(stream, file.Name, file.Length, maxContentBytes,
                line => new SecretLocation(SecretLocationKind.File, relative, line), $"File '{relative}'", findings, sink);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            NotScanned(file.FullName, $"it could not be read ({ex.Message})", "make it readable by the build, or remove it from the publish output.");
        }
    }

    private static FileSystemInfo? ResolveLink(FileSystemInfo entry)
    {
        try
        {
            return entry.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException)
        {
            // A link loop: nothing the SDK could copy either.
            return null;
        }
    }

    private bool IsUnderRoot(string fullPath)
    {
        string path = Path.GetFullPath(fullPath);
        return path.Equals(_root, StringComparison.Ordinal)
            || path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private string Relative(string fullPath) => Path.GetRelativePath(_root, fullPath).Replace('\\', '/');

    private void NotScanned(string fullPath, string reason, string fix) =>
        sink.Report(SecretDiagnostics.NotScanned.Create($"'{Relative(fullPath)}' in the publish directory", reason, fix));
}

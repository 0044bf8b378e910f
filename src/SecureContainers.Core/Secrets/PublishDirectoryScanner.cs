using System.Globalization;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// Walks the publish directory in ordinal order (deterministic findings) and applies the file-name rules to every
/// entry and the content rules to text files. Symbolic links are not followed: a link to a file inside the directory
/// is scanned at its target; a link leading outside is SC7132, because the SDK copies what it points to and this
/// scan must not read outside the directory it was given. Known binary formats (.dll, .so, .exe, .pdb, images,
/// fonts, archives and the .br/.gz copies ASP.NET makes of static files) skip the content rules: a key compiled into
/// an assembly or zipped is out of scope.
/// </summary>
internal sealed class PublishDirectoryScanner(string root, long maxContentBytes, List<SecretFinding> findings, IDiagnosticSink sink, CancellationToken cancellationToken)
{
    private static readonly HashSet<string> KeyStoreExtensions = new(StringComparer.OrdinalIgnoreCase) { ".pfx", ".p12", ".jks", ".keystore" };

    private static readonly HashSet<string> SshKeyNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk",
    };

    private static readonly HashSet<string> DotEnvTemplates = new(StringComparer.OrdinalIgnoreCase) { "example", "sample", "template", "dist" };

    private static readonly HashSet<string> BinaryExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".dll", ".exe", ".so", ".dylib", ".pdb", ".a", ".o", ".lib", ".wasm", ".nupkg", ".snupkg",
        ".zip", ".gz", ".br", ".tgz", ".7z", ".xz", ".zst",
        ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".bmp", ".avif",
        ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".webm",
    };

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
            if (entry.Name == ".git")
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

        if (!BinaryExtensions.Contains(entry.Extension))
        {
            ScanContent((FileInfo)entry, relative);
        }
    }

    /// <summary>Applies the name rules; true when an error-level one matched, so reading the content adds nothing.</summary>
    private bool ApplyNameRules(FileSystemInfo entry, string relative)
    {
        var location = new SecretLocation(SecretLocationKind.File, relative);
        string name = entry.Name;
        if (KeyStoreExtensions.Contains(Path.GetExtension(name)))
        {
            findings.Add(new SecretFinding(SecretRules.KeyStoreFile, location));
            return true;
        }

        if (SshKeyNames.Contains(name))
        {
            findings.Add(new SecretFinding(SecretRules.SshKeyFile, location));
            return true;
        }

        if (name.Equals(".env", StringComparison.OrdinalIgnoreCase)
            || (name.StartsWith(".env.", StringComparison.OrdinalIgnoreCase) && !DotEnvTemplates.Contains(name[5..])))
        {
            findings.Add(new SecretFinding(SecretRules.DotEnvFile, location));
        }

        return false;
    }

    private void ScanContent(FileInfo file, string relative)
    {
        var detector = new ContentSecretDetector(pairAwsAcrossSources: false);
        TextReadOutcome outcome;
        try
        {
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            outcome = TextLineReader.ForEachBlock(stream, maxContentBytes, (block, firstLine) => detector.ScanBlock(block, 0, firstLine));
            if (outcome != TextReadOutcome.Binary && AppSettingsSecretDetector.Applies(file.Name))
            {
                foreach (int line in AppSettingsSecretDetector.FindLines(ReadPrefix(stream, file.Length)))
                {
                    findings.Add(new SecretFinding(SecretRules.AppSettingsSecret, new SecretLocation(SecretLocationKind.File, relative, line)));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            NotScanned(file.FullName, $"it could not be read ({ex.Message})", "make it readable by the build, or remove it from the publish output.");
            return;
        }

        foreach ((SecretRule rule, _, int line) in detector.Complete())
        {
            findings.Add(new SecretFinding(rule, new SecretLocation(SecretLocationKind.File, relative, line)));
        }

        if (outcome == TextReadOutcome.Truncated)
        {
            sink.Report(SecretDiagnostics.PartlyScanned.Create($"File '{relative}'", maxContentBytes.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private byte[] ReadPrefix(FileStream stream, long length)
    {
        // appsettings files are small; the same byte budget as the line rules bounds a pathological one.
        stream.Position = 0;
        byte[] buffer = new byte[(int)Math.Min(length, maxContentBytes)];
        stream.ReadExactly(buffer);
        return buffer;
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

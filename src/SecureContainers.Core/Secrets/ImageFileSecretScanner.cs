using System.Buffers;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Secrets;

/// <summary>
/// The secret scan over the files of an image's layers, for an image that is already built (the CLI's <c>check</c>):
/// fed entry by entry while the layers stream by, it applies the same per-file rules as the publish-directory scan
/// (<see cref="SecretFileRules"/>), with the same per-file byte budget, and locates findings by in-image path
/// (<see cref="SecretLocationKind.ImageFile"/>). Memory stays bounded: one file's first
/// <see cref="SecretScanOptions.MaxContentBytesPerFile"/> bytes at a time. Every layer given is scanned, files that an
/// upper layer deletes or replaces included: whoever pulls the image gets those layers too.
/// Not thread-safe; one instance per image.
/// </summary>
public sealed class ImageFileSecretScanner(long maxContentBytesPerFile)
{
    private readonly List<SecretFinding> _findings = new();
    private readonly DiagnosticBag _diagnostics = new();
    private readonly HashSet<string> _gitFolders = new(StringComparer.Ordinal);

    public ImageFileSecretScanner()
        : this(new SecretScanOptions().MaxContentBytesPerFile)
    {
    }

    /// <summary>What the scan found so far, without exclusions applied (<see cref="SecretScanner.Scan"/> applies them).</summary>
    public ImageFileSecretScan Result => new(_findings.Distinct().ToArray(), _diagnostics.Items.ToArray());

    /// <summary>A directory entry: a <c>.git</c> folder is a finding (SC7104) and nothing under it is scanned further.</summary>
    public void AddDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _ = IsInGitFolder(path + "/");
    }

    /// <summary>A symbolic or hard link: the name rules apply (a link named id_rsa is as telling), its target is scanned where it is.</summary>
    public void AddLink(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!IsInGitFolder(path))
        {
            SecretFileRules.ApplyNameRules(FileName(path), new SecretLocation(SecretLocationKind.ImageFile, path), _findings);
        }
    }

    /// <summary>
    /// A regular file of <paramref name="size"/> bytes at the absolute in-image <paramref name="path"/>; reads at most the
    /// byte budget (plus one byte, to tell a file that fills it from a longer one) from <paramref name="content"/>.
    /// </summary>
    public async ValueTask AddFileAsync(string path, long size, Stream content, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        if (IsInGitFolder(path))
        {
            return;
        }

        string name = FileName(path);
        if (SecretFileRules.ApplyNameRules(name, new SecretLocation(SecretLocationKind.ImageFile, path), _findings) || SecretFileRules.IsBinaryByName(name))
        {
            return;
        }

        int length = (int)Math.Min(size, maxContentBytesPerFile + 1);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            int read = 0;
            while (read < length)
            {
                int n = await content.ReadAsync(buffer.AsMemory(read, length - read), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new EndOfStreamException();
                }

                read += n;
            }

            using var memory = new MemoryStream(buffer, 0, read, writable: false);
            SecretFileRules.ScanContent(memory, name, read, maxContentBytesPerFile,
                line => new SecretLocation(SecretLocationKind.ImageFile, path, line), $"File '{path}'", _findings, _diagnostics);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// True for a path inside a <c>.git</c> folder (or the folder itself, given with a trailing '/'); the folder is
    /// reported once, at its own path, since a layer may hold its files without a directory entry for it.
    /// </summary>
    private bool IsInGitFolder(string path)
    {
        int index = path.IndexOf("/" + SecretFileRules.GitFolderName + "/", StringComparison.Ordinal);
        if (index < 0)
        {
            return false;
        }

        string folder = path[..(index + 1 + SecretFileRules.GitFolderName.Length)];
        if (_gitFolders.Add(folder))
        {
            _findings.Add(new SecretFinding(SecretRules.GitFolder, new SecretLocation(SecretLocationKind.ImageFile, folder)));
        }

        return true;
    }

    private static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];
}

/// <summary>The secret scan of an image's layer files: findings (no exclusions applied yet) and the scan's own notes (SC7133).</summary>
public sealed record ImageFileSecretScan(IReadOnlyList<SecretFinding> Findings, IReadOnlyList<Diagnostic> Diagnostics)
{
    public static ImageFileSecretScan Empty { get; } = new([], []);
}

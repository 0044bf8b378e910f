using System.Diagnostics.CodeAnalysis;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Layers;

/// <summary>
/// The final file tree of an image, merged from its layers' scan results the way overlay file systems stack them:
/// later layers override, <c>.wh.x</c> deletes <c>x</c> and everything below it from lower layers, an opaque marker
/// hides a directory's lower-layer children, and a non-directory written over a lower directory hides its children.
/// Holds metadata for every entry and content for the captured files only.
/// </summary>
public sealed class ImageFileSystem
{
    /// <summary>Linux's own limit (MAXSYMLINKS) on links followed while resolving one path.</summary>
    private const int MaxSymbolicLinkHops = 40;

    private readonly Node _root = new();
    private ImageEntry[]? _entries;

    private ImageFileSystem(IReadOnlyList<Digest> layers)
    {
        Layers = layers;
    }

    /// <summary>Layer digests, bottom first.</summary>
    public IReadOnlyList<Digest> Layers { get; }

    /// <summary>Every entry of the final tree, depth first (a directory before its contents), siblings by ordinal name.</summary>
    public IReadOnlyList<ImageEntry> Entries => _entries ??= Collect();

    /// <summary>
    /// Merges layer scan results, bottom layer first. Throws SC4004 when a hard link names a path that neither its
    /// layer nor a lower one provides.
    /// </summary>
    public static ImageFileSystem Merge(IReadOnlyList<LayerScanResult> layers)
    {
        var fs = new ImageFileSystem(layers.Select(l => l.Digest).ToArray());
        foreach (LayerScanResult layer in layers)
        {
            fs.Apply(layer);
        }

        return fs;
    }

    /// <summary>The entry at exactly <paramref name="path"/>; symbolic links are not followed (lstat).</summary>
    public bool TryGetEntry(string path, [NotNullWhen(true)] out ImageEntry? entry)
    {
        entry = LayerPath.TryNormalize(path, out string normalized, out _) ? Find(normalized)?.Entry : null;
        return entry is not null;
    }

    /// <summary>
    /// Resolves <paramref name="path"/> inside the image, following symbolic links in every component (the final one
    /// too) the way the kernel would with the image as root. Returns the resolved path, or null when a component is
    /// missing (a dangling link, for example). Throws SC4003 when a link climbs above the root or links loop.
    /// </summary>
    public string? ResolvePath(string path) => Resolve(path)?.Path;

    /// <summary>The entry <paramref name="path"/> resolves to (see <see cref="ResolvePath"/>), or null.</summary>
    public ImageEntry? ResolveEntry(string path) => Resolve(path)?.Node.Entry;

    /// <summary>
    /// A copy of the content of a captured file (see <see cref="InterestingFiles"/>), following symbolic links inside
    /// the image and hard links; null when the path does not resolve to a captured file.
    /// </summary>
    public byte[]? ReadCapturedFile(string path)
    {
        Node? node = Resolve(path)?.Node;
        if (node?.Entry is { Type: LayerEntryType.HardLink, LinkTarget: { } target })
        {
            node = Find(target);
        }

        return node?.Content is { } content ? (byte[])content.Clone() : null;
    }

    /// <summary>The entries directly inside the directory <paramref name="path"/> resolves to, ordered by name.</summary>
    public IReadOnlyList<ImageEntry> GetChildren(string path)
    {
        Node? node = Resolve(path)?.Node;
        if (node?.Children is null)
        {
            return [];
        }

        return node.Children.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value.Entry).OfType<ImageEntry>().ToArray();
    }

    private void Apply(LayerScanResult layer)
    {
        // Whiteouts and opaque markers act on lower layers only, so they go first, whatever their place in the tar.
        foreach (string opaque in layer.OpaqueDirectories)
        {
            Find(opaque)?.Children?.Clear();
        }

        foreach (string whiteout in layer.Whiteouts)
        {
            Node? parent = Find(LayerPath.Parent(whiteout));
            parent?.Children?.Remove(LayerPath.Name(whiteout));
        }

        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (CapturedFile file in layer.CapturedFiles)
        {
            contents[file.Path] = file.Content;
        }

        foreach (LayerEntry e in layer.Entries)
        {
            Node node = GetOrCreate(e.Path);
            if (e.Type != LayerEntryType.Directory)
            {
                node.Children = null;
            }

            node.Entry = ImageEntry.From(e, layer.Digest);
            node.Content = e.Type == LayerEntryType.File && contents.TryGetValue(e.Path, out byte[]? content) ? content : null;
        }

        foreach (LayerEntry e in layer.Entries)
        {
            if (e.Type == LayerEntryType.HardLink && Find(e.LinkTarget!)?.Entry is not { Type: not LayerEntryType.Directory })
            {
                throw new SecureContainerException(LayerDiagnostics.MissingHardLinkTarget.Create(layer.Digest, e.Path, e.LinkTarget));
            }
        }

        _entries = null;
    }

    private Node? Find(string normalizedPath)
    {
        Node node = _root;
        foreach (string segment in Segments(normalizedPath))
        {
            if (node.Children is null || !node.Children.TryGetValue(segment, out Node? child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private Node GetOrCreate(string normalizedPath)
    {
        Node node = _root;
        foreach (string segment in Segments(normalizedPath))
        {
            node.Children ??= new Dictionary<string, Node>(StringComparer.Ordinal);
            if (!node.Children.TryGetValue(segment, out Node? child))
            {
                child = new Node();
                node.Children.Add(segment, child);
            }

            node = child;
        }

        return node;
    }

    private static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private (string Path, Node Node)? Resolve(string path)
    {
        // Components still to walk, front first; a link's target is pushed in front of what followed it.
        var pending = new LinkedList<string>(Segments(path));
        var stack = new List<(string Name, Node Node)>();
        int hops = 0;
        while (pending.First is { } first)
        {
            string segment = first.Value;
            pending.RemoveFirst();
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (stack.Count == 0)
                {
                    throw new SecureContainerException(LayerDiagnostics.UnsafeSymbolicLink.Create(path, "a symbolic link climbs above the image root"));
                }

                stack.RemoveAt(stack.Count - 1);
                continue;
            }

            Node parent = stack.Count == 0 ? _root : stack[^1].Node;
            if (parent.Children is null || !parent.Children.TryGetValue(segment, out Node? node))
            {
                return null;
            }

            if (node.Entry is { Type: LayerEntryType.SymbolicLink, LinkTarget: { } target })
            {
                if (++hops > MaxSymbolicLinkHops)
                {
                    throw new SecureContainerException(LayerDiagnostics.UnsafeSymbolicLink.Create(path, $"more than {MaxSymbolicLinkHops} symbolic links are followed (a loop)"));
                }

                if (target.Length == 0)
                {
                    return null;
                }

                if (target[0] == '/')
                {
                    stack.Clear();
                }

                string[] parts = Segments(target);
                for (int i = parts.Length - 1; i >= 0; i--)
                {
                    pending.AddFirst(parts[i]);
                }

                continue;
            }

            stack.Add((segment, node));
        }

        string resolved = stack.Count == 0 ? LayerPath.Root : "/" + string.Join('/', stack.Select(s => s.Name));
        return (resolved, stack.Count == 0 ? _root : stack[^1].Node);
    }

    private ImageEntry[] Collect()
    {
        var result = new List<ImageEntry>();
        var pending = new Stack<Node>();
        pending.Push(_root);
        while (pending.Count > 0)
        {
            Node node = pending.Pop();
            if (node.Entry is not null)
            {
                result.Add(node.Entry);
            }

            if (node.Children is not null)
            {
                foreach (KeyValuePair<string, Node> child in node.Children.OrderByDescending(c => c.Key, StringComparer.Ordinal))
                {
                    pending.Push(child.Value);
                }
            }
        }

        return result.ToArray();
    }

    private sealed class Node
    {
        public Dictionary<string, Node>? Children;
        public ImageEntry? Entry;
        public byte[]? Content;
    }
}

using System.Text;

namespace SecureContainers.Core.Layers;

/// <summary>
/// Normalizes tar entry names to the absolute form the rest of the scanner uses (<c>./etc/x</c>, <c>etc/x</c>,
/// <c>etc//x/</c> and <c>/etc/x</c> all become <c>/etc/x</c>).
/// </summary>
/// <remarks>
/// A leading <c>/</c> is normalized, not refused: Docker and containerd join every entry name to the layer root, so
/// <c>/etc/x</c> lands at <c>&lt;root&gt;/etc/x</c> exactly like <c>etc/x</c>, and refusing it would reject images the
/// runtimes accept. A <c>..</c> segment anywhere is refused even where it would stay inside the root
/// (<c>a/../b</c>): no legitimate layer writer emits one, and tools that extract naively escape with it.
/// </remarks>
internal static class LayerPath
{
    public const string Root = "/";

    /// <summary>Returns the normalized path, or the reason the name is hostile.</summary>
    public static bool TryNormalize(string name, out string path, out string? problem)
    {
        path = Root;
        problem = null;
        if (name.Length == 0)
        {
            problem = "is empty";
            return false;
        }

        if (name.Contains('\0'))
        {
            problem = "contains a NUL character";
            return false;
        }

        StringBuilder? sb = null;
        foreach (string segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                problem = "contains a '..' segment";
                return false;
            }

            sb ??= new StringBuilder(name.Length + 1);
            sb.Append('/').Append(segment);
        }

        path = sb?.ToString() ?? Root;
        return true;
    }

    public static bool IsNormalized(string path) =>
        TryNormalize(path, out string normalized, out _) && string.Equals(path, normalized, StringComparison.Ordinal);

    public static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? Root : path[..slash];
    }

    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static string Combine(string directory, string name) => directory == Root ? "/" + name : directory + "/" + name;

    /// <summary>True when <paramref name="path"/> is <paramref name="directory"/> or below it.</summary>
    public static bool IsAtOrBelow(string path, string directory) =>
        directory == Root
        || path == directory
        || (path.Length > directory.Length && path.StartsWith(directory, StringComparison.Ordinal) && path[directory.Length] == '/');
}

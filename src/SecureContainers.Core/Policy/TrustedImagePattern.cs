using System.Text.RegularExpressions;

namespace SecureContainers.Core.Policy;

/// <summary>
/// One entry of the trusted base image list: a repository (<c>mcr.microsoft.com/dotnet/aspnet</c>), optionally with a
/// tag or digest that must match too, or a prefix ending in <c>/*</c> that trusts every repository below it
/// (<c>localhost:5000/base/*</c>). A <c>*</c> inside a path segment matches within that segment only, so
/// <c>ghcr.io/acme-*/base</c> cannot be stretched to <c>ghcr.io/acme-x/evil/base</c>. Docker Hub short names are
/// normalized as the Docker CLI does (<c>ubuntu</c> is <c>docker.io/library/ubuntu</c>).
/// </summary>
public sealed partial record TrustedImagePattern(string Text, Regex Repository, string? Tag, string? Digest)
{
    public static TrustedImagePattern? Parse(string text)
    {
        string value = text.Trim();
        if (value.Length == 0 || value.Any(char.IsWhiteSpace))
        {
            return null;
        }

        string? digest = null;
        int at = value.IndexOf('@');
        if (at >= 0)
        {
            digest = value[(at + 1)..];
            value = value[..at];
            if (!Oci.Digest.TryParse(digest, out _))
            {
                return null;
            }
        }

        string? tag = null;
        int lastSlash = value.LastIndexOf('/');
        int colon = value.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = value[(colon + 1)..];
            value = value[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                return null;
            }
        }

        // "host/path/" is the same prefix as "host/path/*": MSBuild expands a '*' in an item's Include as a file
        // wildcard and drops the item when no file matches, so the trailing-slash spelling is the one that survives.
        bool prefix = value.EndsWith("/*", StringComparison.Ordinal) || value.EndsWith('/');
        string path = value.EndsWith("/*", StringComparison.Ordinal) ? value[..^2] : prefix ? value[..^1] : value;
        string[] segments = Normalize(path).Split('/');
        if (segments.Any(s => s.Length == 0 || !SegmentPattern().IsMatch(s)))
        {
            return null;
        }

        string body = string.Join("/", segments.Select(s => Regex.Escape(s).Replace(@"\*", "[^/]*")));
        Regex regex = new(prefix ? $"^{body}/.+$" : $"^{body}$", RegexOptions.CultureInvariant);
        return new TrustedImagePattern(text.Trim(), regex, tag, digest);
    }

    public bool Matches(Oci.ImageReference image)
    {
        string repository = $"{image.Registry}/{image.Repository}";
        return Repository.IsMatch(repository)
            && (Tag is null || string.Equals(Tag, image.Tag, StringComparison.Ordinal))
            && (Digest is null || string.Equals(Digest, image.Digest?.ToString(), StringComparison.Ordinal));
    }

    private static string Normalize(string path)
    {
        string[] parts = path.Split('/');
        bool hasRegistry = parts.Length > 1 && (parts[0].Contains('.') || parts[0].Contains(':') || parts[0] == "localhost");
        if (hasRegistry)
        {
            return parts[0] == "index.docker.io" ? "docker.io/" + string.Join("/", parts[1..]) : path;
        }

        return parts.Length == 1 ? $"docker.io/library/{path}" : $"docker.io/{path}";
    }

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[a-z0-9*][a-z0-9._*:-]*$|^[A-Za-z0-9.-]+(:[0-9]+)?$")]
    private static partial Regex SegmentPattern();
}

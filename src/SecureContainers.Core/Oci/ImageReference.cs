using System.Text.RegularExpressions;
using SecureContainers.Core.Diagnostics;

namespace SecureContainers.Core.Oci;

/// <summary>
/// A normalised image reference, following the Docker/distribution grammar the SDK also uses: no registry means
/// docker.io, a one-segment Docker Hub repository gets <c>library/</c>, and no tag and no digest means <c>latest</c>.
/// </summary>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, Digest? Digest)
{
    public const string DockerHub = "docker.io";

    private const int MaxNameLength = 255;

    /// <summary>What goes after <c>/manifests/</c>: the digest when there is one (it pins the content), else the tag.</summary>
    public string ReferenceForApi => Digest?.ToString() ?? Tag ?? "latest";

    /// <summary>Canonical <c>registry/repository[:tag][@digest]</c>.</summary>
    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is Digest d ? "@" + d : "")}";

    /// <summary>Parses and normalises <paramref name="reference"/>; anything invalid is SC3001.</summary>
    public static ImageReference Parse(string reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            throw Invalid(reference ?? "", "it is empty");
        }

        string rest = reference;
        Digest? digest = null;
        int at = rest.IndexOf('@');
        if (at >= 0)
        {
            string digestText = rest[(at + 1)..];
            if (!Oci.Digest.TryParse(digestText, out Digest d))
            {
                throw Invalid(reference, $"'{DocumentSource.Truncate(digestText)}' is not a sha256/sha512 digest");
            }

            digest = d;
            rest = rest[..at];
        }

        string? tag = null;
        int lastSlash = rest.LastIndexOf('/');
        int colon = rest.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                throw Invalid(reference, $"the tag '{DocumentSource.Truncate(tag)}' is not valid (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')");
            }
        }

        if (rest.Length == 0)
        {
            throw Invalid(reference, "the repository name is missing");
        }

        (string registry, string repository) = SplitDomain(rest);
        if (!DomainPattern().IsMatch(registry))
        {
            throw Invalid(reference, $"the registry '{registry}' is not a valid host[:port]");
        }

        if (registry.Equals("index.docker.io", StringComparison.OrdinalIgnoreCase) || registry.Equals(DockerHub, StringComparison.OrdinalIgnoreCase))
        {
            registry = DockerHub;
            if (!repository.Contains('/'))
            {
                repository = "library/" + repository;
            }
        }

        if (!RepositoryPattern().IsMatch(repository))
        {
            string why = RepositoryPattern().IsMatch(repository.ToLowerInvariant())
                ? $"the repository '{repository}' must be lowercase"
                : $"the repository '{DocumentSource.Truncate(repository)}' is not valid (lowercase letters and digits separated by '.', '_', '__', '-' or '/')";
            throw Invalid(reference, why);
        }

        if (registry.Length + 1 + repository.Length > MaxNameLength)
        {
            throw Invalid(reference, $"the name is longer than {MaxNameLength} characters");
        }

        if (tag is null && digest is null)
        {
            tag = "latest";
        }

        return new ImageReference(registry, repository, tag, digest);
    }

    /// <summary>
    /// Builds a reference from the SDK's already-split items (ContainerBaseRegistry/Name/Tag/Digest); the parts are
    /// validated and normalised exactly like <see cref="Parse"/>.
    /// </summary>
    public static ImageReference FromParts(string registry, string repository, string? tag, string? digest)
    {
        string text = (string.IsNullOrEmpty(registry) ? DockerHub : registry) + "/" + repository
            + (string.IsNullOrEmpty(tag) ? "" : ":" + tag)
            + (string.IsNullOrEmpty(digest) ? "" : "@" + digest);
        if (string.IsNullOrEmpty(repository) || repository.Contains('@') || (tag?.Contains('@') ?? false))
        {
            throw Invalid(text, "the repository is empty or a part holds an '@'");
        }

        // A tag given separately must not hide a second ':' inside the repository.
        if (repository.Contains(':'))
        {
            throw Invalid(text, $"the repository '{repository}' must not contain ':'");
        }

        return Parse(text);
    }

    private static (string Registry, string Repository) SplitDomain(string name)
    {
        // Same rule as distribution's splitDockerDomain: the first segment is a host only if it looks like one.
        int slash = name.IndexOf('/');
        if (slash < 0)
        {
            return (DockerHub, name);
        }

        string first = name[..slash];
        bool looksLikeHost = first.Contains('.') || first.Contains(':') || first == "localhost" || first != first.ToLowerInvariant();
        return looksLikeHost ? (first, name[(slash + 1)..]) : (DockerHub, name);
    }

    private static SecureContainerException Invalid(string reference, string why) =>
        new(OciDiagnostics.InvalidImageReference.Create(DocumentSource.Truncate(reference), why));

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]{1,5})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();
}

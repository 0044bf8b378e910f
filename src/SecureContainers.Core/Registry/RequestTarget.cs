using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>
/// Who a request is for. <see cref="Origins"/> are the scheme/host/port pairs that may receive its Authorization header;
/// anything a redirect points at outside them gets none. An insecure registry has two: HTTPS, then its HTTP fallback.
/// </summary>
internal sealed record RequestTarget(string Registry, string Image, bool Insecure, IReadOnlyList<Uri> Origins)
{
    public bool IsOrigin(Uri? uri) => uri is not null && Origins.Any(o =>
        o.Scheme == uri.Scheme && o.Port == uri.Port && string.Equals(o.IdnHost, uri.IdnHost, StringComparison.OrdinalIgnoreCase));

    /// <summary>The API URL of <paramref name="path"/> in <paramref name="image"/>'s repository at <paramref name="origin"/>.</summary>
    public static Uri ApiUri(Uri origin, ImageReference image, string path) => new(origin, $"/v2/{image.Repository}/{path}");
}

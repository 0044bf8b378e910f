using SecureContainers.Core.Oci;

namespace SecureContainers.Core.Registry;

/// <summary>The registry's <c>Docker-Content-Digest</c> claim about what it stored or sent, which must agree with ours.</summary>
internal static class DigestHeader
{
    public static Digest? Read(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out IEnumerable<string>? values) && Digest.TryParse(values.FirstOrDefault()?.Trim(), out Digest claimed)
            ? claimed
            : null;

    /// <summary>
    /// Throws SC3106 when the header names another digest than <paramref name="expected"/>, or, given the
    /// <paramref name="content"/>, one that does not match it (the header may use another algorithm than sha256).
    /// </summary>
    public static void Verify(HttpResponseMessage response, Digest expected, string subject, byte[]? content = null)
    {
        if (Read(response) is Digest claimed && (content is null ? claimed != expected : !claimed.Matches(content)))
        {
            throw RegistryFailures.Mismatch(subject, expected, $"the registry reports {claimed} (Docker-Content-Digest header)");
        }
    }
}

using SecureContainers.Core.Packages;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Core.Signing.Provenance;

/// <summary>
/// Builds a SLSA Provenance v1 predicate (https://slsa.dev/provenance/v1) for an image published with SecureContainers.
/// The JSON is canonical in our own sense: compact, properties in the fixed order below, lists of RIDs and tags sorted
/// ordinally and de-duplicated, absent values omitted, times in UTC as <c>yyyy-MM-ddTHH:mm:ssZ</c>; the same inputs
/// always give the same bytes.
/// <code>
/// {"buildDefinition":{"buildType":…,"externalParameters":{"project","configuration","runtimeIdentifiers","tags","repository"},
///   "internalParameters":{"sdkVersion"},"resolvedDependencies":[{"uri":"git+&lt;repo&gt;@&lt;ref&gt;","digest":{"gitCommit"}},
///   {"uri":"pkg:oci/…","digest":{"sha256"}}]},
///  "runDetails":{"builder":{"id"},"metadata":{"invocationId","startedOn","finishedOn"}}}
/// </code>
/// </summary>
public static partial class ProvenancePredicate
{
    public const string PredicateType = "https://slsa.dev/provenance/v1";

    /// <summary>
    /// Our build type: <c>dotnet publish -t:PublishContainer</c> with the SecureContainers package; external parameters
    /// are the ones listed above. A new major version of this URI would be needed if their meaning changed.
    /// </summary>
    public const string BuildType = "https://github.com/securecontainers/securecontainers/build/v1";

    public static byte[] Create(ProvenanceInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return SigningJson.Write(w => Write(w, inputs));
    }

    private static void Write(Utf8JsonWriter w, ProvenanceInputs p)
    {
        w.WriteStartObject();
        w.WriteStartObject("buildDefinition");
        w.WriteString("buildType", BuildType);

        w.WriteStartObject("externalParameters");
        w.WriteString("project", p.Project);
        WriteIfPresent(w, "configuration", p.Configuration);
        WriteSortedList(w, "runtimeIdentifiers", p.RuntimeIdentifiers);
        WriteSortedList(w, "tags", p.Tags);
        w.WriteString("repository", p.Repository);
        w.WriteEndObject();

        w.WriteStartObject("internalParameters");
        WriteIfPresent(w, "sdkVersion", p.SdkVersion);
        w.WriteEndObject();

        w.WriteStartArray("resolvedDependencies");
        if ((BuilderIdentity.HttpUrl(p.SourceRepository) ?? SshOrGitUrl(p.SourceRepository)) is string source)
        {
            w.WriteStartObject();
            w.WriteString("uri", "git+" + source + (string.IsNullOrEmpty(p.SourceRef) ? "" : "@" + p.SourceRef));
            if (p.SourceCommit is string commit && CommitPattern().IsMatch(commit))
            {
                w.WriteStartObject("digest");
                w.WriteString("gitCommit", commit.ToLowerInvariant());
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        if (!string.IsNullOrEmpty(p.BaseImage) && p.BaseImageDigest is { } baseDigest)
        {
            w.WriteStartObject();
            w.WriteString("uri", PackageUrl.Oci(p.BaseImage, baseDigest, p.BaseImageTag));
            w.WriteStartObject("digest");
            w.WriteString(baseDigest.Algorithm, baseDigest.Hex);
            w.WriteEndObject();
            WriteNotary(w, p.BaseImageSignature);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartObject("runDetails");
        w.WriteStartObject("builder");
        w.WriteString("id", p.Builder.Id);
        w.WriteEndObject();
        w.WriteStartObject("metadata");
        WriteIfPresent(w, "invocationId", p.Builder.InvocationId);
        w.WriteString("startedOn", Rfc3339(p.StartedOn));
        w.WriteString("finishedOn", Rfc3339(p.FinishedOn));
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>
    /// SLSA's ResourceDescriptor <c>annotations</c>: the Notary signature the build verified on its base (policy, signer,
    /// signature artifacts of the manifest and its index, trusted time), so a consumer sees what vouched for the base.
    /// </summary>
    private static void WriteNotary(Utf8JsonWriter w, Notary.NotaryBaseSignature? signature)
    {
        if (signature is null)
        {
            return;
        }

        w.WriteStartObject("annotations");
        w.WriteString("notary.policy", signature.Policy);
        w.WriteString("notary.signer", signature.Manifest.Signer);
        w.WriteString("notary.signature", signature.Manifest.Signature.ToString());
        if ((signature.Manifest.TimestampTime ?? signature.Manifest.SigningTime) is { } signedAt)
        {
            w.WriteString("notary.signedAt", Rfc3339(signedAt));
        }

        if (signature.Index is { } index)
        {
            w.WriteString("notary.index", index.Manifest.ToString());
            w.WriteString("notary.indexSignature", index.Signature.ToString());
        }

        w.WriteEndObject();
    }

    private static void WriteIfPresent(Utf8JsonWriter w, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteSortedList(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values.Where(v => !string.IsNullOrEmpty(v)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static string Rfc3339(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>scp-like (<c>git@host:org/repo.git</c>) and ssh:// remotes, kept only when they carry no password.</summary>
    private static string? SshOrGitUrl(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && uri.Scheme is "ssh" or "git")
        {
            return uri.UserInfo.Contains(':') ? new UriBuilder(uri) { Password = "" }.Uri.ToString() : value;
        }

        return ScpLike().IsMatch(value) ? value : null;
    }

    [GeneratedRegex("^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ScpLike();
}

using System.Text.Json;

namespace SecureContainers.Core.Oci;

/// <summary>
/// The parts of an image config blob that policy looks at (user, environment, platform, ports, labels, process).
/// Unknown fields are ignored; fields the spec requires (os, architecture) must be present.
/// </summary>
public sealed class ImageConfig
{
    private ImageConfig(string os, string architecture)
    {
        Os = os;
        Architecture = architecture;
    }

    /// <summary><c>config.User</c> as written (name, uid, <c>uid:gid</c>…); null or empty means root.</summary>
    public string? User { get; private init; }

    /// <summary><c>config.Env</c> split at the first '='; later duplicates win, as in a container runtime.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; private init; } = new Dictionary<string, string>();

    public string Os { get; }

    public string Architecture { get; }

    public string? Variant { get; private init; }

    /// <summary>Keys of <c>config.ExposedPorts</c>, e.g. <c>8080/tcp</c>.</summary>
    public IReadOnlyList<string> ExposedPorts { get; private init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; private init; } = new Dictionary<string, string>();

    public IReadOnlyList<string>? Entrypoint { get; private init; }

    public IReadOnlyList<string>? Cmd { get; private init; }

    public string? WorkingDir { get; private init; }

    public Platform Platform => new(Os, Architecture, Variant);

    /// <summary>The config's <c>created</c> time (RFC 3339), or null when absent or not a time.</summary>
    public DateTimeOffset? Created { get; private init; }

    /// <summary>Parses a config blob; malformed JSON or a missing os/architecture is SC3003.</summary>
    public static ImageConfig Parse(ReadOnlySpan<byte> json) => Parse(json.ToArray(), DocumentSource.Unknown("image config"));

    internal static ImageConfig Parse(ReadOnlyMemory<byte> json, DocumentSource source)
    {
        using JsonDocument doc = OciJson.ParseDocument(json, source);
        JsonElement root = doc.RootElement;
        string os = OciJson.RequiredString(root, "os", source);
        string architecture = OciJson.RequiredString(root, "architecture", source);
        string? variant = OciJson.OptionalString(root, "variant", source);
        DateTimeOffset? created = DateTimeOffset.TryParse(OciJson.OptionalString(root, "created", source), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset at) ? at : null;

        JsonElement? config = OciJson.OptionalObject(root, "config", source);
        if (config is not JsonElement c)
        {
            return new ImageConfig(os, architecture) { Variant = string.IsNullOrEmpty(variant) ? null : variant, Created = created };
        }

        Dictionary<string, string> env = new(StringComparer.Ordinal);
        foreach (string entry in OciJson.OptionalStringArray(c, "Env", source) ?? [])
        {
            int eq = entry.IndexOf('=');
            if (eq > 0)
            {
                env[entry[..eq]] = entry[(eq + 1)..];
            }
            else if (eq < 0 && entry.Length > 0)
            {
                env[entry] = "";
            }
        }

        List<string> ports = new();
        if (OciJson.OptionalObject(c, "ExposedPorts", source) is JsonElement exposed)
        {
            foreach (JsonProperty p in exposed.EnumerateObject())
            {
                ports.Add(p.Name);
            }
        }

        return new ImageConfig(os, architecture)
        {
            Variant = string.IsNullOrEmpty(variant) ? null : variant,
            Created = created,
            User = OciJson.OptionalString(c, "User", source),
            Environment = env,
            ExposedPorts = ports,
            Labels = OciJson.StringMap(c, "Labels", source),
            Entrypoint = OciJson.OptionalStringArray(c, "Entrypoint", source),
            Cmd = OciJson.OptionalStringArray(c, "Cmd", source),
            WorkingDir = OciJson.OptionalString(c, "WorkingDir", source),
        };
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using SecureContainers.Core.Diagnostics;
using SecureContainers.Core.Signing.Bundles;

namespace SecureContainers.Core.Signing.Trust;

/// <summary>
/// Sigstore's trust anchors (protobuf-specs <c>dev.sigstore.trustroot.v1.TrustedRoot</c>, the <c>trusted_root.json</c>
/// that sigstore's TUF repository publishes and <c>cosign trusted-root create</c> writes): the Fulcio CAs keyless
/// certificates must chain to, the Rekor logs whose entries prove when a signature was made, the CT logs and the
/// timestamp authorities, each with the time range it may be relied on.
/// </summary>
public sealed record TrustedRoot(
    IReadOnlyList<CertificateAuthority> CertificateAuthorities,
    IReadOnlyList<TransparencyLogInstance> Tlogs,
    IReadOnlyList<TransparencyLogInstance> CtLogs,
    IReadOnlyList<CertificateAuthority> TimestampAuthorities)
{
    public const string MediaType01 = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

    /// <summary>The public-good root is about 6 KB; a file over this is not a trusted root.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Authorities and logs read from one list; the public-good root has a handful of each.</summary>
    public const int MaxEntries = 64;

    /// <summary>Certificates in one authority's chain.</summary>
    public const int MaxChainLength = 10;

    /// <summary>The transparency log whose key has this log ID, or null.</summary>
    public TransparencyLogInstance? FindTlog(ReadOnlySpan<byte> logId)
    {
        foreach (TransparencyLogInstance log in Tlogs)
        {
            if (log.LogId.AsSpan().SequenceEqual(logId))
            {
                return log;
            }
        }

        return null;
    }

    /// <summary>Reads <paramref name="path"/>; SC6070 when it is missing, too large or not a trusted root.</summary>
    public static TrustedRoot Load(string path)
    {
        byte[] bytes;
        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > MaxBytes)
            {
                throw Unusable(path, $"it is {stream.Length} bytes, over the {MaxBytes}-byte limit of a trusted root");
            }

            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unusable(path, ex is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist" : "the file cannot be read");
        }

        return Parse(bytes, path);
    }

    /// <summary>Parses trusted-root JSON; <paramref name="source"/> names it in the SC6070 error.</summary>
    public static TrustedRoot Parse(ReadOnlyMemory<byte> json, string source)
    {
        if (json.Length > MaxBytes)
        {
            throw Unusable(source, $"it is over the {MaxBytes}-byte limit of a trusted root");
        }

        using JsonDocument? doc = SigningJson.TryParse(json, out string problem);
        if (doc is null)
        {
            throw Unusable(source, problem);
        }

        try
        {
            JsonElement root = doc.RootElement;
            string? mediaType = SigningJson.String(root, "mediaType");
            if (mediaType is not null && !mediaType.StartsWith("application/vnd.dev.sigstore.trustedroot", StringComparison.Ordinal))
            {
                throw new FormatException($"'mediaType' is '{Short(mediaType)}', not {MediaType01}");
            }

            return new TrustedRoot(
                List(root, "certificateAuthorities", Authority),
                List(root, "tlogs", Log),
                List(root, "ctlogs", Log),
                List(root, "timestampAuthorities", Authority));
        }
        catch (FormatException ex)
        {
            throw Unusable(source, ex.Message);
        }
    }

    private static List<T> List<T>(JsonElement root, string name, Func<JsonElement, string, T> read)
    {
        List<T> items = new();
        if (!root.TryGetProperty(name, out JsonElement list))
        {
            return items;
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > MaxEntries)
        {
            throw new FormatException($"'{name}' is not a list of at most {MaxEntries}");
        }

        int i = 0;
        foreach (JsonElement item in list.EnumerateArray())
        {
            items.Add(read(item, $"{name}[{i++}]"));
        }

        return items;
    }

    private static CertificateAuthority Authority(JsonElement ca, string path)
    {
        JsonElement chain = SigningJson.Object(ca, "certChain") ?? throw new FormatException($"'{path}.certChain' is missing");
        if (!chain.TryGetProperty("certificates", out JsonElement certs) || certs.ValueKind != JsonValueKind.Array
            || certs.GetArrayLength() is 0 or > MaxChainLength)
        {
            throw new FormatException($"'{path}.certChain.certificates' is not a list of 1 to {MaxChainLength} certificates");
        }

        List<X509Certificate2> parsed = new();
        foreach (JsonElement cert in certs.EnumerateArray())
        {
            byte[] der = Bytes(cert, "rawBytes", $"{path}.certChain.certificates[].rawBytes");
            try
            {
                parsed.Add(X509CertificateLoader.LoadCertificate(der));
            }
            catch (CryptographicException)
            {
                throw new FormatException($"'{path}.certChain' holds bytes that are not a DER X.509 certificate");
            }
        }

        return new CertificateAuthority(SigningJson.String(ca, "uri") ?? "", parsed, Range(ca, path));
    }

    private static TransparencyLogInstance Log(JsonElement log, string path)
    {
        JsonElement key = SigningJson.Object(log, "publicKey") ?? throw new FormatException($"'{path}.publicKey' is missing");
        byte[] spki = Bytes(key, "rawBytes", $"{path}.publicKey.rawBytes");
        string details = SigningJson.String(key, "keyDetails") ?? throw new FormatException($"'{path}.publicKey.keyDetails' is missing");
        JsonElement logId = SigningJson.Object(log, "logId") ?? throw new FormatException($"'{path}.logId' is missing");
        return new TransparencyLogInstance(
            SigningJson.String(log, "baseUrl") ?? throw new FormatException($"'{path}.baseUrl' is missing"),
            SigningJson.String(log, "hashAlgorithm") ?? "SHA2_256",
            new TrustedKey(spki, details, Range(key, $"{path}.publicKey")),
            Bytes(logId, "keyId", $"{path}.logId.keyId"));
    }

    // A missing validFor means "always"; a validFor without its required start is malformed, not unbounded.
    private static TimeRange Range(JsonElement owner, string path)
    {
        if (!owner.TryGetProperty("validFor", out JsonElement range))
        {
            return TimeRange.Always;
        }

        if (range.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"'{path}.validFor' is not an object");
        }

        DateTimeOffset start = Time(range, "start", path) ?? throw new FormatException($"'{path}.validFor.start' is missing (a time range must have a start)");
        return new TimeRange(start, Time(range, "end", path));
    }

    private static DateTimeOffset? Time(JsonElement range, string name, string path)
    {
        if (!range.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time)
            ? time
            : throw new FormatException($"'{path}.validFor.{name}' is not an RFC 3339 time");
    }

    private static byte[] Bytes(JsonElement obj, string name, string path) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String && v.TryGetBytesFromBase64(out byte[]? b) && b.Length > 0
            ? b
            : throw new FormatException($"'{path}' is not base64");

    private static string Short(string value) => value.Length > 80 ? value[..80] + "…" : value;

    private static SecureContainerException Unusable(string source, string problem) =>
        new(BundleVerificationDiagnostics.TrustedRootUnusable.Create(source, problem));
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SecureContainers.Core.Oci;
using SecureContainers.Core.Registry;

namespace SecureContainers.TestUtilities.Registry;

/// <summary>
/// An in-memory OCI distribution registry behind an <see cref="HttpMessageHandler"/>, for any test that needs a
/// registry: images and indexes are added with helpers, auth can require Basic or Bearer (with a token service on
/// <see cref="AuthHost"/>), blobs can be redirected to <see cref="BlobStorageHost"/>, and <see cref="Intercept"/>
/// injects faults. Every request is recorded with the Authorization header it carried. Requests are answered one at a
/// time, so a client used concurrently sees a consistent registry.
/// </summary>
public sealed class FakeRegistry : HttpMessageHandler
{
    private readonly Dictionary<(string Repo, string Reference), (byte[] Bytes, string MediaType)> _manifests = new();
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly List<Func<HttpRequestMessage, HttpResponseMessage?>> _interceptors = new();
    private readonly HashSet<string> _validTokens = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pushTokens = new(StringComparer.Ordinal);
    private int _uploadSessions;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> _openSessions = new();
    private readonly object _gate = new();

    public FakeRegistry(string host = "registry.test") => Host = host;

    /// <summary>host[:port] as it appears in image references.</summary>
    public string Host { get; }

    public string AuthHost { get; set; } = "auth.test";

    public string BlobStorageHost { get; set; } = "blobs.storage.test";

    /// <summary>Serve plain HTTP only: HTTPS requests fail the way a TLS handshake with an HTTP server does.</summary>
    public bool PlainHttpOnly { get; set; }

    /// <summary>Answer blob GETs with a 307 to <see cref="BlobStorageHost"/> (like S3/Azure-backed registries).</summary>
    public bool RedirectBlobs { get; set; }

    public (string User, string Password)? RequiredBasic { get; private set; }

    public bool RequiresBearer { get; private set; }

    public (string User, string Password)? TokenServiceCredentials { get; private set; }

    public int TokenLifetimeSeconds { get; set; } = 300;

    public int TokensIssued { get; private set; }

    /// <summary>Sent as Docker-Content-Digest instead of the true digest (to test that lies are caught).</summary>
    public string? DigestHeaderOverride { get; set; }

    public List<RecordedRequest> Requests { get; } = new();

    /// <summary>
    /// Serve GET /v2/&lt;name&gt;/referrers/&lt;digest&gt; from the stored manifests whose <c>subject</c> names the digest, and
    /// answer OCI-Subject to manifest PUTs with a subject (OCI 1.1). Off (the default), the referrers path is a 404, as on
    /// Distribution 2.8.
    /// </summary>
    public bool ReferrersApi { get; set; }

    /// <summary>With <see cref="ReferrersApi"/>: honour <c>?artifactType=</c> and say so with <c>OCI-Filters-Applied</c>.</summary>
    public bool ReferrersFilterArtifactType { get; set; } = true;

    /// <summary>With <see cref="ReferrersApi"/>: at most this many descriptors a page, further pages linked with <c>Link: rel="next"</c>.</summary>
    public int? ReferrersPageSize { get; set; }

    /// <summary>How upload Locations look: "relative-query" (Distribution's, with _state), "relative", "absolute-query".</summary>
    public string UploadLocationStyle { get; set; } = "relative-query";

    /// <summary>With a bearer token service: only these credentials get a token that may push.</summary>
    public (string User, string Password)? PushCredentials { get; set; }

    /// <summary>Upload sessions cancelled with DELETE (the pre-push probe's, when nothing took it over).</summary>
    public int CancelledUploads { get; private set; }

    /// <summary>Upload sessions started and neither completed nor cancelled.</summary>
    public int OpenUploads => _openSessions.Count;

    /// <summary>Forgets every open upload session, as a registry's purge (or a restarted replica) does: their PUTs get 404.</summary>
    public void PurgeUploadSessions() => _openSessions.Clear();

    /// <summary>Called after a manifest PUT is stored (repository, reference): lets a test play a concurrent writer.</summary>
    public Action<string, string>? AfterManifestPut { get; set; }

    /// <summary>When set, manifest PUTs are refused with 400 and this distribution error code.</summary>
    public string? RejectManifestsWith { get; set; }

    public int BlobUploads { get; private set; }

    public bool HasBlob(Digest digest) => _blobs.ContainsKey(digest.ToString());

    public byte[]? ManifestAt(string repository, string reference) =>
        _manifests.TryGetValue((repository, reference), out var m) ? m.Bytes : null;

    public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, IReadOnlyList<string> Accept);

    public void RequireBasic(string user, string password) => RequiredBasic = (user, password);

    /// <summary>Require a Bearer token from the token service; with credentials, the token service demands them.</summary>
    public void RequireBearer(string? user = null, string? password = null)
    {
        RequiresBearer = true;
        TokenServiceCredentials = user is null ? null : (user, password ?? "");
    }

    /// <summary>Drops every token issued so far, as a registry does when tokens expire or are revoked.</summary>
    public void RevokeTokens()
    {
        lock (_gate)
        {
            _validTokens.Clear();
        }
    }

    /// <summary>First interceptor returning a response wins; return null to let the registry answer.</summary>
    public void Intercept(Func<HttpRequestMessage, HttpResponseMessage?> interceptor) => _interceptors.Add(interceptor);

    /// <summary>Blob reads answer <c>Range: bytes=N-</c> with 206 and the rest (as Distribution does); off, they send it all.</summary>
    public bool HonourRanges { get; set; } = true;

    private readonly List<(Func<HttpRequestMessage, bool> Which, long After, int[] Left)> _breaks = new();

    /// <summary>
    /// The next <paramref name="times"/> answers to requests matching <paramref name="which"/> lose their connection after
    /// <paramref name="afterBytes"/> bytes of the body (an IOException mid-read, as a reset gives).
    /// </summary>
    public void BreakBodies(Func<HttpRequestMessage, bool> which, long afterBytes, int times) => _breaks.Add((which, afterBytes, [times]));

    public RegistryClientOptions Options() => new()
    {
        Handler = this,
        Delay = (_, _) => Task.CompletedTask,
        IsInsecureRegistry = _ => false,
    };

    /// <summary><see cref="Options()"/> whose delays (retries, backoffs, settling pauses) are recorded in <paramref name="delays"/>, not waited.</summary>
    public RegistryClientOptions Options(List<TimeSpan> delays)
    {
        RegistryClientOptions options = Options();
        options.Delay = (d, _) =>
        {
            lock (delays)
            {
                delays.Add(d);
            }

            return Task.CompletedTask;
        };
        return options;
    }

    public Descriptor AddBlob(byte[] content, string mediaType)
    {
        Digest digest = Digest.Sha256(content);
        _blobs[digest.ToString()] = content;
        return new Descriptor(mediaType, digest, content.Length);
    }

    /// <summary>Replaces what is served for a blob without changing its digest (a tampering registry or proxy).</summary>
    public void TamperBlob(Digest digest, byte[] served) => _blobs[digest.ToString()] = served;

    public Digest AddManifest(string repository, string? tag, byte[] bytes, string mediaType)
    {
        Digest digest = Digest.Sha256(bytes);
        _manifests[(repository, digest.ToString())] = (bytes, mediaType);
        if (tag is not null)
        {
            _manifests[(repository, tag)] = (bytes, mediaType);
        }

        return digest;
    }

    /// <summary>Serves <paramref name="bytes"/> for a tag or digest reference, whatever they hash to.</summary>
    public void ServeManifestAs(string repository, string reference, byte[] bytes, string mediaType) =>
        _manifests[(repository, reference)] = (bytes, mediaType);

    /// <summary>Adds a single-platform image (config + gzip-typed layers) and returns its manifest digest and parts.</summary>
    public FakeImage AddImage(string repository, string? tag, Platform platform, string? user = "1654", string manifestMediaType = MediaTypes.OciManifestV1, params byte[][] layers)
    {
        bool docker = manifestMediaType == MediaTypes.DockerManifestV2;
        Descriptor config = AddBlob(ConfigJson(platform, user), docker ? MediaTypes.DockerContainerConfigV1 : MediaTypes.OciConfigV1);
        List<Descriptor> layerDescriptors = layers.Select(l => AddBlob(l, docker ? MediaTypes.DockerLayerGzip : MediaTypes.OciLayerGzip)).ToList();
        byte[] manifest = ManifestJson(manifestMediaType, config, layerDescriptors);
        Digest digest = AddManifest(repository, tag, manifest, manifestMediaType);
        return new FakeImage(digest, manifest.Length, manifest, config, layerDescriptors, platform);
    }

    public sealed record FakeImage(Digest Digest, long Size, byte[] ManifestBytes, Descriptor Config, IReadOnlyList<Descriptor> Layers, Platform Platform);

    public Digest AddIndex(string repository, string tag, string mediaType, params FakeImage[] images)
    {
        string entryType = mediaType == MediaTypes.DockerManifestListV2 ? MediaTypes.DockerManifestV2 : MediaTypes.OciManifestV1;
        var index = new
        {
            schemaVersion = 2,
            mediaType,
            manifests = images.Select(i => new
            {
                mediaType = entryType,
                digest = i.Digest.ToString(),
                size = i.Size,
                platform = PlatformJson(i.Platform),
            }).ToArray(),
        };
        return AddManifest(repository, tag, JsonSerializer.SerializeToUtf8Bytes(index), mediaType);
    }

    public static byte[] ConfigJson(Platform platform, string? user, params string[] env)
    {
        Dictionary<string, object?> config = new() { ["Env"] = env.Length == 0 ? new[] { "PATH=/usr/bin", "APP_UID=1654" } : env };
        if (user is not null)
        {
            config["User"] = user;
        }

        Dictionary<string, object?> root = new()
        {
            ["architecture"] = platform.Architecture,
            ["os"] = platform.Os,
            ["config"] = config,
            ["rootfs"] = new { type = "layers", diff_ids = Array.Empty<string>() },
        };
        if (platform.Variant is not null)
        {
            root["variant"] = platform.Variant;
        }

        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    public static byte[] ManifestJson(string mediaType, Descriptor config, IEnumerable<Descriptor> layers) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType,
            config = new { mediaType = config.MediaType, digest = config.Digest.ToString(), size = config.Size },
            layers = layers.Select(l => new { mediaType = l.MediaType, digest = l.Digest.ToString(), size = l.Size }).ToArray(),
        });

    private static Dictionary<string, string> PlatformJson(Platform p)
    {
        Dictionary<string, string> d = new() { ["os"] = p.Os, ["architecture"] = p.Architecture };
        if (p.Variant is not null)
        {
            d["variant"] = p.Variant;
        }

        return d;
    }

    public int CountRequests(Func<RecordedRequest, bool> predicate)
    {
        lock (_gate)
        {
            return Requests.Count(predicate);
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Uri uri = request.RequestUri!;
        lock (_gate)
        {
            Requests.Add(new RecordedRequest(request.Method, uri, request.Headers.Authorization?.ToString(),
                request.Headers.Accept.Select(a => a.MediaType!).ToArray()));
        }

        foreach (Func<HttpRequestMessage, HttpResponseMessage?> interceptor in _interceptors)
        {
            if (interceptor(request) is HttpResponseMessage intercepted)
            {
                intercepted.RequestMessage = request;
                return Task.FromResult(intercepted);
            }
        }

        // One request at a time: a client shared by concurrent tasks must meet a registry that stays consistent.
        HttpResponseMessage response;
        lock (_gate)
        {
            response = Answer(request, uri);
        }

        response.RequestMessage = request;
        foreach ((Func<HttpRequestMessage, bool> which, long after, int[] left) in _breaks)
        {
            if (response.IsSuccessStatusCode && which(request) && Interlocked.Decrement(ref left[0]) >= 0)
            {
                response.Content = BreakingContent.Wrap(response.Content, after);
            }
        }

        return Task.FromResult(response);
    }

    private HttpResponseMessage BlobBytes(HttpRequestMessage request, byte[] blob)
    {
        if (HonourRanges && request.Headers.Range?.Ranges.SingleOrDefault() is { From: long from, To: null } && from < blob.Length)
        {
            HttpResponseMessage partial = Bytes(blob[(int)from..], "application/octet-stream");
            partial.StatusCode = HttpStatusCode.PartialContent;
            partial.Content.Headers.ContentRange = new ContentRangeHeaderValue(from, blob.Length - 1, blob.Length);
            return partial;
        }

        return Bytes(blob, "application/octet-stream");
    }

    private HttpResponseMessage Answer(HttpRequestMessage request, Uri uri)
    {
        if (uri.Authority == BlobStorageHost)
        {
            return _blobs.TryGetValue(uri.AbsolutePath.TrimStart('/'), out byte[]? stored) ? BlobBytes(request, stored) : Error(HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        }

        if (uri.Authority == AuthHost && uri.AbsolutePath == "/token")
        {
            return IssueToken(request);
        }

        if (!string.Equals(uri.Authority, Host, StringComparison.OrdinalIgnoreCase) && !(Host.EndsWith(":443") && uri.Host == Host[..^4]))
        {
            throw new HttpRequestException(HttpRequestError.NameResolutionError, $"No such host: {uri.Host}");
        }

        if (PlainHttpOnly && uri.Scheme == "https")
        {
            throw new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established.");
        }

        if (!PlainHttpOnly && uri.Scheme == "http")
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");
        }

        if (Challenge(request) is HttpResponseMessage challenge)
        {
            return challenge;
        }

        string path = uri.AbsolutePath;
        if (path == "/v2/")
        {
            return new HttpResponseMessage(HttpStatusCode.OK);
        }

        if (AnswerWriteOrReferrers(request, uri, path) is HttpResponseMessage written)
        {
            return written;
        }

        int manifests = path.LastIndexOf("/manifests/", StringComparison.Ordinal);
        int blobs = path.LastIndexOf("/blobs/", StringComparison.Ordinal);
        if (path.StartsWith("/v2/", StringComparison.Ordinal) && manifests > 0)
        {
            string repo = path[4..manifests];
            string reference = path[(manifests + "/manifests/".Length)..];
            if (!_manifests.TryGetValue((repo, reference), out var m))
            {
                return Error(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
            }

            HttpResponseMessage ok = Bytes(m.Bytes, m.MediaType);
            ok.Headers.Add("Docker-Content-Digest", DigestHeaderOverride ?? Digest.Sha256(m.Bytes).ToString());
            return ok;
        }

        if (path.StartsWith("/v2/", StringComparison.Ordinal) && blobs > 0)
        {
            string digest = path[(blobs + "/blobs/".Length)..];
            if (!_blobs.TryGetValue(digest, out byte[]? blob))
            {
                return Error(HttpStatusCode.NotFound, "BLOB_UNKNOWN");
            }

            if (RedirectBlobs)
            {
                HttpResponseMessage redirect = new(HttpStatusCode.TemporaryRedirect);
                redirect.Headers.Location = new Uri($"https://{BlobStorageHost}/{digest}?sig=presigned");
                return redirect;
            }

            return BlobBytes(request, blob);
        }

        return Error(HttpStatusCode.NotFound, "NAME_UNKNOWN");
    }

    private static int SessionId(string path) =>
        int.TryParse(path[(path.LastIndexOf("/session-", StringComparison.Ordinal) + "/session-".Length)..], out int id) ? id : -1;

    private HttpResponseMessage? AnswerWriteOrReferrers(HttpRequestMessage request, Uri uri, string path)
    {
        int uploads = path.IndexOf("/blobs/uploads/", StringComparison.Ordinal);
        int manifests = path.LastIndexOf("/manifests/", StringComparison.Ordinal);
        int referrers = path.LastIndexOf("/referrers/", StringComparison.Ordinal);
        if (request.Method == HttpMethod.Post && uploads > 0)
        {
            string repo = path[4..uploads];
            int id = Interlocked.Increment(ref _uploadSessions);
            _openSessions[id] = true;
            HttpResponseMessage accepted = new(HttpStatusCode.Accepted);
            string relative = $"/v2/{repo}/blobs/uploads/session-{id}";
            accepted.Headers.Location = UploadLocationStyle switch
            {
                "relative" => new Uri(relative, UriKind.Relative),
                "absolute-query" => new Uri($"{uri.Scheme}://{uri.Authority}{relative}?_state=s{id}%3D%3D"),
                _ => new Uri($"{relative}?_state=s{id}%3D%3D", UriKind.Relative),
            };
            return accepted;
        }

        if (request.Method == HttpMethod.Delete && uploads > 0)
        {
            if (!_openSessions.TryRemove(SessionId(path), out _))
            {
                return Error(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
            }

            CancelledUploads++;
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        }

        if (request.Method == HttpMethod.Put && uploads > 0)
        {
            if (!_openSessions.TryRemove(SessionId(path), out _))
            {
                return Error(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
            }

            string query = uri.Query;
            byte[] body = request.Content!.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            string? digestText = System.Web.HttpUtility.ParseQueryString(query)["digest"];
            bool stateKept = UploadLocationStyle == "relative" || query.Contains("_state=s", StringComparison.Ordinal);
            if (!stateKept || !Digest.TryParse(digestText, out Digest digest) || !digest.Matches(body))
            {
                return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID");
            }

            _blobs[digest.ToString()] = body;
            BlobUploads++;
            HttpResponseMessage created = new(HttpStatusCode.Created);
            created.Headers.Add("Docker-Content-Digest", digest.ToString());
            return created;
        }

        if (request.Method == HttpMethod.Put && manifests > 0)
        {
            if (RejectManifestsWith is string code)
            {
                return Error(HttpStatusCode.BadRequest, code);
            }

            string repo = path[4..manifests];
            string reference = path[(manifests + "/manifests/".Length)..];
            byte[] body = request.Content!.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            Digest digest = Digest.Sha256(body);
            if (Digest.TryParse(reference, out Digest named) && named != digest)
            {
                return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID");
            }

            string mediaType = request.Content.Headers.ContentType?.MediaType ?? "application/octet-stream";
            _manifests[(repo, digest.ToString())] = (body, mediaType);
            _manifests[(repo, reference)] = (body, mediaType);
            HttpResponseMessage created = new(HttpStatusCode.Created);
            created.Headers.Add("Docker-Content-Digest", DigestHeaderOverride ?? digest.ToString());
            using (JsonDocument doc = JsonDocument.Parse(body))
            {
                if (ReferrersApi && doc.RootElement.TryGetProperty("subject", out JsonElement subject))
                {
                    created.Headers.Add("OCI-Subject", subject.GetProperty("digest").GetString());
                }
            }

            AfterManifestPut?.Invoke(repo, reference);
            return created;
        }

        if (request.Method == HttpMethod.Get && referrers > 0)
        {
            return ReferrersApi ? ListReferrers(uri, path[4..referrers], path[(referrers + "/referrers/".Length)..]) : Error(HttpStatusCode.NotFound, "NAME_UNKNOWN");
        }

        return null;
    }

    /// <summary>
    /// The referrers list as distribution-spec 1.1 describes it: an OCI index of the manifests (by digest) whose subject is
    /// <paramref name="subjectDigest"/>, each with its media type, artifactType (an image manifest's own, else its config's
    /// media type; an index's own or none) and annotations; in digest order, so pages are stable.
    /// </summary>
    private HttpResponseMessage ListReferrers(Uri uri, string repo, string subjectDigest)
    {
        if (!Digest.TryParse(subjectDigest, out _))
        {
            return Error(HttpStatusCode.BadRequest, "DIGEST_INVALID");
        }

        System.Collections.Specialized.NameValueCollection query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        string? artifactType = ReferrersFilterArtifactType ? query["artifactType"] : null;
        List<(string Digest, Dictionary<string, object> Entry)> found = new();
        foreach (((string r, string reference), (byte[] bytes, string storedType)) in _manifests)
        {
            if (r != repo || !Digest.TryParse(reference, out _) || found.Any(f => f.Digest == reference))
            {
                continue;
            }

            using JsonDocument doc = JsonDocument.Parse(bytes);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("subject", out JsonElement subject)
                || subject.GetProperty("digest").GetString() != subjectDigest)
            {
                continue;
            }

            string mediaType = root.TryGetProperty("mediaType", out JsonElement m) ? m.GetString()! : storedType;
            Dictionary<string, object> entry = new() { ["mediaType"] = mediaType, ["digest"] = reference, ["size"] = bytes.Length };
            string? type = root.TryGetProperty("artifactType", out JsonElement at) && at.GetString() is { Length: > 0 } declared ? declared
                : root.TryGetProperty("config", out JsonElement config) ? config.GetProperty("mediaType").GetString()
                : null;
            if (type is not null)
            {
                entry["artifactType"] = type;
            }

            if (root.TryGetProperty("annotations", out JsonElement annotations))
            {
                entry["annotations"] = annotations.Clone();
            }

            if (artifactType is null || type == artifactType)
            {
                found.Add((reference, entry));
            }
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Digest, b.Digest));
        string? last = query["last"];
        List<(string Digest, Dictionary<string, object> Entry)> page = found.Where(f => last is null || string.CompareOrdinal(f.Digest, last) > 0).ToList();
        bool more = ReferrersPageSize is int size && page.Count > size;
        if (more)
        {
            page = page.Take(ReferrersPageSize!.Value).ToList();
        }

        HttpResponseMessage ok = Bytes(JsonSerializer.SerializeToUtf8Bytes(new { schemaVersion = 2, mediaType = MediaTypes.OciIndexV1, manifests = page.Select(p => p.Entry) }), MediaTypes.OciIndexV1);
        if (artifactType is not null)
        {
            ok.Headers.Add("OCI-Filters-Applied", "artifactType");
        }

        if (more)
        {
            string filter = artifactType is null ? "" : $"artifactType={Uri.EscapeDataString(artifactType)}&";
            ok.Headers.Add("Link", $"<{uri.AbsolutePath}?{filter}n={ReferrersPageSize}&last={page[^1].Digest}>; rel=\"next\"");
        }

        return ok;
    }

    private HttpResponseMessage? Challenge(HttpRequestMessage request)
    {
        string? authorization = request.Headers.Authorization?.ToString();
        if (RequiredBasic is (string user, string password))
        {
            string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
            if (authorization != expected)
            {
                HttpResponseMessage r = Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
                r.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Basic", "realm=\"fake\""));
                return r;
            }
        }

        bool write = request.Method != HttpMethod.Get && request.Method != HttpMethod.Head;
        if (RequiresBearer)
        {
            bool valid;
            lock (_gate)
            {
                valid = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal) && _validTokens.Contains(authorization[7..])
                    && (!write || _pushTokens.Contains(authorization[7..]));
            }

            if (!valid)
            {
                HttpResponseMessage r = Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
                string actions = write ? "pull,push" : "pull";
                r.Headers.WwwAuthenticate.Add(new AuthenticationHeaderValue("Bearer", $"realm=\"https://{AuthHost}/token\",service=\"{Host}\",scope=\"repository:x:{actions}\""));
                return r;
            }
        }

        return null;
    }

    private HttpResponseMessage IssueToken(HttpRequestMessage request)
    {
        if (TokenServiceCredentials is (string user, string password))
        {
            string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
            if (request.Headers.Authorization?.ToString() != expected)
            {
                return Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
            }
        }

        string token;
        lock (_gate)
        {
            TokensIssued++;
            token = $"tok-{TokensIssued}";
            _validTokens.Add(token);
            // Like real token services: push only when asked for and the caller may (else a narrower token, not an error).
            bool askedPush = request.RequestUri!.Query.Contains("push", StringComparison.Ordinal);
            bool mayPush = PushCredentials is not (string pu, string pp)
                || request.Headers.Authorization?.ToString() == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{pu}:{pp}"));
            if (askedPush && mayPush)
            {
                _pushTokens.Add(token);
            }
        }

        return Bytes(JsonSerializer.SerializeToUtf8Bytes(new { token, expires_in = TokenLifetimeSeconds }), "application/json");
    }

    public static HttpResponseMessage Bytes(byte[] bytes, string mediaType)
    {
        ByteArrayContent content = new(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    public static HttpResponseMessage Error(HttpStatusCode status, string code)
    {
        HttpResponseMessage r = Bytes(JsonSerializer.SerializeToUtf8Bytes(new { errors = new[] { new { code, message = "fake" } } }), "application/json");
        r.StatusCode = status;
        return r;
    }
}

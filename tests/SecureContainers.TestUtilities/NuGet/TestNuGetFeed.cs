using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace SecureContainers.TestUtilities.NuGet;

/// <summary>
/// The repository's static test feed (eng/testbed/nuget-feed/feed, what serve.sh serves on loopback) served in-process
/// as an <see cref="HttpMessageHandler"/>, with <c>@BASE@</c> replaced by <see cref="BaseUrl"/>. Tests replace or add
/// documents (<see cref="Serve"/>) to make a feed hostile or broken, and read <see cref="Requests"/>.
/// </summary>
public sealed class TestNuGetFeed
{
    private readonly ConcurrentDictionary<string, Func<HttpResponseMessage>> _routes = new(StringComparer.Ordinal);

    public TestNuGetFeed(string baseUrl = "https://feed.test")
    {
        BaseUrl = baseUrl;
        string root = RepositoryRoot.Combine("eng", "testbed", "nuget-feed", "feed");
        foreach (string file in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories))
        {
            string path = "/" + Path.GetRelativePath(root, file).Replace('\\', '/');
            Serve(path, File.ReadAllText(file).Replace("@BASE@", baseUrl, StringComparison.Ordinal));
        }
    }

    /// <summary>Where the feed is served: <c>https://feed.test</c> unless given.</summary>
    public string BaseUrl { get; }

    /// <summary>The service index with vulnerability data (the feed's <c>SC_TEST_NUGET_FEED</c>).</summary>
    public string ServiceIndex => BaseUrl + "/v3/index.json";

    /// <summary>A service index without a <c>VulnerabilityInfo</c> resource (<c>SC_TEST_NUGET_FEED_NO_VULN</c>).</summary>
    public string ServiceIndexWithoutVulnerabilities => BaseUrl + "/novuln/index.json";

    /// <summary>Every request's URL, in order.</summary>
    public ConcurrentQueue<Uri> Requests { get; } = new();

    public void Serve(string path, string json) => Serve(path, () => new HttpResponseMessage(HttpStatusCode.OK)
    {
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
    });

    public void Serve(string path, Func<HttpResponseMessage> response) => _routes[path] = response;

    public HttpMessageHandler CreateHandler() => new Handler(this);

    private sealed class Handler(TestNuGetFeed feed) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri uri = request.RequestUri!;
            feed.Requests.Enqueue(uri);
            HttpResponseMessage response = uri.GetLeftPart(UriPartial.Authority) == feed.BaseUrl && feed._routes.TryGetValue(uri.AbsolutePath, out Func<HttpResponseMessage>? route)
                ? route()
                : new HttpResponseMessage(HttpStatusCode.NotFound);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }
}

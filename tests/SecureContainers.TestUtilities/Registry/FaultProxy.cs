using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SecureContainers.TestUtilities.Registry;

/// <summary>
/// What a <see cref="FaultProxy"/> does to the requests a rule matches: answer a status itself (with a Retry-After as
/// given), cut the connection after some bytes of the real response body (a TCP reset, as a failing load balancer gives),
/// or hold the request for a while. Matching requests before <see cref="Skip"/> pass untouched; the rule then applies
/// <see cref="Times"/> times.
/// </summary>
public sealed record FaultRule(string Method, string PathContains)
{
    public int Skip { get; init; }

    public int Times { get; init; } = int.MaxValue;

    public int? Status { get; init; }

    /// <summary>The Retry-After header value, as sent: seconds (<c>2</c>) or an HTTP date.</summary>
    public string? RetryAfter { get; init; }

    public long? ResetAfterBodyBytes { get; init; }

    public TimeSpan Delay { get; init; }

    /// <summary>Only requests whose User-Agent contains this (one client among several, as the SDK's and ours); null for all.</summary>
    public string? UserAgentContains { get; init; }

    internal int Seen;

    internal int Applied;

    /// <summary>How many requests this rule changed.</summary>
    public int Hits => Volatile.Read(ref Applied);
}

/// <summary>
/// A fault-injecting HTTP/1.1 proxy on loopback, put between a client and a real registry: listens on <c>localhost:PORT</c>
/// (the SDK treats only localhost as a plain-HTTP registry) and forwards each request on its own upstream connection,
/// keeping the client's Host header so that the registry's absolute upload locations point back at the proxy. Rules
/// decide per method and path what goes wrong. Bodies stream through; nothing is buffered beyond one request body.
/// Every latency-free byte is forwarded as is, so what the client sees is the real registry's answer unless a rule says otherwise.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private const int MaxHeadBytes = 64 * 1024;

    private readonly IPEndPoint _upstream;
    private readonly List<TcpListener> _listeners = new();
    private readonly ConcurrentBag<FaultRule> _rules = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _accepting = new();
    private long _requests;

    private FaultProxy(IPEndPoint upstream) => _upstream = upstream;

    /// <summary><c>localhost:PORT</c>: what to use as the registry name.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Extra delay added to every request (the round trip of a remote registry).</summary>
    public TimeSpan Latency { get; set; }

    public long Requests => Interlocked.Read(ref _requests);

    /// <param name="upstream">The registry, <c>localhost:PORT</c> or <c>127.0.0.1:PORT</c>.</param>
    public static FaultProxy Start(string upstream)
    {
        string[] parts = upstream.Split(':');
        FaultProxy proxy = new(new IPEndPoint(IPAddress.Loopback, int.Parse(parts[^1], CultureInfo.InvariantCulture)));
        TcpListener v4 = new(IPAddress.Loopback, 0);
        v4.Start();
        int port = ((IPEndPoint)v4.LocalEndpoint).Port;
        proxy._listeners.Add(v4);
        try
        {
            // "localhost" may resolve to ::1 first; listen there too when the machine has IPv6.
            TcpListener v6 = new(IPAddress.IPv6Loopback, port);
            v6.Start();
            proxy._listeners.Add(v6);
        }
        catch (SocketException)
        {
        }

        proxy.Address = $"localhost:{port}";
        foreach (TcpListener listener in proxy._listeners)
        {
            proxy._accepting.Add(Task.Run(() => proxy.AcceptAsync(listener)));
        }

        return proxy;
    }

    public FaultRule Add(FaultRule rule)
    {
        _rules.Add(rule);
        return rule;
    }

    public void Clear() => _rules.Clear();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        foreach (TcpListener listener in _listeners)
        {
            listener.Stop();
        }

        await Task.WhenAll(_accepting.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                BufferedReader reader = new(stream);
                while (!_stop.IsCancellationRequested)
                {
                    HttpHead? request = await HttpHead.ReadAsync(reader, _stop.Token).ConfigureAwait(false);
                    if (request is null)
                    {
                        return;
                    }

                    byte[] body = await ReadRequestBodyAsync(reader, request).ConfigureAwait(false);
                    Interlocked.Increment(ref _requests);
                    if (!await HandleAsync(client, stream, request, body).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidDataException)
            {
            }
        }
    }

    /// <returns>False when the client connection must close (a reset, or a body delimited by the close).</returns>
    private async Task<bool> HandleAsync(TcpClient client, NetworkStream stream, HttpHead request, byte[] body)
    {
        FaultRule? rule = Match(request);
        TimeSpan delay = Latency + (rule?.Delay ?? TimeSpan.Zero);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
        }

        if (rule?.Status is int status)
        {
            string retryAfter = rule.RetryAfter is string r ? $"Retry-After: {r}\r\n" : "";
            byte[] answer = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Injected\r\nContent-Length: 0\r\n{retryAfter}\r\n");
            await stream.WriteAsync(answer, _stop.Token).ConfigureAwait(false);
            return true;
        }

        using TcpClient upstream = new();
        await upstream.ConnectAsync(_upstream, _stop.Token).ConfigureAwait(false);
        NetworkStream up = upstream.GetStream();
        await up.WriteAsync(request.Serialize(closeConnection: true, contentLength: body.Length, dropChunked: true), _stop.Token).ConfigureAwait(false);
        await up.WriteAsync(body, _stop.Token).ConfigureAwait(false);

        BufferedReader upReader = new(up);
        HttpHead response = await HttpHead.ReadAsync(upReader, _stop.Token).ConfigureAwait(false)
            ?? throw new IOException("the registry closed the connection without answering");
        int code = int.Parse(response.StartLine.Split(' ')[1], CultureInfo.InvariantCulture);
        bool noBody = request.Method == "HEAD" || code is 204 or 304 || code < 200;
        long? length = noBody ? 0 : response.ContentLength;
        bool chunked = !noBody && response.IsChunked;
        bool keepAlive = length is not null || chunked;
        await stream.WriteAsync(response.Serialize(closeConnection: !keepAlive, contentLength: null, dropChunked: false), _stop.Token).ConfigureAwait(false);

        long? resetAfter = rule?.ResetAfterBodyBytes;
        long sent = 0;
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            long want = length is long l ? l - sent : buffer.Length;
            if (want <= 0)
            {
                break;
            }

            int n = await upReader.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, want)), _stop.Token).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            if (resetAfter is long cut && sent + n >= cut)
            {
                await stream.WriteAsync(buffer.AsMemory(0, (int)(cut - sent)), _stop.Token).ConfigureAwait(false);
                await stream.FlushAsync(_stop.Token).ConfigureAwait(false);
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
                return false;
            }

            await stream.WriteAsync(buffer.AsMemory(0, n), _stop.Token).ConfigureAwait(false);
            sent += n;
        }

        return keepAlive;
    }

    private FaultRule? Match(HttpHead request)
    {
        string path = request.Target.Split('?')[0];
        foreach (FaultRule rule in _rules)
        {
            if (!string.Equals(rule.Method, request.Method, StringComparison.OrdinalIgnoreCase) || !path.Contains(rule.PathContains, StringComparison.Ordinal)
                || rule.UserAgentContains is { } agent && request.Header("User-Agent")?.Contains(agent, StringComparison.Ordinal) != true)
            {
                continue;
            }

            int seen = Interlocked.Increment(ref rule.Seen);
            if (seen > rule.Skip && Interlocked.Increment(ref rule.Applied) <= rule.Times)
            {
                return rule;
            }

            if (seen > rule.Skip)
            {
                Interlocked.Decrement(ref rule.Applied);
            }
        }

        return null;
    }

    private static async Task<byte[]> ReadRequestBodyAsync(BufferedReader reader, HttpHead request)
    {
        if (request.IsChunked)
        {
            using MemoryStream body = new();
            while (true)
            {
                string line = await reader.ReadLineAsync().ConfigureAwait(false);
                int size = int.Parse(line.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    while ((await reader.ReadLineAsync().ConfigureAwait(false)).Length > 0)
                    {
                    }

                    return body.ToArray();
                }

                byte[] chunk = new byte[size];
                await reader.ReadExactlyAsync(chunk).ConfigureAwait(false);
                body.Write(chunk);
                await reader.ReadLineAsync().ConfigureAwait(false);
            }
        }

        byte[] bytes = new byte[request.ContentLength ?? 0];
        await reader.ReadExactlyAsync(bytes).ConfigureAwait(false);
        return bytes;
    }

    /// <summary>A request or response line and its headers.</summary>
    private sealed record HttpHead(string StartLine, List<(string Name, string Value)> Headers)
    {
        public string Method => StartLine.Split(' ')[0];

        public string Target => StartLine.Split(' ')[1];

        public long? ContentLength => Header("Content-Length") is string v ? long.Parse(v, CultureInfo.InvariantCulture) : null;

        public bool IsChunked => Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true;

        public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;

        public static async Task<HttpHead?> ReadAsync(BufferedReader reader, CancellationToken ct)
        {
            string start = await reader.ReadLineAsync(allowEnd: true).ConfigureAwait(false);
            if (start.Length == 0)
            {
                return null;
            }

            List<(string, string)> headers = new();
            int total = start.Length;
            for (string line; (line = await reader.ReadLineAsync().ConfigureAwait(false)).Length > 0;)
            {
                total += line.Length;
                if (total > MaxHeadBytes)
                {
                    throw new InvalidDataException("header too large");
                }

                int colon = line.IndexOf(':', StringComparison.Ordinal);
                headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }

            return new HttpHead(start, headers);
        }

        public byte[] Serialize(bool closeConnection, long? contentLength, bool dropChunked)
        {
            StringBuilder head = new(StartLine + "\r\n");
            foreach ((string name, string value) in Headers)
            {
                if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)
                    || (contentLength is not null && name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    || (dropChunked && name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }

            if (contentLength is long length && (length > 0 || Method is "PUT" or "POST" or "PATCH"))
            {
                head.Append("Content-Length: ").Append(length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            }

            head.Append(closeConnection ? "Connection: close\r\n" : "Connection: keep-alive\r\n");
            head.Append("\r\n");
            return Encoding.Latin1.GetBytes(head.ToString());
        }
    }

    /// <summary>Lines and exact byte counts over one socket, with its own buffer (StreamReader would read ahead into the body).</summary>
    private sealed class BufferedReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<string> ReadLineAsync(bool allowEnd = false)
        {
            StringBuilder line = new();
            while (true)
            {
                if (_start == _end && !await FillAsync().ConfigureAwait(false))
                {
                    return allowEnd && line.Length == 0 ? "" : throw new IOException("the connection closed in the middle of a line");
                }

                byte b = _buffer[_start++];
                if (b == (byte)'\n')
                {
                    return line.ToString().TrimEnd('\r');
                }

                if (line.Length > MaxHeadBytes)
                {
                    throw new InvalidDataException("line too long");
                }

                line.Append((char)b);
            }
        }

        public async Task ReadExactlyAsync(Memory<byte> target)
        {
            int done = 0;
            while (done < target.Length)
            {
                int n = await ReadAsync(target[done..], CancellationToken.None).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException("the connection closed in the middle of a body");
                }

                done += n;
            }
        }

        public async Task<int> ReadAsync(Memory<byte> target, CancellationToken ct)
        {
            if (_start == _end)
            {
                return await stream.ReadAsync(target, ct).ConfigureAwait(false);
            }

            int n = Math.Min(target.Length, _end - _start);
            _buffer.AsMemory(_start, n).CopyTo(target);
            _start += n;
            return n;
        }

        private async Task<bool> FillAsync()
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer).ConfigureAwait(false);
            return _end > 0;
        }
    }
}

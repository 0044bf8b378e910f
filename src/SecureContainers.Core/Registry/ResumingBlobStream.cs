using System.Net;

namespace SecureContainers.Core.Registry;

/// <summary>
/// A blob body that survives a broken connection: when a read fails (a reset, a timeout, a body that ends early) it asks
/// the registry again for the rest, <c>Range: bytes=N-</c>, and carries on from byte N; a registry that ignores the
/// range and sends the whole blob (200) is read past the N bytes already delivered. Nothing is re-verified here: the
/// <see cref="Oci.DigestVerifyingStream"/> around this hashes every byte handed out, so a resumed body that differs fails
/// its digest like any other. The reopenings share one budget (<see cref="RegistryClientOptions.MaxRetries"/>).
/// </summary>
internal sealed class ResumingBlobStream : Stream
{
    private readonly Func<long, CancellationToken, Task<HttpResponseMessage>> _open;
    private readonly long _size;
    private readonly RegistryClientOptions _options;
    private readonly string _what;
    private HttpResponseMessage _response;
    private Stream _body;
    private long _position;
    private int _reopened;

    /// <param name="open">Sends the GET from a byte offset; failure statuses are thrown by it as their SC31xx errors.</param>
    /// <param name="size">The descriptor's size: the end, and the one way to know a body that closed cleanly was cut short.</param>
    /// <param name="what">Names the blob and the registry in the error after the budget is spent.</param>
    public ResumingBlobStream(HttpResponseMessage first, Stream body, Func<long, CancellationToken, Task<HttpResponseMessage>> open, long size, RegistryClientOptions options, string what)
    {
        _response = first;
        _body = body;
        _open = open;
        _size = size;
        _options = options;
        _what = what;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    // Layer readers read synchronously (System.Formats.Tar over GZipStream): the rare reopen blocks like the read it replaces.
    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            try
            {
                int n = _body.Read(buffer);
                if (Delivered(n))
                {
                    return n;
                }
            }
            catch (Exception ex) when (Resumable(ex))
            {
            }

            ReopenAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                int n = await _body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (Delivered(n))
                {
                    return n;
                }
            }
            catch (Exception ex) when (Resumable(ex) && !cancellationToken.IsCancellationRequested)
            {
            }

            await ReopenAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
            _response.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>True when <paramref name="n"/> bytes can be handed out; false for an end that comes before the declared size.</summary>
    private bool Delivered(int n)
    {
        _position += n;
        return n > 0 || _position >= _size;
    }

    private bool Resumable(Exception ex) => ex is IOException or HttpRequestException && _position < _size;

    private async Task ReopenAsync(CancellationToken ct)
    {
        _body.Dispose();
        _response.Dispose();
        if (_reopened >= _options.MaxRetries)
        {
            throw new IOException($"the connection broke {_reopened + 1} times while reading the {_what}, the last time after {_position} of {_size} bytes ({_reopened + 1} attempts)");
        }

        await _options.Delay(_options.Backoff(_reopened), ct).ConfigureAwait(false);
        _reopened++;
        _response = await _open(_position, ct).ConfigureAwait(false);
        _body = await _response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        if (_response.StatusCode == HttpStatusCode.PartialContent && _response.Content.Headers.ContentRange is { From: long from } && from == _position)
        {
            return;
        }

        if (_response.StatusCode != HttpStatusCode.OK)
        {
            throw new IOException($"the registry answered a resumed read of the {_what} with {(int)_response.StatusCode} and a range other than the one asked for");
        }

        // The whole blob again: skip what was already delivered (and hashed).
        byte[] skip = new byte[81920];
        for (long left = _position; left > 0;)
        {
            int n = await _body.ReadAsync(skip.AsMemory(0, (int)Math.Min(skip.Length, left)), ct).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException($"the registry's second copy of the {_what} ended after {_position - left} bytes");
            }

            left -= n;
        }
    }
}

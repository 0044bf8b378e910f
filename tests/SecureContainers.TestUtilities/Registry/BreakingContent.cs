using System.Net;

namespace SecureContainers.TestUtilities.Registry;

/// <summary>A response body whose connection breaks after a number of bytes, keeping the original headers (Content-Length included).</summary>
public sealed class BreakingContent(byte[] bytes, long after) : HttpContent
{
    public static HttpContent Wrap(HttpContent original, long after)
    {
        byte[] bytes = original.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        BreakingContent broken = new(bytes, after);
        foreach (KeyValuePair<string, IEnumerable<string>> header in original.Headers)
        {
            broken.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return broken;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => throw new NotSupportedException();

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new BreakingStream(bytes, after));

    protected override bool TryComputeLength(out long length)
    {
        length = bytes.Length;
        return true;
    }

    private sealed class BreakingStream(byte[] bytes, long after) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => bytes.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= after)
            {
                throw new IOException("Unable to read data from the transport connection: Connection reset by peer.");
            }

            int n = (int)Math.Min(buffer.Length, Math.Min(after, bytes.Length) - _position);
            bytes.AsSpan((int)_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

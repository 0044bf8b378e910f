using System.Security.Cryptography;

namespace SecureContainers.Core.Oci;

/// <summary>
/// Wraps a blob stream and hashes every byte read. When the inner stream ends it checks the length and the
/// digest and throws <see cref="DigestMismatchException"/> if either is wrong, so a consumer that reads to the
/// end can never act on unverified content. Consumers must drain it (a truncated read proves nothing).
/// </summary>
public sealed class DigestVerifyingStream : Stream
{
    private readonly Stream _inner;
    private readonly Digest _expected;
    private readonly long _expectedSize;
    private readonly IncrementalHash _hash;
    private readonly string? _subject;
    private long _read;
    private bool _verified;

    /// <param name="subject">What the content is (e.g. "layer sha256:… of image X"), named in the mismatch error.</param>
    public DigestVerifyingStream(Stream inner, Digest expected, long expectedSize, string? subject = null)
    {
        _inner = inner;
        _subject = subject;
        _expected = expected;
        _expectedSize = expectedSize;
        _hash = expected.CreateHash();
    }

    public Digest Expected => _expected;

    public long ExpectedSize => _expectedSize;

    /// <summary>True once the end was reached and length and digest were checked.</summary>
    public bool IsVerified => _verified;

    public long BytesRead => _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        return Account(buffer[..n], n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..n], n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads whatever is left so that the digest is checked even if the consumer stopped early.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[81920];
        while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    private int Account(ReadOnlySpan<byte> data, int n)
    {
        if (n > 0)
        {
            _read += n;
            if (_expectedSize >= 0 && _read > _expectedSize)
            {
                throw new DigestMismatchException(_expected, $"more than the {_expectedSize} bytes its descriptor declares", _subject);
            }

            _hash.AppendData(data);
        }
        else if (!_verified)
        {
            if (_expectedSize >= 0 && _read != _expectedSize)
            {
                throw new DigestMismatchException(_expected, $"{_read} bytes where its descriptor declares {_expectedSize}", _subject);
            }

            string actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
            if (actual != _expected.Hex)
            {
                throw new DigestMismatchException(_expected, $"content hashing to {_expected.Algorithm}:{actual}", _subject);
            }

            // Only now: a failed check must fail again if the consumer reads on, not pass silently.
            _verified = true;
        }

        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Content did not match the digest that names it: never act on such bytes.</summary>
public sealed class DigestMismatchException(Digest expected, string detail, string? subject = null)
    : Exception($"Content for {subject ?? expected.ToString()} does not match its digest {expected}: got {detail}.")
{
    public Digest Expected { get; } = expected;

    /// <summary>What the content was, when the stream was told (e.g. "layer sha256:… of image X").</summary>
    public string? Subject { get; } = subject;

    /// <summary>How the mismatch differs, e.g. "content hashing to sha256:…"; never contains the content.</summary>
    public string Detail { get; } = detail;
}

using System.Text;

namespace SecureContainers.Core.Tests.Layers;

/// <summary>
/// A tar archive produced on the fly (ustar headers, zero-filled data), so tests can feed the scanner hundreds of
/// megabytes without holding them anywhere.
/// </summary>
internal sealed class GeneratedTarStream : Stream
{
    private readonly int _files;
    private readonly long _fileSize;
    private readonly byte[] _header = new byte[512];
    private int _file;
    private long _offsetInRecord; // position within the current header+data record, or within the end marker
    private long _position;

    /// <param name="fileSize">A multiple of 512, so no padding is needed.</param>
    public GeneratedTarStream(int files, long fileSize)
    {
        if (fileSize % 512 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fileSize));
        }

        _files = files;
        _fileSize = fileSize;
        FillHeader(0);
    }

    public long TotalLength => _files * (512 + _fileSize) + 1024;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int written = 0;
        while (written < buffer.Length)
        {
            Span<byte> dest = buffer[written..];
            int n;
            if (_file == _files)
            {
                // Two zero blocks end the archive.
                n = (int)Math.Min(dest.Length, 1024 - _offsetInRecord);
                if (n == 0)
                {
                    break;
                }

                dest[..n].Clear();
            }
            else if (_offsetInRecord < 512)
            {
                n = (int)Math.Min(dest.Length, 512 - _offsetInRecord);
                _header.AsSpan((int)_offsetInRecord, n).CopyTo(dest);
            }
            else
            {
                n = (int)Math.Min(dest.Length, 512 + _fileSize - _offsetInRecord);
                dest[..n].Clear();
            }

            written += n;
            _offsetInRecord += n;
            if (_file < _files && _offsetInRecord == 512 + _fileSize)
            {
                _file++;
                _offsetInRecord = 0;
                if (_file < _files)
                {
                    FillHeader(_file);
                }
            }
        }

        _position += written;
        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    private void FillHeader(int index)
    {
        Array.Clear(_header);
        Write(0, $"data/file{index}.bin");
        Write(100, "0000644\0");
        Write(108, "0000000\0");
        Write(116, "0000000\0");
        Write(124, Convert.ToString(_fileSize, 8).PadLeft(11, '0') + "\0");
        Write(136, "00000000000\0");
        Write(148, "        ");
        _header[156] = (byte)'0';
        Write(257, "ustar\0");
        Write(263, "00");
        int sum = _header.Sum(b => b);
        Write(148, Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
    }

    private void Write(int offset, string value) => Encoding.ASCII.GetBytes(value).CopyTo(_header, offset);

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

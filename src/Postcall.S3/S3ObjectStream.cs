using Amazon.S3.Model;

namespace Postcall.Storage.S3;

/// <summary>
/// An object read as a seekable stream, so Range requests work as they do on files: each read after a seek opens
/// one GET from that position to the end, streamed, never buffered. Pinned to the ETag it was opened with, so a
/// replacement written meanwhile fails the read rather than mixing two versions.
/// </summary>
internal sealed class S3ObjectStream(S3PayloadStore store, string key, long length, string etag) : Stream
{
    private GetObjectResponse? _response;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0)
        {
            return 0;
        }

        _response ??= await store.GetAsync(key, _position, length, etag, cancellationToken);
        int read;
        try
        {
            read = await _response.ResponseStream.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new StorageException("The object store stopped sending the object.", e);
        }

        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        if (target != _position)
        {
            Close(ref _response);
            _position = target;
        }

        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close(ref _response);
        }

        base.Dispose(disposing);
    }

    private static void Close(ref GetObjectResponse? response)
    {
        response?.Dispose();
        response = null;
    }
}

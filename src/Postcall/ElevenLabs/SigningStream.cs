using System.Security.Cryptography;

namespace Postcall.ElevenLabs;

/// <summary>A write-only stream that signs what is written to it, for bodies produced by a writer rather than held.</summary>
public sealed class SigningStream(string secret, long timestamp) : Stream
{
    private readonly IncrementalHash _mac = SignatureSigner.Start(secret, timestamp);

    /// <summary>The <c>elevenlabs-signature</c> value for everything written so far; call once, at the end.</summary>
    public string Header() => SignatureSigner.Finish(timestamp, _mac);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => _mac.AppendData(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _mac.AppendData(buffer);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _mac.AppendData(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _mac.AppendData(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _mac.Dispose();
        }

        base.Dispose(disposing);
    }
}

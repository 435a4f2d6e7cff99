using System.Security.Cryptography;

namespace Postcall.ElevenLabs;

/// <summary>A write-only stream that signs what is written to it, for bodies produced by a writer rather than held.</summary>
/// <param name="secret">The webhook secret, used as-is (its UTF-8 bytes are the HMAC key).</param>
/// <param name="timestamp">The <c>t</c> of the header, in Unix seconds.</param>
public sealed class SigningStream(string secret, long timestamp) : Stream
{
    private readonly IncrementalHash _mac = SignatureSigner.Start(secret, timestamp);

    /// <summary>The <c>elevenlabs-signature</c> value for everything written so far; call once, at the end.</summary>
    public string Header() => SignatureSigner.Finish(timestamp, _mac);

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => _mac.AppendData(buffer, offset, count);

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer) => _mac.AppendData(buffer);

    /// <inheritdoc/>
#pragma warning disable RS0026, RS0027 // Stream's own signature: its optional token is not this type's choice.
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
#pragma warning restore RS0026, RS0027
    {
        _mac.AppendData(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _mac.AppendData(buffer, offset, count);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _mac.Dispose();
        }

        base.Dispose(disposing);
    }
}

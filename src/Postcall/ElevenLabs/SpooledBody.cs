using System.Buffers;

namespace Postcall.ElevenLabs;

/// <summary>
/// The buffer a body is read into on its way to the spool file. When the body declares a length that fits one
/// buffer (every transcription and failure in practice), the pieces are laid end to end, so once the signature is
/// valid the whole body can be parsed from memory instead of being read back from disk. Any other body (chunked,
/// or larger) reuses one buffer piece after piece and is parsed from its spool file.
/// </summary>
internal sealed class SpooledBody : IDisposable
{
    private const int ChunkSize = 256 * 1024;
    private const int MinChunkSize = 4 * 1024;

    private readonly byte[] _buffer;
    private readonly bool _whole;
    private int _filled;
    private bool _overflowed;

    public SpooledBody(long? declaredLength)
    {
        // One byte more than declared, so a body longer than it says is seen rather than cut.
        _whole = declaredLength is { } n && n < ChunkSize;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSizeFor(_whole ? declaredLength!.Value + 1 : long.MaxValue));
    }

    /// <summary>The buffer for reading a body of this many bytes in pieces: whole if small, else 256 KB at a time.</summary>
    public static int BufferSizeFor(long length) => (int)Math.Clamp(length, MinChunkSize, ChunkSize);

    /// <summary>Where the next piece goes.</summary>
    public Memory<byte> Space => _whole && !_overflowed && _filled < _buffer.Length ? _buffer.AsMemory(_filled) : _buffer.AsMemory();

    /// <summary>The last piece read into <see cref="Space"/> had <paramref name="count"/> bytes.</summary>
    public void Advance(int count)
    {
        if (!_whole || _overflowed)
        {
            return;
        }

        _filled += count;
        if (_filled >= _buffer.Length)
        {
            // Fuller than declared: from here the buffer is reused, and the body is read back from its file.
            _overflowed = true;
        }
    }

    /// <summary>The whole body, when it is all in memory; null when it must be read from its spool file.</summary>
    public ReadOnlyMemory<byte>? Whole
    {
        get
        {
            // Spelled out: in a conditional, null would become an empty Memory through its conversion from arrays.
            if (!_whole || _overflowed)
            {
                return null;
            }

            return _buffer.AsMemory(0, _filled);
        }
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}

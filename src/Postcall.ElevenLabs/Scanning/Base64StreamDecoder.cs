using System.Buffers;
using System.Buffers.Text;

namespace Postcall.ElevenLabs;

/// <summary>
/// Decodes base64 handed over in arbitrary pieces, with the memory of one small window whatever the total size.
/// Accepts what <see cref="Convert.FromBase64String(string)"/> accepts: the standard alphabet, padding, and
/// whitespace anywhere. Whitespace is dropped on the way into the window: <see cref="Base64.DecodeFromUtf8"/>
/// reports a quad split by whitespace at the end of a non-final block as invalid rather than incomplete.
/// </summary>
internal sealed class Base64StreamDecoder(IBufferWriter<byte> output)
{
    private const int WindowSize = 64 * 1024;

    // After padding only padding and whitespace may follow; more than this cannot be a legitimate tail.
    private const int MaxPaddedTail = 64;

    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\r\n"u8);

    // Taken at the first base64 byte: most bodies carry no audio, and a window per delivery would be most of its garbage.
    private byte[]? _window;
    private int _pending;

    public bool IsInvalid { get; private set; }

    public long BytesWritten { get; private set; }

    public void Append(ReadOnlySpan<byte> base64)
    {
        while (!IsInvalid && !base64.IsEmpty)
        {
            var space = base64.IndexOfAny(Whitespace);
            Keep(space < 0 ? base64 : base64[..space]);
            base64 = space < 0 ? [] : base64[(space + 1)..];
        }
    }

    private void Keep(ReadOnlySpan<byte> base64)
    {
        _window ??= new byte[WindowSize];
        while (!IsInvalid && !base64.IsEmpty)
        {
            var take = Math.Min(base64.Length, WindowSize - _pending);
            base64[..take].CopyTo(_window.AsSpan(_pending));
            _pending += take;
            base64 = base64[take..];
            if (_pending == WindowSize)
            {
                DecodeWindow(isFinalBlock: false);
            }
        }
    }

    public void Append(byte base64Char) => Append([base64Char]);

    /// <summary>Decodes what is left; false when the whole input was not valid base64.</summary>
    public bool Complete()
    {
        if (!IsInvalid)
        {
            DecodeWindow(isFinalBlock: true);
        }

        return !IsInvalid;
    }

    private void DecodeWindow(bool isFinalBlock)
    {
        // Mid-stream only whole quads; the last one to three characters wait for the rest.
        var window = _window ?? [];
        var source = window.AsSpan(0, isFinalBlock ? _pending : _pending / 4 * 4);
        var destination = output.GetSpan(Base64.GetMaxDecodedFromUtf8Length(source.Length) + 3);
        var status = Base64.DecodeFromUtf8(source, destination, out var consumed, out var written, isFinalBlock);
        output.Advance(written);
        BytesWritten += written;

        var rest = window.AsSpan(consumed, _pending - consumed);
        IsInvalid = status switch
        {
            OperationStatus.Done => false,
            OperationStatus.NeedMoreData => isFinalBlock,
            // Mid-stream, a padded quad is refused; it is fine if it turns out to be the last one.
            OperationStatus.InvalidData => isFinalBlock || !LooksLikePaddedTail(rest),
            _ => true,
        };

        rest.CopyTo(window);
        _pending = rest.Length;
    }

    private static bool LooksLikePaddedTail(ReadOnlySpan<byte> rest) =>
        rest.Length <= MaxPaddedTail && rest.Contains((byte)'=');
}

using System.Text.Unicode;

namespace Postcall.ElevenLabs;

/// <summary>Checks that a byte stream is well-formed UTF-8, however the stream is cut into pieces.</summary>
internal sealed class Utf8StreamValidator
{
    private readonly byte[] _carry = new byte[4];
    private int _carryLength;

    public bool IsInvalid { get; private set; }

    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (IsInvalid)
        {
            return;
        }

        if (_carryLength > 0)
        {
            // Finish the sequence that the previous piece cut off.
            var need = SequenceLength(_carry[0]) - _carryLength;
            var take = Math.Min(need, chunk.Length);
            chunk[..take].CopyTo(_carry.AsSpan(_carryLength));
            _carryLength += take;
            chunk = chunk[take..];
            if (take < need)
            {
                return;
            }

            IsInvalid = !Utf8.IsValid(_carry.AsSpan(0, _carryLength));
            _carryLength = 0;
            if (IsInvalid)
            {
                return;
            }
        }

        var cut = IncompleteTailStart(chunk);
        IsInvalid = !Utf8.IsValid(chunk[..cut]);
        chunk[cut..].CopyTo(_carry);
        _carryLength = chunk.Length - cut;
    }

    public bool Complete()
    {
        IsInvalid |= _carryLength > 0;
        return !IsInvalid;
    }

    private static int IncompleteTailStart(ReadOnlySpan<byte> chunk)
    {
        for (var i = chunk.Length - 1; i >= Math.Max(0, chunk.Length - 3); i--)
        {
            if ((chunk[i] & 0xC0) != 0x80)
            {
                return i + SequenceLength(chunk[i]) > chunk.Length ? i : chunk.Length;
            }
        }

        return chunk.Length;
    }

    // Not a lead byte (or a stray continuation): length 1, so Utf8.IsValid judges it on its own.
    private static int SequenceLength(byte lead) => lead switch
    {
        >= 0xF0 and <= 0xF7 => 4,
        >= 0xE0 => lead <= 0xEF ? 3 : 1,
        >= 0xC0 => 2,
        _ => 1,
    };
}

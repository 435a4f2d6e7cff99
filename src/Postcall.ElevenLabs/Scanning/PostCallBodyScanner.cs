using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Postcall.ElevenLabs;

/// <summary>
/// Reads a post-call JSON body once, piece by piece, in bounded memory: validates all of it (syntax, nesting,
/// UTF-8), records the few fields that classify the delivery, and base64-decodes <c>data.full_audio</c> into an
/// output as it streams past, however large it is. Fed by the caller so it never touches I/O.
/// </summary>
internal sealed partial class PostCallBodyScanner
{
    // System.Text.Json's default; deeper documents are refused the same way.
    private const int MaxDepth = 64;

    // Field values we keep are identifiers and type names; anything longer is not one.
    private const int MaxCaptured = 512;

    private static readonly SearchValues<byte> StringSpecials =
        SearchValues.Create([(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b)]);

    private readonly Utf8StreamValidator _utf8 = new();
    private readonly Base64StreamDecoder _audio;
    private readonly byte[] _captured = new byte[MaxCaptured];
    private int _capturedLength;
    private bool _capturedOverflow;
    private bool _capturedEscaped;

    private State _state = State.Value;
    private StringRole _stringRole;
    private Field _field;
    private int _escape;
    private int _unicode;
    private NumberPart _number;
    private byte[] _literal = [];
    private int _literalIndex;
    private bool _started;

    /// <param name="audioOutput">Receives the decoded bytes of <c>data.full_audio</c>, if the body has one.</param>
    public PostCallBodyScanner(IBufferWriter<byte> audioOutput)
    {
        _audio = new Base64StreamDecoder(audioOutput);
    }

    public PostCallFields Fields { get; } = new();

    public bool IsInvalidJson { get; private set; }

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (IsInvalidJson)
        {
            return;
        }

        if (!_started)
        {
            _started = true;
            if (chunk.StartsWith("\uFEFF"u8))
            {
                chunk = chunk[3..];
            }
        }

        _utf8.Append(chunk);
        IsInvalidJson = _utf8.IsInvalid || !Scan(chunk);
    }

    /// <summary>Ends the body; returns false when it was not one complete, valid JSON document.</summary>
    public bool Complete()
    {
        if (!IsInvalidJson && _state == State.Number && _frames.Count == 0 && IsNumberComplete())
        {
            _state = State.End;
        }

        IsInvalidJson |= !_utf8.Complete() || _state != State.End;
        return !IsInvalidJson;
    }

    private bool Scan(ReadOnlySpan<byte> input)
    {
        var i = 0;
        while (i < input.Length)
        {
            if (_state == State.String)
            {
                if (!ScanString(input, ref i))
                {
                    return false;
                }

                continue;
            }

            var b = input[i];
            var consumed = _state switch
            {
                State.Number => StepNumber(b),
                State.Literal => StepLiteral(b),
                _ when IsWhitespace(b) => Step.Consumed,
                _ => StepStructure(b),
            };

            if (consumed == Step.Invalid)
            {
                return false;
            }

            if (consumed == Step.Consumed)
            {
                i++;
            }
        }

        return true;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private static string? Unescape(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (!escaped)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var quoted = new byte[raw.Length + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        raw.CopyTo(quoted.AsSpan(1));
        var reader = new Utf8JsonReader(quoted);
        try
        {
            return reader.Read() ? reader.GetString() : null;
        }
        catch (InvalidOperationException)
        {
            // Escapes that name lone surrogates are valid JSON but no valid string.
            return null;
        }
    }
}

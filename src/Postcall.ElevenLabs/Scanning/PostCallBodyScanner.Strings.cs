namespace Postcall.ElevenLabs;

// Strings: skipped, kept (keys and the few values we read) or streamed into the audio decoder.
internal sealed partial class PostCallBodyScanner
{
    private void BeginString(StringRole role, Field field)
    {
        _state = State.String;
        _stringRole = role;
        _stringField = field;
        _escape = 0;
        _capturedLength = 0;
        _capturedOverflow = false;
        _capturedEscaped = false;
    }

    private StringRole RoleOf(Field field) => field switch
    {
        Field.Type or Field.RootConversationId or Field.DataConversationId or Field.DataAgentId => StringRole.Captured,
        Field.FullAudio when Fields.Audio == AudioField.Absent => StringRole.Audio,
        _ => StringRole.Skipped,
    };

    private bool ScanString(ReadOnlySpan<byte> input, ref int i)
    {
        while (i < input.Length)
        {
            if (_escape > 0)
            {
                if (!StepEscape(input[i++]))
                {
                    return false;
                }

                continue;
            }

            var rest = input[i..];
            var special = rest.IndexOfAny(StringSpecials);
            var run = special < 0 ? rest : rest[..special];
            TakeRun(run);
            i += run.Length;
            if (special < 0)
            {
                return true;
            }

            var b = input[i++];
            if (b == '"')
            {
                EndString();
                return true;
            }

            if (b != '\\')
            {
                return false; // raw control characters are not allowed in JSON strings
            }

            _escape = 1;
            Keep(b);
        }

        return true;
    }

    private void TakeRun(ReadOnlySpan<byte> run)
    {
        switch (_stringRole)
        {
            case StringRole.Audio:
                _audio.Append(run);
                break;
            case StringRole.Key or StringRole.Captured:
                Keep(run);
                break;
            default:
                break;
        }
    }

    private bool StepEscape(byte b)
    {
        Keep(b);
        _capturedEscaped = true;
        if (_escape == 1)
        {
            var decoded = b switch
            {
                (byte)'"' or (byte)'\\' or (byte)'/' => b,
                (byte)'b' => (byte)'\b',
                (byte)'f' => (byte)'\f',
                (byte)'n' => (byte)'\n',
                (byte)'r' => (byte)'\r',
                (byte)'t' => (byte)'\t',
                (byte)'u' => (byte)0,
                _ => (byte)0xFF,
            };

            if (decoded == 0xFF)
            {
                return false;
            }

            _escape = b == 'u' ? 2 : 0;
            _unicode = 0;
            if (_escape == 0 && _stringRole == StringRole.Audio)
            {
                _audio.Append(decoded);
            }

            return true;
        }

        if (!char.IsAsciiHexDigit((char)b))
        {
            return false;
        }

        _unicode = (_unicode << 4) | (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
        if (++_escape == 6)
        {
            _escape = 0;
            if (_stringRole == StringRole.Audio)
            {
                // Only ASCII can be base64; anything else spoils the audio on purpose.
                _audio.Append(_unicode < 0x80 ? (byte)_unicode : (byte)'!');
            }
        }

        return true;
    }

    private void Keep(byte b) => Keep([b]);

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        if (_stringRole is not (StringRole.Key or StringRole.Captured) || _capturedOverflow)
        {
            return;
        }

        if (_capturedLength + bytes.Length > MaxCaptured)
        {
            _capturedOverflow = true;
            return;
        }

        bytes.CopyTo(_captured.AsSpan(_capturedLength));
        _capturedLength += bytes.Length;
    }

    private void EndString()
    {
        var raw = _captured.AsSpan(0, _capturedLength);
        switch (_stringRole)
        {
            case StringRole.Key:
                _field = _capturedOverflow ? Field.None : ResolveKey(Unescape(raw, _capturedEscaped));
                _state = State.Colon;
                return;
            case StringRole.Captured:
                // Too long to keep, or not a valid string: still a string, but with no usable value.
                var value = new StringField(FieldKind.JsonString, _capturedOverflow ? null : Unescape(raw, _capturedEscaped));
                RecordString(_stringField, value);
                break;
            case StringRole.Audio:
                Fields.Audio = !_audio.Complete() ? AudioField.InvalidBase64
                    : _audio.BytesWritten == 0 ? AudioField.Empty
                    : AudioField.Decoded;
                break;
            default:
                RecordPresence(_stringField, isNull: false);
                break;
        }

        AfterValue();
    }
}

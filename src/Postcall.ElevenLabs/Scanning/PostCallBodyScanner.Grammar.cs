namespace Postcall.ElevenLabs;

// The JSON grammar, one byte at a time: containers, keys, strings, numbers and literals (RFC 8259).
internal sealed partial class PostCallBodyScanner
{
    private readonly record struct Frame(Place Place, bool IsObject);

    private readonly Stack<Frame> _frames = new();
    private Field _stringField;
    private Field _numberField;
    private long? _numberValue;

    private Step StepStructure(byte b)
    {
        switch (_state)
        {
            case State.ValueOrArrayEnd when b == ']':
            case State.CommaOrEnd when b == ']' && !_frames.Peek().IsObject:
            case State.KeyOrObjectEnd when b == '}':
            case State.CommaOrEnd when b == '}' && _frames.Peek().IsObject:
                _frames.Pop();
                AfterValue();
                return Step.Consumed;
            case State.Value or State.ValueOrArrayEnd:
                return BeginValue(b);
            case State.KeyOrObjectEnd or State.Key when b == '"':
                BeginString(StringRole.Key, Field.None);
                return Step.Consumed;
            case State.Colon when b == ':':
                _state = State.Value;
                return Step.Consumed;
            case State.CommaOrEnd when b == ',':
                _field = Field.None;
                _state = _frames.Peek().IsObject ? State.Key : State.Value;
                return Step.Consumed;
            default:
                return Step.Invalid;
        }
    }

    private Step BeginValue(byte b)
    {
        var field = _field;
        _field = Field.None;
        switch (b)
        {
            case (byte)'{' or (byte)'[':
                if (_frames.Count >= MaxDepth)
                {
                    return Step.Invalid;
                }

                var isObject = b == '{';
                var place = !isObject ? Place.Elsewhere
                    : _frames.Count == 0 ? Place.RootObject
                    : field == Field.Data ? Place.DataObject
                    : Place.Elsewhere;
                Fields.RootIsObject |= place == Place.RootObject;
                _frames.Push(new Frame(place, isObject));
                RecordPresence(field, isNull: false);
                _state = isObject ? State.KeyOrObjectEnd : State.ValueOrArrayEnd;
                return Step.Consumed;
            case (byte)'"':
                BeginString(RoleOf(field), field);
                return Step.Consumed;
            case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                _number = b == '-' ? NumberPart.Sign : b == '0' ? NumberPart.Zero : NumberPart.Integer;
                _numberField = field;
                _numberValue = b is >= (byte)'0' and <= (byte)'9' ? b - '0' : null;
                _state = State.Number;
                RecordPresence(field, isNull: false);
                return Step.Consumed;
            case (byte)'t' or (byte)'f' or (byte)'n':
                _literal = b == 't' ? True : b == 'f' ? False : Null;
                _literalIndex = 1;
                _state = State.Literal;
                RecordPresence(field, isNull: b == 'n');
                return Step.Consumed;
            default:
                return Step.Invalid;
        }
    }

    private void AfterValue() => _state = _frames.Count == 0 ? State.End : State.CommaOrEnd;

    private static readonly byte[] True = "true"u8.ToArray();
    private static readonly byte[] False = "false"u8.ToArray();
    private static readonly byte[] Null = "null"u8.ToArray();

    private Step StepLiteral(byte b)
    {
        if (b != _literal[_literalIndex])
        {
            return Step.Invalid;
        }

        if (++_literalIndex == _literal.Length)
        {
            AfterValue();
        }

        return Step.Consumed;
    }

    private Step StepNumber(byte b)
    {
        var digit = b is >= (byte)'0' and <= (byte)'9';
        NumberPart? next = (_number, b) switch
        {
            (NumberPart.Sign, (byte)'0') => NumberPart.Zero,
            (NumberPart.Sign, _) when digit => NumberPart.Integer,
            (NumberPart.Integer, _) when digit => NumberPart.Integer,
            (NumberPart.Zero or NumberPart.Integer, (byte)'.') => NumberPart.FractionStart,
            (NumberPart.FractionStart or NumberPart.Fraction, _) when digit => NumberPart.Fraction,
            (NumberPart.Zero or NumberPart.Integer or NumberPart.Fraction, (byte)'e' or (byte)'E') => NumberPart.ExponentStart,
            (NumberPart.ExponentStart, (byte)'+' or (byte)'-') => NumberPart.ExponentSign,
            (NumberPart.ExponentStart or NumberPart.ExponentSign or NumberPart.Exponent, _) when digit => NumberPart.Exponent,
            _ => null,
        };

        if (next is { } part)
        {
            // Only a whole, non-negative number that fits is kept as a value; a fraction or exponent is none.
            _numberValue = part == NumberPart.Integer && _numberValue is { } v && v <= (long.MaxValue - 9) / 10 ? (v * 10) + (b - '0') : null;
            _number = part;
            return Step.Consumed;
        }

        if (!IsNumberComplete())
        {
            return Step.Invalid;
        }

        if (_numberField != Field.None)
        {
            RecordNumber(_numberField, _number is NumberPart.Zero or NumberPart.Integer ? _numberValue : null);
        }

        // The byte that ended the number belongs to whatever follows it.
        AfterValue();
        return Step.Reprocess;
    }

    private bool IsNumberComplete() =>
        _number is NumberPart.Zero or NumberPart.Integer or NumberPart.Fraction or NumberPart.Exponent;
}

using System.Text;

namespace Postcall.ElevenLabs.Tests.Scanning;

/// <summary>Random JSON documents (valid), and mutations of them (mostly not), for equivalence tests.</summary>
internal sealed class RandomJson(int seed)
{
    private static readonly string[] Whitespace = ["", "", " ", "\n", "\t", "\r\n  "];
    private readonly Random _random = new(seed);

    public Random Random => _random;

    public byte[] Document() => Encoding.UTF8.GetBytes(Value(0));

    public byte[] Mutate(byte[] document)
    {
        var bytes = new List<byte>(document);
        for (var i = _random.Next(1, 4); i > 0 && bytes.Count > 0; i--)
        {
            var at = _random.Next(bytes.Count);
            var pick = (byte)"{}[]\",:\\0123456789eE+-.tfnu \x01\xC3\xFF"[_random.Next(24)];
            switch (_random.Next(3))
            {
                case 0: bytes.RemoveAt(at); break;
                case 1: bytes.Insert(at, pick); break;
                default: bytes[at] = pick; break;
            }
        }

        return [.. bytes];
    }

    private string Ws() => Whitespace[_random.Next(Whitespace.Length)];

    private string Value(int depth) => (depth > 5 ? _random.Next(4) : _random.Next(7)) switch
    {
        0 => Number(),
        1 => String(),
        2 => new[] { "true", "false", "null" }[_random.Next(3)],
        3 => String(),
        4 or 5 => Object(depth),
        _ => Array(depth),
    };

    private string Object(int depth)
    {
        var members = Enumerable.Range(0, _random.Next(5)).Select(_ => $"{Ws()}{Key()}{Ws()}:{Ws()}{Value(depth + 1)}{Ws()}");
        return "{" + string.Join(",", members) + Ws() + "}";
    }

    private string Array(int depth) =>
        "[" + string.Join(",", Enumerable.Range(0, _random.Next(5)).Select(_ => Ws() + Value(depth + 1) + Ws())) + Ws() + "]";

    private string Key() => _random.Next(4) switch
    {
        0 => "\"type\"",
        1 => "\"data\"",
        2 => "\"conversation_id\"",
        _ => String(),
    };

    private string Number()
    {
        var sb = new StringBuilder();
        if (_random.Next(3) == 0)
        {
            sb.Append('-');
        }

        sb.Append(_random.Next(3) == 0 ? "0" : _random.Next(1, 100000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (_random.Next(3) == 0)
        {
            sb.Append('.').Append(_random.Next(1000));
        }

        if (_random.Next(4) == 0)
        {
            sb.Append("eE"[_random.Next(2)]).Append(new[] { "", "+", "-" }[_random.Next(3)]).Append(_random.Next(300));
        }

        return sb.ToString();
    }

    private string String()
    {
        var parts = new[] { "abc", "\\\"", "\\\\", "\\/", "\\n", "\\u00e9", "\\uD83D\\uDE00", "é", "日本", "😀", " ", "QUJD", "x" };
        return "\"" + string.Concat(Enumerable.Range(0, _random.Next(6)).Select(_ => parts[_random.Next(parts.Length)])) + "\"";
    }
}

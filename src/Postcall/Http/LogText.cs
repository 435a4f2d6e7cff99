using System.Globalization;
using System.Text;

namespace Postcall.Http;

/// <summary>
/// Text a client controls (a path, an event type, a header) made safe for one log line: control characters, line and
/// paragraph separators and bidirectional overrides are written as <c>\xHH</c> / <c>\uHHHH</c> escapes, so nothing can
/// start a forged line, move the cursor or reorder what an operator reads; and anything past a limit is cut, saying
/// how much was cut, so one request cannot write a megabyte into the log.
/// </summary>
public static class LogText
{
    public const int DefaultMaxLength = 200;

    public static string? Neutralize(string? value, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (value is null)
        {
            return null;
        }

        var kept = Math.Min(value.Length, maxLength);
        if (kept == value.Length && !value.AsSpan().ContainsAny(Unsafe))
        {
            return value;
        }

        var text = new StringBuilder(kept + 32);
        foreach (var c in value.AsSpan(0, kept))
        {
            if (Unsafe.Contains(c))
            {
                text.Append(c <= 0xFF ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}");
            }
            else
            {
                text.Append(c);
            }
        }

        if (kept < value.Length)
        {
            text.Append(CultureInfo.InvariantCulture, $"…(+{value.Length - kept} chars)");
        }

        return text.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(i => (char)i), .. Enumerable.Range(0x7F, 0x21).Select(i => (char)i),
         '\u2028', '\u2029', .. Enumerable.Range(0x202A, 5).Select(i => (char)i), .. Enumerable.Range(0x2066, 4).Select(i => (char)i)]);
}

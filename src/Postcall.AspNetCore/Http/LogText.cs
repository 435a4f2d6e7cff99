using System.Globalization;
using System.Text;

namespace Postcall.Http;

/// <summary>
/// Text a client controls (a path, an event type, a header) made safe for one log line: control characters, line and
/// paragraph separators and bidirectional overrides are written as <c>\xHH</c> / <c>\uHHHH</c> escapes, so nothing can
/// start a forged line, move the cursor or reorder what an operator reads; and anything past a limit is cut, saying
/// how much was cut, so one request cannot write a megabyte into the log.
/// </summary>
internal static class LogText
{
    public const int DefaultMaxLength = 200;

    public static string? Neutralize(string? value, int maxLength = DefaultMaxLength) => Neutralize(value, maxLength, Unsafe);

    /// <summary>
    /// Text a remote party controls, as it is stored: control characters escaped as in a log line (line breaks and tabs
    /// kept when <paramref name="keepLineBreaks"/>), then cut to at most <paramref name="maxLength"/> characters, the
    /// last one an ellipsis when something was cut. Keeping kept text again changes nothing.
    /// </summary>
    public static string? Keep(string? value, int maxLength, bool keepLineBreaks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var escaped = Neutralize(value, int.MaxValue, keepLineBreaks ? UnsafeButLineBreaks : Unsafe);
        if (escaped is null || escaped.Length <= maxLength)
        {
            return escaped;
        }

        var cut = char.IsHighSurrogate(escaped[maxLength - 2]) ? maxLength - 2 : maxLength - 1;
        return string.Concat(escaped.AsSpan(0, cut), "…");
    }

    private static string? Neutralize(string? value, int maxLength, System.Buffers.SearchValues<char> unsafeChars)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (value is null)
        {
            return null;
        }

        var kept = Math.Min(value.Length, maxLength);
        if (kept == value.Length && !value.AsSpan().ContainsAny(unsafeChars))
        {
            return value;
        }

        var text = new StringBuilder(kept + 32);
        foreach (var c in value.AsSpan(0, kept))
        {
            if (unsafeChars.Contains(c))
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

    private static readonly char[] UnsafeChars =
        [.. Enumerable.Range(0, 0x20).Select(i => (char)i), .. Enumerable.Range(0x7F, 0x21).Select(i => (char)i),
         '\u2028', '\u2029', .. Enumerable.Range(0x202A, 5).Select(i => (char)i), .. Enumerable.Range(0x2066, 4).Select(i => (char)i)];

    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(UnsafeChars);

    private static readonly System.Buffers.SearchValues<char> UnsafeButLineBreaks =
        System.Buffers.SearchValues.Create([.. UnsafeChars.Where(c => c is not ('\n' or '\r' or '\t'))]);
}

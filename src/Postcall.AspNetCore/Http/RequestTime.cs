using System.Globalization;
using System.Text.Json;

namespace Postcall.Http;

/// <summary>A time in a request body: an ISO date (UTC midnight), an ISO date-time (UTC unless it says otherwise) or Unix seconds, as a number or a string.</summary>
internal static class RequestTime
{
    /// <summary>The body's <c>until</c>: now when absent or null; false with <paramref name="until"/> unset when it is not a time.</summary>
    public static bool TryParseUntil(JsonElement body, DateTimeOffset now, out long until)
    {
        until = now.ToUnixTimeSeconds();
        if (!body.TryGetProperty("until", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (Parse(value) is not { } parsed)
        {
            return false;
        }

        until = parsed;
        return true;
    }

    /// <summary>Unix seconds, or null when it is none of those.</summary>
    public static long? Parse(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return value.TryGetInt64(out var seconds) && seconds >= 0 ? seconds : null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            return null;
        }

        if (text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
        {
            return unix;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time.ToUnixTimeSeconds()
            : null;
    }
}

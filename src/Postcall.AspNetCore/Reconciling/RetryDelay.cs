using System.Globalization;
using System.Net.Http.Headers;

namespace Postcall.Reconciling;

/// <summary>
/// How long to wait before asking the API again after a 429 or a 5xx, as ElevenLabs' own SDKs do: what the answer
/// says (<c>retry-after-ms</c>, <c>Retry-After</c> in seconds or as a date, <c>X-RateLimit-Reset</c> in Unix
/// seconds), else 1 s doubling per attempt with jitter, capped at a minute.
/// </summary>
internal static class RetryDelay
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    /// <summary>What an answer may ask for at most: beyond it the item waits for a later sweep instead.</summary>
    public static readonly TimeSpan MaxRequested = TimeSpan.FromMinutes(10);

    /// <param name="attempt">0 for the first retry.</param>
    /// <param name="jitter">A number in [0, 1).</param>
    public static TimeSpan For(HttpResponseHeaders headers, int attempt, double jitter, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Requested(headers, now) is { } requested
            ? TimeSpan.FromTicks(Math.Clamp(requested.Ticks, 0, MaxRequested.Ticks))
            : Backoff(attempt, jitter);
    }

    /// <summary>1 s · 2^attempt, less up to a quarter at random so that clients that failed together do not return together.</summary>
    public static TimeSpan Backoff(int attempt, double jitter)
    {
        var full = Math.Min(Math.Pow(2, Math.Clamp(attempt, 0, 16)), MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(full * (1 - (0.25 * Math.Clamp(jitter, 0, 1))));
    }

    private static TimeSpan? Requested(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (First(headers, "retry-after-ms") is { } ms && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds)
            && milliseconds >= 0 && double.IsFinite(milliseconds))
        {
            return TimeSpan.FromMilliseconds(Math.Min(milliseconds, MaxRequested.TotalMilliseconds));
        }

        if (headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta;
            }

            if (retryAfter.Date is { } date)
            {
                return date - now;
            }
        }

        if (First(headers, "X-RateLimit-Reset") is { } reset && long.TryParse(reset, NumberStyles.None, CultureInfo.InvariantCulture, out var unix)
            && unix < DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return DateTimeOffset.FromUnixTimeSeconds(unix) - now;
        }

        return null;
    }

    private static string? First(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;
}

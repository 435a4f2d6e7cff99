using System.Globalization;

namespace Postcall.Forwarding;

/// <summary>
/// When each attempt of a forward is made: one wait per attempt, the first counted from the delivery and each other
/// from the failure before it. The default is immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h: about
/// 27 hours in all. Each wait but a zero one is stretched or shortened by up to a tenth at random, so receivers
/// coming back are not met by every forward at once.
/// </summary>
internal sealed class RetrySchedule
{
    public const string DefaultText = "0s,5s,5m,30m,2h,5h,10h,10h";
    public const double Jitter = 0.1;
    private const int MaxAttempts = 100;
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(7);

    public RetrySchedule(IReadOnlyList<TimeSpan> waits)
    {
        ArgumentNullException.ThrowIfNull(waits);
        Waits = waits;
    }

    public static RetrySchedule Default { get; } = Parse(DefaultText, out _)!;

    public IReadOnlyList<TimeSpan> Waits { get; }

    public int Attempts => Waits.Count;

    /// <summary>The wait before attempt <paramref name="step"/> (0-based, counted from the last replay), jittered; null when there is none.</summary>
    public TimeSpan? WaitBefore(int step) => step < Waits.Count ? Jittered(Waits[step]) : null;

    public static TimeSpan Jittered(TimeSpan wait) =>
        wait <= TimeSpan.Zero ? TimeSpan.Zero : wait * (1 + ((Random.Shared.NextDouble() * 2) - 1) * Jitter);

    /// <summary>Parses <c>0s,5s,5m,30m,2h</c>: whole numbers with a unit of ms, s, m, h or d, comma-separated.</summary>
    public static RetrySchedule? Parse(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        var waits = new List<TimeSpan>();
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Hosting.Duration.TryParse(entry, out var wait) || wait > MaxWait)
            {
                problem = $"entry '{entry}' is not a wait such as 0s, 500ms, 5m, 2h or 1d (at most 7 days)";
                return null;
            }

            waits.Add(wait);
        }

        if (waits.Count > MaxAttempts)
        {
            problem = $"has {waits.Count} attempts; at most {MaxAttempts}";
            return null;
        }

        problem = null;
        return new RetrySchedule(waits);
    }

    public override string ToString() => string.Join(',', Waits.Select(w => w.TotalMilliseconds % 1000 != 0
        ? string.Create(CultureInfo.InvariantCulture, $"{(long)w.TotalMilliseconds}ms")
        : string.Create(CultureInfo.InvariantCulture, $"{(long)w.TotalSeconds}s")));
}

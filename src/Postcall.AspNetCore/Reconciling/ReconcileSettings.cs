using Postcall.Hosting;

namespace Postcall.Reconciling;

/// <summary>When and how far back the background sweep compares the archive with ElevenLabs' Conversations API.</summary>
internal sealed record ReconcileSettings
{
    public const string IntervalVariable = "POSTCALL_RECONCILE_INTERVAL";
    public const string WindowVariable = "POSTCALL_RECONCILE_WINDOW";
    public const string GraceVariable = "POSTCALL_RECONCILE_GRACE";
    public const string AgentsVariable = "POSTCALL_RECONCILE_AGENTS";

    /// <summary>Between background sweeps; null (<c>off</c>): only one-off reconciles run.</summary>
    public TimeSpan? Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How far back a background sweep looks.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(48);

    /// <summary>
    /// After a call's end, how long its webhooks get before it is fetched: ElevenLabs' retries of a transcription last
    /// about 40 minutes. A recording the transcription promised is fetched once the missing-audio check (15 minutes)
    /// would flag it.
    /// </summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromMinutes(45);

    /// <summary>The agents to reconcile; none: every agent the key sees.</summary>
    public IReadOnlyList<string> Agents { get; init; } = [];

    public static ReconcileSettings Parse(Func<string, string?> read, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(errors);
        var defaults = new ReconcileSettings();
        var interval = read(IntervalVariable)?.Trim();
        return new ReconcileSettings
        {
            Interval = string.Equals(interval, "off", StringComparison.OrdinalIgnoreCase) ? null
                : Positive(interval, IntervalVariable, defaults.Interval!.Value, errors),
            Window = Positive(read(WindowVariable), WindowVariable, defaults.Window, errors),
            Grace = Positive(read(GraceVariable), GraceVariable, defaults.Grace, errors, allowZero: true),
            Agents = PostcallSettings.ParseList(read(AgentsVariable)),
        };
    }

    private static TimeSpan Positive(string? value, string name, TimeSpan fallback, List<string> errors, bool allowZero = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (Duration.TryParse(value.Trim(), out var duration) && (duration > TimeSpan.Zero || allowZero) && duration <= TimeSpan.FromDays(3650))
        {
            return duration;
        }

        errors.Add($"{name} must be a duration such as 30s, 5m, 48h or 2d{(name == IntervalVariable ? ", or off" : string.Empty)} (got '{value}').");
        return fallback;
    }
}

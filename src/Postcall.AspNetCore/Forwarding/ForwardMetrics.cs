using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Postcall.Forwarding;

/// <summary>
/// Forwarding's instruments, in the <c>Postcall</c> meter: forwards by outcome, attempts by result, and per destination
/// the pending forwards, the dead ones and the age of the oldest pending one. Tagged by destination id, never by URL.
/// </summary>
internal sealed class ForwardMetrics
{
    private readonly Counter<long> _forwards;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _attemptDuration;
    private volatile IReadOnlyList<Measurement<long>> _pending = [];
    private volatile IReadOnlyList<Measurement<long>> _dead = [];
    private volatile IReadOnlyList<Measurement<double>> _oldest = [];

    public ForwardMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(Observability.PostcallMetrics.MeterName);
        _forwards = meter.CreateCounter<long>("postcall.forwards", "{forward}",
            "Forwards that ended an attempt, by destination and outcome (delivered, retrying, dead).");
        _attempts = meter.CreateCounter<long>("postcall.forward.attempts", "{attempt}",
            "Requests made to destinations, by destination and result (2xx, 4xx, 5xx, timeout, error).");
        _attemptDuration = meter.CreateHistogram<double>("postcall.forward.attempt.duration", "s", "How long each request to a destination took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        meter.CreateObservableGauge("postcall.forwards.pending", () => _pending, "{forward}", "Forwards waiting to be delivered, by destination.");
        meter.CreateObservableGauge("postcall.forwards.dead", () => _dead, "{forward}", "Forwards whose every attempt failed, kept for replay, by destination.");
        meter.CreateObservableGauge("postcall.forwards.oldest_pending.age", () => _oldest, "s",
            "Age of the oldest forward still waiting, by destination (0 when none waits).");
    }

    internal void Attempted(string destinationId, ForwardAttempt attempt, string outcome)
    {
        var result = attempt.StatusCode is { } status ? $"{status / 100}xx" : attempt.Error?.StartsWith("timed out", StringComparison.Ordinal) == true ? "timeout" : "error";
        _attempts.Add(1, new TagList { { "destination", destinationId }, { "result", result } });
        _attemptDuration.Record(attempt.Duration.TotalSeconds, new KeyValuePair<string, object?>("destination", destinationId));
        _forwards.Add(1, new TagList { { "destination", destinationId }, { "outcome", outcome } });
    }

    internal void Observe(IReadOnlyList<DestinationHealth> health, DateTimeOffset now)
    {
        _pending = [.. health.Select(h => new Measurement<long>(h.Pending, Tag(h)))];
        _dead = [.. health.Select(h => new Measurement<long>(h.Dead, Tag(h)))];
        _oldest = [.. health.Select(h => new Measurement<double>(h.OldestPending is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0, Tag(h)))];
    }

    private static KeyValuePair<string, object?> Tag(DestinationHealth health) => new("destination", health.DestinationId);
}

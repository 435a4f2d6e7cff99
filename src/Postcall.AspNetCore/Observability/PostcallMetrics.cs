using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Postcall.Observability;

/// <summary>
/// Postcall's own instruments, in one <see cref="Meter"/> named <c>Postcall</c>. Exported at <c>/metrics</c> as, for
/// example, <c>postcall_deliveries_total</c>. Tags never carry payload content or conversation ids (cardinality).
/// </summary>
internal sealed class PostcallMetrics
{
    public const string MeterName = "Postcall";

    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _signatureFailures;
    private readonly Counter<long> _storedBytes;
    private readonly Histogram<double> _storageWriteDuration;
    private readonly Counter<long> _audioDecodedBytes;
    private readonly Histogram<double> _audioDecodeThroughput;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Counter<long> _indexFailures;
    private readonly Histogram<double> _engineDuration;
    private readonly Counter<long> _engineErrors;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _started;
    private readonly Meter _meter;
    private long _lastSuccessTicks;
    private long _awaitingAudio = -1;

    public PostcallMetrics(IMeterFactory meterFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _time = time;
        _started = time.GetUtcNow();
        var meter = _meter = meterFactory.Create(MeterName);
        _deliveries = meter.CreateCounter<long>("postcall.deliveries", "{delivery}",
            "Post-call deliveries by webhook type and outcome (stored, duplicate, rejected, storage_failure, aborted).");
        _signatureFailures = meter.CreateCounter<long>("postcall.signature.failures", "{delivery}",
            "Deliveries refused for their signature, by reason.");
        _storedBytes = meter.CreateCounter<long>("postcall.stored.bytes", "By", "Payload bytes written, by webhook type.");
        _storageWriteDuration = meter.CreateHistogram<double>("postcall.storage.write.duration", "s",
            "Time to make a payload durable: fsync, compare, rename, folder fsyncs.", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _audioDecodedBytes = meter.CreateCounter<long>("postcall.audio.decoded.bytes", "By", "MP3 bytes decoded from full_audio.");
        _audioDecodeThroughput = meter.CreateHistogram<double>("postcall.audio.decode.throughput", "By/s",
            "Decode speed of each audio delivery: request body bytes per second of parsing and decoding.", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [1e6, 5e6, 1e7, 2.5e7, 5e7, 1e8, 2.5e8, 5e8, 1e9, 2.5e9] });
        _inFlight = meter.CreateUpDownCounter<long>("postcall.deliveries.in_flight", "{delivery}", "Deliveries being received right now.");
        _indexFailures = meter.CreateCounter<long>("postcall.index.failures", "{conversation}",
            "Conversations the index could not be updated for; their files are stored, and the next reindex repairs it.");
        _engineDuration = meter.CreateHistogram<double>("postcall.engine.duration", "s",
            "Time of each call to a shared engine (postgresql, object_store), by engine and operation.", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _engineErrors = meter.CreateCounter<long>("postcall.engine.errors", "{call}",
            "Calls to a shared engine (postgresql, object_store) that failed, by engine and operation.");
        meter.CreateObservableGauge("postcall.delivery.last_success.age", ObserveLastSuccessAge, "s",
            "Seconds since the last delivery answered 200 (since start-up, before the first).");
        meter.CreateObservableGauge("postcall.calls.awaiting_audio", ObserveAwaitingAudio, "{call}",
            "Calls whose transcription says has_audio but whose recording had not arrived 15 minutes later (ElevenLabs never retries audio).");
    }

    /// <summary>When a delivery was last answered 200 by this instance; null before the first.</summary>
    internal DateTimeOffset? LastSuccess => Interlocked.Read(ref _lastSuccessTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>A gauge per ElevenLabs webhook: 1 while it is disabled (by a person or automatically), else 0.</summary>
    internal void ObserveWebhooks(Func<IEnumerable<(string WebhookId, bool Disabled)>> webhooks) =>
        _meter.CreateObservableGauge("postcall.elevenlabs.webhook.disabled",
            () => webhooks().Select(w => new Measurement<int>(w.Disabled ? 1 : 0, new KeyValuePair<string, object?>("webhook_id", w.WebhookId))),
            "{webhook}", "1 while ElevenLabs reports the webhook disabled or auto-disabled (no call reaches Postcall through it), else 0.");

    /// <summary>The latest count of calls whose promised recording is missing.</summary>
    internal void AwaitingAudio(long calls) => Interlocked.Exchange(ref _awaitingAudio, calls);

    private IEnumerable<Measurement<long>> ObserveAwaitingAudio() =>
        Interlocked.Read(ref _awaitingAudio) is var calls and >= 0 ? [new Measurement<long>(calls)] : [];

    /// <summary>Gauges of what is arriving before its signature is checked: bytes on disk, and bodies.</summary>
    internal void Observe(Receiving.UnverifiedAdmission admission)
    {
        _meter.CreateObservableGauge("postcall.unverified.bytes", () => admission.Bytes, "By",
            "Bytes of bodies being received whose signature is not checked yet (bounded by POSTCALL_UNVERIFIED_MAX_BYTES).");
        _meter.CreateObservableGauge("postcall.unverified.bodies", () => admission.Bodies, "{body}",
            "Bodies being received whose signature is not checked yet, waiting ones not counted.");
    }

    internal void DeliveryStarted() => _inFlight.Add(1);

    internal void DeliveryFinished(string webhookType, string outcome, string? errorCode)
    {
        _inFlight.Add(-1);
        var tags = new TagList { { "webhook.type", webhookType }, { "outcome", outcome } };
        if (errorCode is not null)
        {
            tags.Add("error.code", errorCode);
        }

        _deliveries.Add(1, tags);
        if (outcome is "stored" or "duplicate")
        {
            Interlocked.Exchange(ref _lastSuccessTicks, _time.GetUtcNow().UtcTicks);
        }
    }

    internal void SignatureFailed(string reason) => _signatureFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal void Stored(string webhookType, long bytes, TimeSpan writeDuration)
    {
        _storedBytes.Add(bytes, new KeyValuePair<string, object?>("webhook.type", webhookType));
        _storageWriteDuration.Record(writeDuration.TotalSeconds, new KeyValuePair<string, object?>("webhook.type", webhookType));
    }

    internal void IndexFailed(int conversations) => _indexFailures.Add(conversations);

    /// <summary>One call to PostgreSQL or the object store: <paramref name="operation"/> is a fixed name, never an id.</summary>
    internal void EngineCall(string engine, string operation, TimeSpan elapsed, bool failed)
    {
        var tags = new TagList { { "engine", engine }, { "operation", operation } };
        _engineDuration.Record(elapsed.TotalSeconds, tags);
        if (failed)
        {
            _engineErrors.Add(1, tags);
        }
    }

    internal void AudioDecoded(long decodedBytes, long bodyBytes, TimeSpan elapsed)
    {
        _audioDecodedBytes.Add(decodedBytes);
        if (elapsed > TimeSpan.Zero)
        {
            _audioDecodeThroughput.Record(bodyBytes / elapsed.TotalSeconds);
        }
    }

    private double ObserveLastSuccessAge()
    {
        var last = Interlocked.Read(ref _lastSuccessTicks);
        var since = last == 0 ? _started : new DateTimeOffset(last, TimeSpan.Zero);
        return (_time.GetUtcNow() - since).TotalSeconds;
    }
}

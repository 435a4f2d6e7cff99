using System.Threading.Channels;
using Postcall.Coordination;
using Postcall.Forwarding;
using Postcall.Hosting;

namespace Postcall.Reconciling;

/// <summary>
/// Runs the sweeps, one at a time across every instance (the <c>reconcile</c> lease): one-off reconciles as they are
/// asked for, and with <c>POSTCALL_RECONCILE_INTERVAL</c> a background sweep every interval. A background sweep lists
/// from where the last complete one settled everything (less an overlap), and the whole window about once an hour.
/// A sweep cut short (a crash, a stop) is run again after the restart: storing is idempotent, so nothing is fetched
/// twice.
/// </summary>
internal sealed partial class ReconcileService(Reconciler reconciler, ConversationsApi api, WebhookHealth webhooks, ISweepLedger ledger, IJobLeases leases,
    ForwardDispatcher outboxReady, PostcallSettings settings, TimeProvider time, ILogger<ReconcileService> logger) : BackgroundService
{
    public const string Job = "reconcile";

    /// <summary>Listed again by each incremental sweep, before where the last one settled everything.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(15);

    /// <summary>The whole window is listed again at least this often.</summary>
    public static readonly TimeSpan FullSweepEvery = TimeSpan.FromHours(1);

    /// <summary>A running sweep not saved for this long was cut short.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan LeaseRetry = TimeSpan.FromSeconds(2);

    private readonly Channel<SweepRecord> _oneOffs = Channel.CreateUnbounded<SweepRecord>();

    /// <summary>Sweeps saved since this instance was made are its own (asked for since, queued already), never cut short.</summary>
    private readonly DateTimeOffset _created = time.GetUtcNow();
    private DateTimeOffset _nextBackground = DateTimeOffset.MinValue;
    private DateTimeOffset _lastFull = DateTimeOffset.MinValue;

    /// <summary>Records a one-off sweep and queues it; it runs when no other sweep does.</summary>
    public async Task<SweepRecord> StartAsync(long since, long until, IReadOnlyList<string> agents, bool dryRun, CancellationToken cancellationToken)
    {
        await outboxReady.WhenReadyAsync();
        var now = time.GetUtcNow();
        var sweep = new SweepRecord(NewId(), SweepRecord.OneOff, since, until, agents, dryRun, SweepRecord.Running, now, now, null, null, new SweepReport());
        await ledger.SaveSweepAsync(sweep, cancellationToken);
        _oneOffs.Writer.TryWrite(sweep);
        return sweep;
    }

    /// <summary>A sweep as an answer shows it: a running one not saved for a while says it was interrupted.</summary>
    public SweepRecord Describe(SweepRecord sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return sweep.Status == SweepRecord.Running && time.GetUtcNow() - sweep.UpdatedAt > StaleAfter ? sweep with { Status = SweepRecord.Interrupted } : sweep;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!api.IsEnabled)
        {
            return;
        }

        await Task.Yield();
        await ResumeInterruptedAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await outboxReady.WhenReadyAsync();
                if (_oneOffs.Reader.TryRead(out var oneOff))
                {
                    await RunUnderLeaseAsync(oneOff, stoppingToken);
                    continue;
                }

                if (settings.Reconcile.Interval is { } interval && time.GetUtcNow() >= _nextBackground)
                {
                    _nextBackground = time.GetUtcNow() + interval;
                    await RunBackgroundAsync(stoppingToken);
                    continue;
                }

                var wait = settings.Reconcile.Interval is null ? Timeout.InfiniteTimeSpan : _nextBackground - time.GetUtcNow();
                using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                if (wait != Timeout.InfiniteTimeSpan)
                {
                    timer.CancelAfter(wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
                }

                try
                {
                    await _oneOffs.Reader.WaitToReadAsync(timer.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Time for the background sweep.
                }
            }
            catch (OutboxUnavailableException e)
            {
                LedgerUnavailable(logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(30), time, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A lost lease, or anything unforeseen: never the host's end. The sweep shows as interrupted and is
                // run again (one-off) or replaced by the next one (background).
                SweepStopped(logger, e.GetType().Name, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(30), time, stoppingToken);
            }
        }
    }

    /// <summary>
    /// One-off sweeps that were running when this instance (or another) stopped are run again. Alone with its
    /// storage, an instance that starts knows every sweep still running was its own, cut short; shared, it goes by
    /// whether the sweep is still being saved.
    /// </summary>
    private async Task ResumeInterruptedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await outboxReady.WhenReadyAsync();
            foreach (var sweep in await ledger.RecentSweepsAsync(50, cancellationToken))
            {
                var cutShort = sweep.Status == SweepRecord.Running && sweep.UpdatedAt < _created
                    && (!settings.IsShared || Describe(sweep).Status == SweepRecord.Interrupted);
                if (sweep.Trigger == SweepRecord.OneOff && cutShort)
                {
                    Resuming(logger, sweep.Id);
                    _oneOffs.Writer.TryWrite(sweep with { Report = new SweepReport() });
                }
            }
        }
        catch (OutboxUnavailableException e)
        {
            LedgerUnavailable(logger, e.Message);
        }
    }

    private async Task RunBackgroundAsync(CancellationToken cancellationToken)
    {
        await using var lease = await leases.TryAcquireAsync(Job, cancellationToken);
        if (lease is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        var windowStart = (now - settings.Reconcile.Window).ToUnixTimeSeconds();
        var since = windowStart;
        var full = now - _lastFull >= FullSweepEvery;
        if (!full && await LastCompleteBackgroundAsync(cancellationToken) is { Reach: { } reach })
        {
            since = Math.Max(windowStart, reach - (long)Overlap.TotalSeconds);
        }

        var sweep = new SweepRecord(NewId(), SweepRecord.Background, since, now.ToUnixTimeSeconds(), settings.Reconcile.Agents, false,
            SweepRecord.Running, now, now, null, null, new SweepReport());
        await ledger.SaveSweepAsync(sweep, cancellationToken);
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        await webhooks.CheckAsync(both.Token);
        var ended = await reconciler.RunAsync(sweep, both.Token);
        if (full && ended.Status == SweepRecord.Completed)
        {
            _lastFull = now;
        }
    }

    private async Task<SweepRecord?> LastCompleteBackgroundAsync(CancellationToken cancellationToken) =>
        (await ledger.RecentSweepsAsync(20, cancellationToken)).FirstOrDefault(s => s.Trigger == SweepRecord.Background && s.Status == SweepRecord.Completed);

    private async Task RunUnderLeaseAsync(SweepRecord sweep, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var lease = await leases.TryAcquireAsync(Job, cancellationToken);
            if (lease is not null)
            {
                using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
                await webhooks.CheckAsync(both.Token);
                await reconciler.RunAsync(sweep with { UpdatedAt = time.GetUtcNow() }, both.Token);
                return;
            }

            // Another instance sweeps now; this one waits its turn, saying it is alive.
            await ledger.SaveSweepAsync(sweep with { UpdatedAt = time.GetUtcNow() }, cancellationToken);
            await Task.Delay(LeaseRetry, time, cancellationToken);
        }
    }

    private static string NewId() => "swp_" + Guid.CreateVersion7().ToString("N");

    [LoggerMessage(EventId = 6010, EventName = "ReconcileResuming", Level = LogLevel.Information,
        Message = "Sweep {SweepId} was cut short; running it again")]
    private static partial void Resuming(ILogger logger, string sweepId);

    [LoggerMessage(EventId = 6012, EventName = "ReconcileSweepStopped", Level = LogLevel.Warning,
        Message = "A sweep stopped before its end ({ErrorType}: {ErrorMessage}); the next one goes on in 30 s")]
    private static partial void SweepStopped(ILogger logger, string errorType, string errorMessage);

    [LoggerMessage(EventId = 6011, EventName = "ReconcileLedgerUnavailable", Level = LogLevel.Warning,
        Message = "Sweeps cannot be recorded now (tried again in 30 s): {Reason}")]
    private static partial void LedgerUnavailable(ILogger logger, string reason);
}

using System.Collections.Concurrent;
using Postcall.Handlers;

namespace Postcall.Forwarding;

/// <summary>
/// Sends what the outbox says is due. Every half second, or as soon as a delivery records forwards, it claims due
/// forwards of each enabled destination up to that destination's free places (its concurrency limit less what this
/// instance is already sending there), and sends each on its own task: a slow or failing destination holds only its
/// own places, never another's, nor ingest. After each attempt the outbox records it and moves the forward on.
/// </summary>
internal sealed partial class ForwardDispatcher(IForwardOutbox outbox, ForwardSender sender, HandlerDestinations handlers, HandlerInvoker invoker,
    ForwardSettings settings, TimeProvider time, ForwardMetrics metrics, ILogger<ForwardDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(15);

    /// <summary>How long a caller waits for the outbox to be opened after start-up before it is refused (a delivery: 503).</summary>
    private static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(10);

    /// <summary>How long past its timeout a claim outlives a send, for the outbox write after it.</summary>
    private static readonly TimeSpan ClaimMargin = TimeSpan.FromMinutes(2);

    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ConcurrentDictionary<string, int> _sending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _inFlight = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _unavailableLogged;
    private volatile string? _openFailure;

    /// <summary>Who holds this instance's claims: unique per process.</summary>
    public string Holder { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Looks for due work now rather than at the next poll.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    /// <summary>
    /// Completes once the outbox is open and holds the environment's destinations: what a delivery waits for before
    /// its forwards are recorded, so none misses a destination listed in <c>POSTCALL_FORWARD_URLS</c>. Opening it is
    /// kept off start-up's path.
    /// </summary>
    public Task Ready => _synced.Task;

    /// <summary>Why the outbox could not be opened at the last try, while it is still not open; null otherwise.</summary>
    public string? OpenFailure => _synced.Task.IsCompleted ? null : _openFailure;

    /// <summary>
    /// Waits for <see cref="Ready"/>: what a delivery does before recording its forwards, and the API before it reads or
    /// changes destinations, so neither sees the outbox without the environment's destinations. Throws
    /// <see cref="OutboxUnavailableException"/> when opening it failed, or has not finished within <see cref="ReadyWait"/>.
    /// </summary>
    public async Task WhenReadyAsync()
    {
        if (OpenFailure is { } failure)
        {
            // Tried and failed: no use making the caller wait.
            throw new OutboxUnavailableException(failure, new InvalidOperationException(failure));
        }

        try
        {
            await Ready.WaitAsync(ReadyWait);
        }
        catch (TimeoutException e)
        {
            throw new OutboxUnavailableException("The forwarding outbox has not opened yet (see the log).", e);
        }
    }

    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        if (!_synced.Task.IsCompleted)
        {
            await outbox.InitializeAsync(cancellationToken);
            await EnvironmentDestinations.SyncAsync(outbox, settings, time, cancellationToken);
            await handlers.SyncAsync(outbox, time, cancellationToken);
            _synced.TrySetResult();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the thread that starts the host: the outbox opens while the server goes on starting, not before it.
        await Task.Yield();
        var nextHealth = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(stoppingToken);
                var destinations = await outbox.DestinationsAsync(stoppingToken);
                // A handler only an instance of another version has is left to it: its forwards wait, pending, never dead.
                foreach (var destination in destinations.Where(d => d.Enabled && handlers.CanRun(d)))
                {
                    await ClaimAndSendAsync(destination, stoppingToken);
                }

                if (time.GetUtcNow() >= nextHealth)
                {
                    nextHealth = time.GetUtcNow() + HealthInterval;
                    metrics.Observe(await outbox.HealthAsync(stoppingToken), time.GetUtcNow());
                }

                _unavailableLogged = false;
            }
            catch (OutboxUnavailableException e)
            {
                _openFailure = e.Message;
                if (!_unavailableLogged)
                {
                    _unavailableLogged = true;
                    OutboxUnavailable(logger, e.Message);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await _wake.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // Sends in flight were cancelled with the host; each gives its claim back as it ends.
        await Task.WhenAll(_inFlight.Keys);
    }

    private async Task ClaimAndSendAsync(Destination destination, CancellationToken stoppingToken)
    {
        var free = destination.Concurrency - _sending.GetValueOrDefault(destination.Id);
        if (free <= 0)
        {
            return;
        }

        var claimed = await outbox.ClaimAsync(destination.Id, free, Holder, time.GetUtcNow() + destination.Timeout + ClaimMargin, stoppingToken);
        foreach (var forward in claimed)
        {
            _sending.AddOrUpdate(destination.Id, 1, (_, n) => n + 1);
            var task = Task.Run(() => SendAsync(destination, forward, stoppingToken), CancellationToken.None);
            _inFlight[task] = true;
            _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task SendAsync(Destination destination, Forward forward, CancellationToken stoppingToken)
    {
        try
        {
            var outcome = handlers.Find(destination) is { } handler
                ? await invoker.InvokeAsync(handler, destination, forward, stoppingToken)
                : await sender.SendAsync(destination, forward, stoppingToken);
            if (stoppingToken.IsCancellationRequested && !outcome.Attempt.Succeeded)
            {
                // Stopped mid-send: not the receiver's failure. Give the claim back; it is sent after the restart.
                await ReleaseQuietlyAsync(forward);
                return;
            }

            var attempt = outcome.Attempt;
            DateTimeOffset? nextDue = null;
            if (!attempt.Succeeded && outcome.MayRetry && settings.RetrySchedule.WaitBefore(forward.Step + 1) is { } wait)
            {
                var notBefore = outcome.NotBefore is { } retryAfter && retryAfter > wait ? TimeSpan.FromTicks(Math.Min(retryAfter.Ticks, TimeSpan.FromDays(1).Ticks)) : wait;
                nextDue = time.GetUtcNow() + notBefore;
            }

            await outbox.CompleteAttemptAsync(forward, Holder, attempt, nextDue, CancellationToken.None);
            var result = attempt.Succeeded ? "delivered" : nextDue is null ? "dead" : "retrying";
            metrics.Attempted(destination.Id, attempt, result);
            if (attempt.Succeeded)
            {
                Delivered(logger, forward.Id, destination.Id, forward.Kind.Name, attempt.Number, attempt.StatusCode ?? 0);
            }
            else if (nextDue is null)
            {
                Dead(logger, forward.Id, destination.Id, forward.Kind.Name, attempt.Number, attempt.StatusCode ?? 0);
            }
            else
            {
                Retrying(logger, forward.Id, destination.Id, attempt.Number, attempt.StatusCode ?? 0, nextDue.Value);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await ReleaseQuietlyAsync(forward);
        }
        catch (OutboxUnavailableException e)
        {
            // The attempt happened but could not be recorded: the claim lapses and the forward is sent again (at least once).
            AttemptNotRecorded(logger, forward.Id, e.Message);
        }
        finally
        {
            _sending.AddOrUpdate(destination.Id, 0, (_, n) => n - 1);
            Wake();
        }
    }

    /// <summary>Gives a claim back while stopping; if the outbox cannot be reached the claim lapses on its own.</summary>
    private async Task ReleaseQuietlyAsync(Forward forward)
    {
        try
        {
            await outbox.ReleaseAsync(forward.Id, Holder, CancellationToken.None);
        }
        catch (OutboxUnavailableException)
        {
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _wake.Dispose();
    }

    [LoggerMessage(EventId = 5001, EventName = "ForwardDelivered", Level = LogLevel.Information,
        Message = "Forward {ForwardId} of the {Kind} reached destination {DestinationId} on attempt {Attempt} ({StatusCode})")]
    private static partial void Delivered(ILogger logger, string forwardId, string destinationId, string kind, int attempt, int statusCode);

    [LoggerMessage(EventId = 5002, EventName = "ForwardRetrying", Level = LogLevel.Warning,
        Message = "Forward {ForwardId} to destination {DestinationId} failed on attempt {Attempt} (status {StatusCode}; 0 is no answer); next attempt at {NextAttempt:O}")]
    private static partial void Retrying(ILogger logger, string forwardId, string destinationId, int attempt, int statusCode, DateTimeOffset nextAttempt);

    [LoggerMessage(EventId = 5003, EventName = "ForwardDead", Level = LogLevel.Error,
        Message = "Forward {ForwardId} of the {Kind} to destination {DestinationId} is dead after attempt {Attempt} (status {StatusCode}); it is kept and can be replayed")]
    private static partial void Dead(ILogger logger, string forwardId, string destinationId, string kind, int attempt, int statusCode);

    [LoggerMessage(EventId = 5004, EventName = "OutboxUnavailable", Level = LogLevel.Error,
        Message = "The forwarding outbox is unavailable; forwards wait until it is back: {Problem}")]
    private static partial void OutboxUnavailable(ILogger logger, string problem);

    [LoggerMessage(EventId = 5005, EventName = "AttemptNotRecorded", Level = LogLevel.Warning,
        Message = "Forward {ForwardId}: the attempt could not be recorded, so it will be made again: {Problem}")]
    private static partial void AttemptNotRecorded(ILogger logger, string forwardId, string problem);
}

using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Postcall.Observability;
using Postcall.Storage;

namespace Postcall.Index;

/// <summary>
/// Keeps the index in step with the files. Deliveries queue the conversations they wrote; one background loop
/// writes them in batches (one SQLite transaction each). At start-up it opens the index, replacing it when corrupt,
/// and brings it up to date with the folders. Nothing here can fail a delivery: the files are already durable.
/// </summary>
public sealed partial class ConversationIndexer(ConversationIndex index, PayloadStore store, PostcallMetrics metrics,
    IHostApplicationLifetime lifetime, ILogger<ConversationIndexer> logger) : BackgroundService
{
    private const int BatchSize = 128;

    /// <summary>An index that would not open is tried again at most this often, not on every delivery.</summary>
    private static readonly TimeSpan ReopenInterval = TimeSpan.FromSeconds(30);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _firstOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _open;
    private long _nextOpenAttempt;
    private CancellationToken _stopping;

    /// <summary>The index was opened; when false the read API answers 503 and readiness says why.</summary>
    public bool IsOpen => _open;

    /// <summary>Completes once the first attempt to open the index has ended, whether it succeeded or not.</summary>
    public Task FirstOpenAttempt => _firstOpen.Task;

    public ConversationIndex Index => index;

    /// <summary>The conversation as indexed; null when it is not, or when the index is closed or failing (read its files then).</summary>
    public ConversationFacts? Find(ConversationId id)
    {
        try
        {
            return _open ? index.Find(id.Value) : null;
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    /// <summary>Queues the conversation; completes with whether the index now reflects its files.</summary>
    public Task<bool> RefreshAsync(ConversationId id)
    {
        var pending = new Pending(id.Value, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Done.SetResult(false);
        }

        return pending.Done.Task;
    }

    /// <summary>
    /// Waits a bounded time for the index to take the conversation, so a caller who just stored it can list it.
    /// A slow index holds a delivery's answer no longer than that; the write still happens when its turn comes.
    /// </summary>
    public async Task RefreshSoonAsync(ConversationId id, TimeSpan wait)
    {
        try
        {
            await RefreshAsync(id).WaitAsync(wait);
        }
        catch (TimeoutException)
        {
            IndexBehind(logger, wait.TotalSeconds);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Open once the server listens: loading SQLite must not delay the first answer (deliveries just queue).
        await WhenStartedAsync(stoppingToken);
        _stopping = stoppingToken;
        var catchingUp = TryOpen() ? Task.Run(CatchUp, CancellationToken.None) : Task.CompletedTask;
        _firstOpen.TrySetResult();
        var batch = new List<Pending>(BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                Drain(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: write what was already queued, so a clean shutdown leaves nothing for the next start.
            _queue.Writer.TryComplete();
            Drain(batch);
        }

        await catchingUp;
        index.Close();
    }

    private async Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetResult()))
        {
            await started.Task;
        }
    }

    private void Drain(List<Pending> batch)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                return;
            }

            Write(batch);
        }
    }

    private void Write(List<Pending> batch)
    {
        var ok = false;
        IReadOnlyList<string> unreadable = [];
        try
        {
            if (_open || OpenLate())
            {
                unreadable = index.Refresh(batch.Select(p => p.ConversationId).Distinct(StringComparer.Ordinal), id => IndexRebuild.Read(store, id));
                ok = true;
            }
        }
        catch (Exception e)
        {
            // Whatever went wrong, the loop must live on: a dead indexer would stop the host with it.
            WriteFailed(logger, batch.Count, e.GetType().Name, e.Message);
        }

        var failed = ok ? unreadable.Count : batch.Count;
        if (failed > 0)
        {
            metrics.IndexFailed(failed);
        }

        foreach (var pending in batch)
        {
            pending.Done.TrySetResult(ok && !unreadable.Contains(pending.ConversationId));
        }
    }

    private bool TryOpen()
    {
        _nextOpenAttempt = Environment.TickCount64 + (long)ReopenInterval.TotalMilliseconds;
        try
        {
            var (opening, reason) = index.Open();
            if (opening == IndexOpening.Rebuilt)
            {
                IndexReplaced(logger, index.Path, reason ?? "unknown");
            }

            _open = true;
        }
        catch (Exception e)
        {
            OpenFailed(logger, index.Path, e.Message);
        }

        return _open;
    }

    /// <summary>The index could not be opened at start-up (say, a full disk) but can now: catch up from the files too.</summary>
    private bool OpenLate()
    {
        if (Environment.TickCount64 < _nextOpenAttempt || !TryOpen())
        {
            return false;
        }

        _ = Task.Run(CatchUp, CancellationToken.None);
        return true;
    }

    private void CatchUp()
    {
        try
        {
            var report = IndexRebuild.Run(index, store, everything: false, _stopping);
            CaughtUp(logger, report.Folders, report.Refreshed, report.Removed);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            WriteFailed(logger, 0, e.GetType().Name, e.Message);
        }
    }

    private sealed record Pending(string ConversationId, TaskCompletionSource<bool> Done);

    [LoggerMessage(EventId = 3000, EventName = "IndexCaughtUp", Level = LogLevel.Information,
        Message = "Index up to date: {Folders} conversations, {Refreshed} re-read, {Removed} removed")]
    private static partial void CaughtUp(ILogger logger, int folders, int refreshed, int removed);

    [LoggerMessage(EventId = 3001, EventName = "IndexReplaced", Level = LogLevel.Warning,
        Message = "Index {Path} was replaced and is being rebuilt from the payload files: {Reason}")]
    private static partial void IndexReplaced(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3002, EventName = "IndexOpenFailed", Level = LogLevel.Error,
        Message = "Index {Path} could not be opened; deliveries are still stored, the read API is unavailable: {Reason}")]
    private static partial void OpenFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3003, EventName = "IndexWriteFailed", Level = LogLevel.Warning,
        Message = "Index update failed for {Count} conversations (their files are stored; 'postcall reindex' or the next start repairs it): {ErrorType}: {ErrorMessage}")]
    private static partial void WriteFailed(ILogger logger, int count, string errorType, string errorMessage);

    [LoggerMessage(EventId = 3004, EventName = "IndexBehind", Level = LogLevel.Debug,
        Message = "Index busy: answered before it took the conversation (waited {Seconds} s); it follows shortly")]
    private static partial void IndexBehind(ILogger logger, double seconds);
}

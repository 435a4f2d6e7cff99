using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Postcall.Index;
using Postcall.Observability;
using Postcall.Storage;

namespace Postcall.Sqlite;

/// <summary>
/// The embedded index: a SQLite file beside the payloads, a cache of the store. Deliveries queue the conversations
/// they wrote and answer without waiting; one background loop writes them in batches (one SQLite transaction each),
/// re-reading each from the store. A read waits (briefly) for what was queued before it, so whoever got a 200 finds
/// the call in the next list. At start-up it opens the file, replacing it when corrupt, and catches up with the
/// store. Nothing here can fail or slow a delivery: the payloads are already durable.
/// </summary>
internal sealed partial class SqliteConversationIndex(SqliteIndexFile index, IPayloadStore store, PostcallMetrics metrics,
    IHostApplicationLifetime lifetime, ILogger<SqliteConversationIndex> logger) : BackgroundService, IConversationIndex
{
    private const int BatchSize = 512;

    /// <summary>
    /// How long the writer lets deliveries gather before writing them, unless a read is waiting. One transaction for
    /// many conversations costs far less than one each (FTS5 writes and merges a segment per commit), and a new call
    /// still shows within a second.
    /// </summary>
    private static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a read waits for the deliveries queued before it before answering from the index as it is.</summary>
    private static readonly TimeSpan ReadWait = TimeSpan.FromSeconds(2);

    /// <summary>An index that would not open is tried again at most this often, not on every delivery.</summary>
    private static readonly TimeSpan ReopenInterval = TimeSpan.FromSeconds(30);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _readerWaiting = new(0);
    private readonly TaskCompletionSource _firstOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _open;
    private long _nextOpenAttempt;
    private CancellationToken _stopping;

    public bool IsPartOfCommit => false;

    public string Location => index.Path;

    public Task WhenOpenedAsync(CancellationToken cancellationToken) => _firstOpen.Task.WaitAsync(cancellationToken);

    /// <summary>Queues the conversation for the writer; the delivery's answer does not wait for it.</summary>
    public Task RecordAsync(ConversationId id, PayloadRecord stored, CancellationToken cancellationToken)
    {
        _ = RefreshAsync(id.Value);
        return Task.CompletedTask;
    }

    /// <summary>Re-reads the conversation (now gone from the store), which removes its row.</summary>
    public Task RemoveAsync(ConversationId id, CancellationToken cancellationToken) => RefreshAsync(id.Value).WaitAsync(cancellationToken);

    public async Task<ConversationPage> ListAsync(ConversationQuery query, CancellationToken cancellationToken)
    {
        await CaughtUpAsync(cancellationToken);
        return Guard(() => index.List(query));
    }

    public async Task<ConversationFacts?> FindAsync(ConversationId id, CancellationToken cancellationToken)
    {
        await CaughtUpAsync(cancellationToken);
        return Guard(() => index.Find(id.Value));
    }

    public async Task<IReadOnlyList<ConversationId>> StartedBeforeAsync(long cutoff, int limit, CancellationToken cancellationToken)
    {
        await CaughtUpAsync(cancellationToken);
        return Guard<IReadOnlyList<ConversationId>>(() => [.. index.StartedBefore(cutoff, limit).Select(ConversationId.Parse)]);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken) => Task.FromResult(Guard(index.Count));

    /// <summary>
    /// Waits until the writer has taken every conversation queued before this call, at most <see cref="ReadWait"/>:
    /// the queue is in order, so a marker behind them is done when they are. Past that the read answers from the
    /// index as it is (the writer is slow or failing, and says so in the log).
    /// </summary>
    private async Task CaughtUpAsync(CancellationToken cancellationToken)
    {
        if (!_open)
        {
            return;
        }

        try
        {
            var caughtUp = RefreshAsync(Marker);
            _readerWaiting.Release();
            await caughtUp.WaitAsync(ReadWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            IndexBehind(logger, ReadWait.TotalSeconds);
        }
    }

    public async Task<RebuildReport> RebuildAsync(bool everything, CancellationToken cancellationToken)
    {
        if (!_open)
        {
            throw new IndexUnavailableException($"The index {index.Path} is not open.");
        }

        // What deliveries queued goes in first, so the rebuild judges the index as they left it.
        await CaughtUpAsync(cancellationToken);
        try
        {
            return await IndexRebuild.RunAsync(index.RebuildFrom(store), store, everything, cancellationToken);
        }
        catch (SqliteException e)
        {
            throw new IndexUnavailableException(e.Message, e);
        }
    }

    /// <summary>Queues the conversation; completes with whether the index now reflects its payloads.</summary>
    private Task<bool> RefreshAsync(string id)
    {
        var pending = new Pending(id, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Done.SetResult(false);
        }

        return pending.Done.Task;
    }

    private T Guard<T>(Func<T> query)
    {
        if (!_open)
        {
            throw new IndexUnavailableException($"The index {index.Path} could not be opened.");
        }

        try
        {
            return query();
        }
        catch (SqliteException e)
        {
            throw new IndexUnavailableException(e.Message, e);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Open once the server listens: loading SQLite must not delay the first answer (deliveries just queue).
        await WhenStartedAsync(stoppingToken);
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            // Stopped before it ever served (a tunnel that would not open, say): nothing was queued, and opening
            // SQLite now would only race the process's exit.
            _firstOpen.TrySetResult();
            return;
        }

        _stopping = stoppingToken;
        var catchingUp = TryOpen() ? Task.Run(CatchUpAsync, CancellationToken.None) : Task.CompletedTask;
        _firstOpen.TrySetResult();
        var batch = new List<Pending>(BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await GatherAsync(stoppingToken);
                await DrainAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: write what was already queued, so a clean shutdown leaves nothing for the next start.
            _queue.Writer.TryComplete();
            await DrainAsync(batch);
        }

        await catchingUp;
        index.Close();
    }

    /// <summary>
    /// Lets deliveries gather for <see cref="GatherWindow"/>, or less once a read is waiting. The next batch serves
    /// every read that signalled so far, so their signals are all taken, and the window after it is a full one again.
    /// </summary>
    private async Task GatherAsync(CancellationToken stoppingToken)
    {
        await _readerWaiting.WaitAsync(GatherWindow, stoppingToken);
        while (_readerWaiting.CurrentCount > 0)
        {
            _readerWaiting.Wait(0, CancellationToken.None);
        }
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

    private async Task DrainAsync(List<Pending> batch)
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

            await WriteAsync(batch);
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        var ok = false;
        IReadOnlyList<string> unreadable = [];
        try
        {
            if (_open || OpenLate())
            {
                unreadable = await index.RefreshAsync(batch.Select(p => p.ConversationId).Where(id => id != Marker).Distinct(StringComparer.Ordinal),
                    id => IndexRebuild.ReadAsync(store, id, CancellationToken.None));
                ok = true;
            }
        }
        catch (StorageException e)
        {
            IndexLog.PayloadsUnreadable(logger, store.Location, e.Message);
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

    /// <summary>The index could not be opened at start-up (say, a full disk) but can now: catch up from the store too.</summary>
    private bool OpenLate()
    {
        if (Environment.TickCount64 < _nextOpenAttempt || !TryOpen())
        {
            return false;
        }

        _ = Task.Run(CatchUpAsync, CancellationToken.None);
        return true;
    }

    private async Task CatchUpAsync()
    {
        try
        {
            var report = await IndexRebuild.RunAsync(index.RebuildFrom(store), store, everything: false, _stopping);
            CaughtUp(logger, report.Conversations, report.Refreshed, report.Removed);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (StorageException e)
        {
            IndexLog.PayloadsUnreadable(logger, store.Location, e.Message);
        }
        catch (Exception e)
        {
            WriteFailed(logger, 0, e.GetType().Name, e.Message);
        }
    }

    /// <summary>Queued by a read to learn when what was queued before it is written; no conversation id is empty.</summary>
    private const string Marker = "";

    private sealed record Pending(string ConversationId, TaskCompletionSource<bool> Done);

    [LoggerMessage(EventId = 3000, EventName = "IndexCaughtUp", Level = LogLevel.Information,
        Message = "Index up to date: {Folders} conversations, {Refreshed} re-read, {Removed} removed")]
    private static partial void CaughtUp(ILogger logger, int folders, int refreshed, int removed);

    [LoggerMessage(EventId = 3001, EventName = "IndexReplaced", Level = LogLevel.Warning,
        Message = "Index {Path} was replaced and is being rebuilt from the payloads: {Reason}")]
    private static partial void IndexReplaced(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3002, EventName = "IndexOpenFailed", Level = LogLevel.Error,
        Message = "Index {Path} could not be opened; deliveries are still stored, the read API is unavailable: {Reason}")]
    private static partial void OpenFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3003, EventName = "IndexWriteFailed", Level = LogLevel.Warning,
        Message = "Index update failed for {Count} conversations (their payloads are stored; 'postcall reindex' or the next start repairs it): {ErrorType}: {ErrorMessage}")]
    private static partial void WriteFailed(ILogger logger, int count, string errorType, string errorMessage);

    [LoggerMessage(EventId = 3004, EventName = "IndexBehind", Level = LogLevel.Debug,
        Message = "Index busy: a read answered before the index took the deliveries queued before it (waited {Seconds} s); they follow shortly")]
    private static partial void IndexBehind(ILogger logger, double seconds);
}

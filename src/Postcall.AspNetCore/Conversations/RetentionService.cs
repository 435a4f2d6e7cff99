using Postcall.Coordination;
using Postcall.Hosting;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Conversations;

/// <summary>
/// With <c>POSTCALL_RETENTION_DAYS</c> set, deletes conversations that started longer ago than that: at start-up
/// and then every hour. Off (does nothing) when the variable is not set.
/// </summary>
internal sealed partial class RetentionService(PostcallSettings settings, IPayloadStore store, IConversationIndex index,
    ConversationDeletion deletion, IJobLeases leases, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public const string Job = "retention";

    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Retention is not { } retention)
        {
            return;
        }

        await index.WhenOpenedAsync(stoppingToken);
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                // Instances sharing a database take turns: one sweeps, and another takes over if it dies.
                await using var lease = await leases.TryAcquireAsync(Job, stoppingToken);
                if (lease is null)
                {
                    continue;
                }

                using var both = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
                var deleted = await SweepAsync(retention, both.Token);
                if (deleted > 0)
                {
                    Swept(logger, deleted, retention.TotalDays);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next sweep tries again; an exception here must not stop the host.
                SweepFailed(logger, e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes every conversation that started before now minus <paramref name="retention"/>; returns how many.</summary>
    public async Task<int> SweepAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        var cutoff = (time.GetUtcNow() - retention).ToUnixTimeSeconds();
        try
        {
            return await SweepIndexedAsync(cutoff, cancellationToken);
        }
        catch (IndexUnavailableException) when (!index.IsPartOfCommit)
        {
            return await SweepStoreAsync(cutoff, cancellationToken);
        }
    }

    private async Task<int> SweepIndexedAsync(long cutoff, CancellationToken cancellationToken)
    {
        var deleted = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var expired = await index.StartedBeforeAsync(cutoff, BatchSize, cancellationToken);
            var before = deleted;
            foreach (var id in expired)
            {
                if (await deletion.DeleteAsync(id, cancellationToken) is not null)
                {
                    deleted++;
                }
            }

            // A full batch that deleted nothing would come back the same: leave it for the next sweep.
            if (expired.Count < BatchSize || deleted == before)
            {
                break;
            }
        }

        return deleted;
    }

    /// <summary>
    /// Without the local index, personal data must still expire on time: read each conversation's start time from
    /// its payloads, as the index would. Slower, and only for as long as the index cannot be opened.
    /// </summary>
    private async Task<int> SweepStoreAsync(long cutoff, CancellationToken cancellationToken)
    {
        SweepingFolders(logger);
        var expired = new List<ConversationId>();
        await foreach (var conversation in store.ConversationsAsync(cancellationToken))
        {
            if (await ConversationReader.ReadAsync(store, conversation.Id, cancellationToken) is { } facts && facts.StartedAt < cutoff)
            {
                expired.Add(conversation.Id);
            }
        }

        var deleted = 0;
        foreach (var id in expired)
        {
            if (await deletion.DeleteAsync(id, cancellationToken) is not null)
            {
                deleted++;
            }
        }

        return deleted;
    }

    [LoggerMessage(EventId = 4000, EventName = "RetentionSwept", Level = LogLevel.Information,
        Message = "Retention: deleted {Count} conversations older than {Days} days")]
    private static partial void Swept(ILogger logger, int count, double days);

    [LoggerMessage(EventId = 4001, EventName = "RetentionFailed", Level = LogLevel.Warning,
        Message = "Retention sweep failed, will retry in an hour: {ErrorType}: {ErrorMessage}")]
    private static partial void SweepFailed(ILogger logger, string errorType, string errorMessage);

    [LoggerMessage(EventId = 4002, EventName = "RetentionWithoutIndex", Level = LogLevel.Warning,
        Message = "Retention: the conversation index is unavailable, so every conversation folder is read to find expired calls")]
    private static partial void SweepingFolders(ILogger logger);
}
